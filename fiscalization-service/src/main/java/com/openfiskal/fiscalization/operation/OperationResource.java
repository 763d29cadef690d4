package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.openfiskal.contracts.error.ErrorResponses;
import com.openfiskal.contracts.fiscalization.api.OperationsApi;
import com.openfiskal.contracts.fiscalization.model.OperationComplete;
import com.openfiskal.contracts.fiscalization.model.OperationList;
import com.openfiskal.contracts.fiscalization.model.OperationVoid;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.fiscalization.common.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** HTTP for operations: goods movements and session events (API.md §6, §7). */
public class OperationResource implements OperationsApi {

    /** The POST alias of complete and void shares the PATCH endpoint's idempotency scope (API.md §2.9). */
    static final String COMPLETE_ROUTE = "PATCH /v1/operations/{id}/complete";

    static final String VOID_ROUTE = "PATCH /v1/operations/{id}/void";

    private final OperationService operations;
    private final CreateGroups creates;
    private final CompleteGroups completes;
    private final OperationJson json;
    private final Idempotency idempotency;

    public OperationResource(
            OperationService operations,
            CreateGroups creates,
            CompleteGroups completes,
            OperationJson json,
            Idempotency idempotency) {
        this.operations = operations;
        this.creates = creates;
        this.completes = completes;
        this.json = json;
        this.idempotency = idempotency;
    }

    @Override
    public CompletionStage<Response> createOperation(String merchant, String idempotencyKey, JsonNode body) {
        IdempotentCall call = IdempotentCall.of("POST /v1/operations", idempotencyKey, body);
        return Responses.async(creates.create(
                call,
                body,
                () -> idempotency.run(
                        call,
                        () -> operations
                                .create(body)
                                .map(o -> Responses.created(
                                        json.render(o), o.resourceVersion, "/v1/operations/" + o.id)))));
    }

    @Override
    public CompletionStage<Response> getOperation(String merchant, String id) {
        return Responses.async(operations.get(id).map(o -> Responses.ok(json.render(o), o.resourceVersion)));
    }

    @Override
    public CompletionStage<Response> listOperations(
            String merchant,
            Integer limit,
            String cursor,
            String registerId,
            String sessionId,
            String type,
            String status,
            String source,
            String externalId,
            String createdFrom,
            String createdTo) {
        return Responses.async(operations
                .list(limit, cursor, registerId, sessionId, type, status, source, externalId, createdFrom, createdTo)
                .map(page -> Response.ok(new OperationList()
                                .data(page.items().stream()
                                        .map(o -> (JsonNode) json.render(o))
                                        .toList())
                                .hasMore(page.hasMore())
                                .nextCursor(page.nextCursor()))
                        .build()));
    }

    @Override
    public CompletionStage<Response> completeOperation(
            String merchant, String idempotencyKey, String ifMatch, String id, OperationComplete body) {
        IdempotentCall call = IdempotentCall.of(COMPLETE_ROUTE, idempotencyKey, body, id);
        return Responses.async(completes.complete(
                call,
                id,
                body,
                ifMatch,
                () -> idempotency.run(call, () -> answer(operations.complete(id, body, ifMatch)))));
    }

    @Override
    public CompletionStage<Response> completeOperationAlias(
            String merchant, String idempotencyKey, String ifMatch, String id, OperationComplete body) {
        return completeOperation(merchant, idempotencyKey, ifMatch, id, body);
    }

    @Override
    public CompletionStage<Response> voidOperation(
            String merchant, String idempotencyKey, String ifMatch, String id, OperationVoid body) {
        return Responses.async(idempotency.run(
                IdempotentCall.of(VOID_ROUTE, idempotencyKey, body, id),
                () -> answer(operations.voidOperation(id, body, ifMatch))));
    }

    @Override
    public CompletionStage<Response> voidOperationAlias(
            String merchant, String idempotencyKey, String ifMatch, String id, OperationVoid body) {
        return voidOperation(merchant, idempotencyKey, ifMatch, id, body);
    }

    /** The operation, or the refusal (a TSE failure) that commits with its idempotency record. */
    private Uni<Response> answer(Uni<OperationService.Attempt> attempt) {
        return attempt.map(a -> a.refused() != null
                ? ErrorResponses.of(a.refused())
                : Responses.ok(a.rendered(), a.operation().resourceVersion));
    }
}
