package com.openfiskal.receipts.receipt;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.receipts.api.ReceiptsApi;
import com.openfiskal.contracts.receipts.model.SendRequest;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/**
 * The Hosted Receipts API's authenticated routes. Receipts are not built yet: every route authenticates
 * like the rest of the platform and then answers 404 {@code not_found}.
 */
public class ReceiptResource implements ReceiptsApi {

    private static final String NOT_YET = "Receipts are not available in this build yet.";

    @Override
    public CompletionStage<Response> getOperationReceipt(String id, String merchant) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> getReceipt(String merchant, String id) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> getReceiptPdf(String merchant, String id) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> sendReceipt(String merchant, String idempotencyKey, String id, SendRequest body) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> getDelivery(String merchant, String id, String deliveryId) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }
}
