package com.openfiskal.receipts.receipt;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.receipts.api.ReceiptsApi;
import com.openfiskal.contracts.receipts.model.SendRequest;
import com.openfiskal.receipts.delivery.DeliveryService;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** The Hosted Receipts API's authenticated routes (API.md §10.2–§10.6): HTTP only. */
public class ReceiptResource implements ReceiptsApi {

    private final ReceiptService receipts;
    private final DeliveryService deliveries;
    private final Idempotency idempotency;

    public ReceiptResource(ReceiptService receipts, DeliveryService deliveries, Idempotency idempotency) {
        this.receipts = receipts;
        this.deliveries = deliveries;
        this.idempotency = idempotency;
    }

    @Override
    public CompletionStage<Response> getOperationReceipt(String id, String merchant) {
        return receipts.byOperation(id)
                .map(r -> Response.ok(receipts.render(r)).build())
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> getReceipt(String merchant, String id) {
        return receipts.byId(id)
                .map(r -> Response.ok(receipts.render(r)).build())
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> getReceiptPdf(String merchant, String id) {
        return receipts.byId(id).map(r -> pdf(receipts.pdf(r, "de"))).subscribeAsCompletionStage();
    }

    /** The PDF of §10.4, shown in the browser rather than saved. */
    static Response pdf(ReceiptService.Pdf pdf) {
        return Response.ok(pdf.bytes(), "application/pdf")
                .header("Content-Disposition", "inline; filename=\"" + pdf.fileName() + "\"")
                .build();
    }

    @Override
    public CompletionStage<Response> sendReceipt(String merchant, String idempotencyKey, String id, SendRequest body) {
        if (idempotencyKey == null) {
            throw ApiException.invalid("Idempotency-Key", "Idempotency-Key is required to send a receipt.");
        }
        return idempotency
                .run(
                        IdempotentCall.of("POST /v1/receipts/{id}/send", idempotencyKey, body, id),
                        () -> deliveries
                                .send(id, body)
                                .map(d -> Response.accepted(deliveries.render(d))
                                        .header("Location", "/v1/receipts/" + id + "/deliveries/" + d.id)
                                        .build()))
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> getDelivery(String merchant, String id, String deliveryId) {
        return deliveries
                .get(id, deliveryId)
                .map(d -> Response.ok(deliveries.render(d)).build())
                .subscribeAsCompletionStage();
    }
}
