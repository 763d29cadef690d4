package com.openfiskal.contracts.http;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorResponses;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request with a body must say {@code Content-Type: application/json} (API.md §2.4); without this check
 * a body sent with no content type at all would be read as JSON anyway. Runs after authentication, as
 * the body's schema is step 7 of the processing order.
 */
public class JsonBodyFilter {

    @ServerRequestFilter(priority = Priorities.ENTITY_CODER)
    public Response requireJson(ContainerRequestContext request) {
        if (!hasBody(request)) {
            return null;
        }
        MediaType type = request.getMediaType();
        if (type == null
                || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || type.isWildcardType()
                || type.isWildcardSubtype()) {
            return ErrorResponses.of(ApiException.invalid("Content-Type", "Content-Type must be application/json."));
        }
        return null;
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        return request.getHeaderString("Transfer-Encoding") != null;
    }
}
