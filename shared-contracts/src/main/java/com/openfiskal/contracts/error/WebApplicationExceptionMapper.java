package com.openfiskal.contracts.error;

import com.openfiskal.contracts.http.AllowedMethods;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Errors raised by the HTTP layer itself (no route, wrong method, wrong content type, unreadable
 * parameters) in the envelope. 405 keeps its {@code Allow} header; every other client error is
 * {@code invalid_request} unless it is a 404.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    private static final Logger LOG = Logger.getLogger(WebApplicationExceptionMapper.class);

    private final AllowedMethods allowed;

    @Context
    UriInfo uriInfo;

    public WebApplicationExceptionMapper(AllowedMethods allowed) {
        this.allowed = allowed;
    }

    @Override
    public Response toResponse(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
            // the JSON reader wraps what Jackson found; answer with the field it names
            return JsonExceptionMapper.map(json);
        }
        if (status == 404 && isParameterFailure(e)) {
            // JAX-RS answers 404 when a query or path parameter cannot be converted; for us that is bad input
            return ErrorResponses.of(
                    ErrorCode.INVALID_REQUEST, 400, "A query or path parameter is malformed.", Map.of());
        }
        if (status == 404) {
            return ErrorResponses.of(ErrorCode.NOT_FOUND, 404, "Resource not found.", Map.of());
        }
        if (status == 405) {
            Response r = ErrorResponses.of(ErrorCode.INVALID_REQUEST, 405, "Method not allowed.", Map.of());
            Object allow = e.getResponse().getHeaders().getFirst(HttpHeaders.ALLOW);
            if (allow == null && uriInfo != null) {
                allow = allowed.allowFor(uriInfo.getPath());
            }
            return allow == null
                    ? r
                    : Response.fromResponse(r).header(HttpHeaders.ALLOW, allow).build();
        }
        if (status == 413) {
            return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 413, "Request body is larger than 1 MiB.", Map.of());
        }
        if (status == 415) {
            return ErrorResponses.of(
                    ErrorCode.INVALID_REQUEST,
                    400,
                    "Content-Type must be application/json.",
                    Map.of("field", "Content-Type"));
        }
        if (status == 406) {
            return ErrorResponses.of(
                    ErrorCode.INVALID_REQUEST,
                    400,
                    "This endpoint answers application/json only.",
                    Map.of("field", "Accept"));
        }
        if (status >= 400 && status < 500) {
            return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 400, "Invalid request.", Map.of());
        }
        LOG.error("Unhandled server error", e);
        return ErrorResponses.of(ErrorCode.INTERNAL_ERROR, 500, "Internal error.", Map.of());
    }

    private static boolean isParameterFailure(Throwable e) {
        if (e.getCause() instanceof IllegalArgumentException) {
            return true;
        }
        for (Throwable s : e.getSuppressed()) {
            if (s instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }
}
