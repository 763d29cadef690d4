package com.openfiskal.fiscalization.register;

import com.openfiskal.contracts.fiscalization.api.RegistersApi;
import com.openfiskal.contracts.fiscalization.model.ActiveStatus;
import com.openfiskal.contracts.fiscalization.model.FiscalizationError;
import com.openfiskal.contracts.fiscalization.model.FiscalizationStatus;
import com.openfiskal.contracts.fiscalization.model.Register;
import com.openfiskal.contracts.fiscalization.model.RegisterCreate;
import com.openfiskal.contracts.fiscalization.model.RegisterFiscalization;
import com.openfiskal.contracts.fiscalization.model.RegisterList;
import com.openfiskal.contracts.fiscalization.model.RegisterUpdate;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.common.Responses;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** HTTP for registers. */
public class RegisterResource implements RegistersApi {

    private final RegisterService registers;
    private final FiscalizationService fiscalization;
    private final Idempotency idempotency;

    public RegisterResource(RegisterService registers, FiscalizationService fiscalization, Idempotency idempotency) {
        this.registers = registers;
        this.fiscalization = fiscalization;
        this.idempotency = idempotency;
    }

    @Override
    public CompletionStage<Response> createRegister(String merchant, RegisterCreate body, String idempotencyKey) {
        return Responses.async(idempotency.run(
                IdempotentCall.of("POST /v1/registers", idempotencyKey, body),
                () -> registers
                        .create(body)
                        .map(r -> Responses.created(toApi(r), r.resourceVersion, "/v1/registers/" + r.id))));
    }

    @Override
    public CompletionStage<Response> getRegister(String merchant, String id) {
        return Responses.async(registers.get(id).map(r -> Responses.ok(toApi(r), r.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> listRegisters(
            String merchant,
            Integer limit,
            String cursor,
            String locationId,
            ActiveStatus status,
            FiscalizationStatus fiscalizationStatus) {
        return Responses.async(registers
                .list(
                        limit,
                        cursor,
                        locationId,
                        status == null ? null : status.toString(),
                        fiscalizationStatus == null ? null : fiscalizationStatus.toString())
                .map(page -> Response.ok(new RegisterList()
                                .data(page.items().stream()
                                        .map(RegisterResource::toApi)
                                        .toList())
                                .hasMore(page.hasMore())
                                .nextCursor(page.nextCursor()))
                        .build()));
    }

    @Override
    public CompletionStage<Response> updateRegister(String merchant, String id, RegisterUpdate body, String ifMatch) {
        return Responses.async(registers.update(id, body, ifMatch).map(r -> Responses.ok(toApi(r), r.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> deleteRegister(String merchant, String id) {
        return Responses.async(registers.delete(id).map(x -> Responses.noContent()));
    }

    @Override
    public CompletionStage<Response> fiscalizeRegister(String merchant, String id, String idempotencyKey, Object body) {
        return Responses.async(idempotency.run(
                IdempotentCall.of("POST /v1/registers/{id}/fiscalize", idempotencyKey, body, id),
                () -> fiscalization
                        .fiscalize(id)
                        .map(r -> Responses.accepted(toApi(r), r.resourceVersion, "/v1/registers/" + r.id))));
    }

    @Override
    public CompletionStage<Response> decommissionRegister(
            String merchant, String id, String idempotencyKey, Object body) {
        return Responses.async(idempotency.run(
                IdempotentCall.of("POST /v1/registers/{id}/decommission", idempotencyKey, body, id),
                () -> fiscalization.decommission(id).map(r -> Responses.ok(toApi(r), r.resourceVersion))));
    }

    static Register toApi(RegisterEntity r) {
        return new Register()
                .id(r.id)
                .merchantId(r.merchantId)
                .locationId(r.locationId)
                .name(r.name)
                .externalId(r.externalId)
                .status(ActiveStatus.fromValue(r.status))
                .fiscalizationStatus(FiscalizationStatus.fromValue(r.fiscalizationStatus))
                .fiscalization(new RegisterFiscalization()
                        .regime(r.regime)
                        .fiscalizedAt(Timestamps.format(r.fiscalizedAt))
                        .decommissionedAt(Timestamps.format(r.decommissionedAt))
                        .tssSerialNumber(r.tssSerialNumber)
                        .clientSerialNumber(r.clientSerialNumber)
                        .signatureAlgorithm(r.signatureAlgorithm)
                        .publicKey(r.publicKey)
                        .timeFormat(r.timeFormat)
                        .certificate(r.certificate)
                        .error(
                                r.errorMessage == null
                                        ? null
                                        : new FiscalizationError()
                                                .message(r.errorMessage)
                                                .occurredAt(Timestamps.format(r.errorOccurredAt))))
                .openSessionId(r.openSessionId)
                .resourceVersion(r.resourceVersion)
                .createdAt(Timestamps.format(r.createdAt))
                .updatedAt(Timestamps.format(r.updatedAt));
    }
}
