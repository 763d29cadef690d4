package com.openfiskal.export.job;

import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.reporting.api.ExportsApi;
import com.openfiskal.contracts.reporting.model.ExportCreate;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** The Reporting API's routes (API.md §9): HTTP only; the rules live in {@link ExportService}. */
public class ExportResource implements ExportsApi {

    private final ExportService exports;
    private final ExportDownloads downloads;
    private final Idempotency idempotency;

    public ExportResource(ExportService exports, ExportDownloads downloads, Idempotency idempotency) {
        this.exports = exports;
        this.downloads = downloads;
        this.idempotency = idempotency;
    }

    @Override
    public CompletionStage<Response> createExport(String merchant, ExportCreate body, String idempotencyKey) {
        return idempotency
                .run(
                        IdempotentCall.of("POST /v1/exports", idempotencyKey, body),
                        () -> exports.create(body)
                                .map(e -> Response.accepted(exports.render(e))
                                        .header("Location", "/v1/exports/" + e.id)
                                        .build()))
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> listExports(
            String merchant, Integer limit, String cursor, String registerId, String status) {
        return exports.list(limit, cursor, registerId, status)
                .map(page -> Response.ok(exports.renderPage(page)).build())
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> getExport(String merchant, String id) {
        return exports.get(id).map(e -> Response.ok(exports.render(e)).build()).subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> downloadExport(String id, String expires, String signature) {
        return downloads.download(id, expires, signature).subscribeAsCompletionStage();
    }
}
