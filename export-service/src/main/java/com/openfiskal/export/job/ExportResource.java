package com.openfiskal.export.job;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.reporting.api.ExportsApi;
import com.openfiskal.contracts.reporting.model.ExportCreate;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/**
 * The Reporting API's routes. DSFinV-K exports are not built yet: every route authenticates like the
 * rest of the platform and then answers 404 {@code not_found}, so clients see the final contract shape.
 */
public class ExportResource implements ExportsApi {

    private static final String NOT_YET = "Exports are not available in this build yet.";

    @Override
    public CompletionStage<Response> createExport(String merchant, ExportCreate body, String idempotencyKey) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> listExports(
            String merchant, Integer limit, String cursor, String registerId, String status) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> getExport(String merchant, String id) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }

    @Override
    public CompletionStage<Response> downloadExport(String id, String expires, String signature) {
        throw new ApiException(ErrorCode.NOT_FOUND, NOT_YET);
    }
}
