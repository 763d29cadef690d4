package com.openfiskal.contracts.error;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Builds envelope responses; the one place where an error turns into HTTP. */
public final class ErrorResponses {

    private ErrorResponses() {}

    public static Response of(ApiException e) {
        Response.ResponseBuilder b = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorEnvelope.of(e.code(), e.status(), e.getMessage(), e.details()));
        e.headers().forEach(b::header);
        return b.build();
    }

    public static Response of(ErrorCode code, int status, String message, Map<String, Object> details) {
        return of(new ApiException(code, status, message, details, Map.of()));
    }
}
