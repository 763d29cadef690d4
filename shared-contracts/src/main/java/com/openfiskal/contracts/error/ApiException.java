package com.openfiskal.contracts.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A contract error: thrown anywhere in a service, written as the envelope by {@link ApiExceptionMapper}.
 * Carries the status (normally the code's own), the message, optional {@code details} and extra headers.
 */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final int status;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    public ApiException(ErrorCode code, String message) {
        this(code, code.status(), message, Map.of(), Map.of());
    }

    public ApiException(
            ErrorCode code, int status, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.details = details;
        this.headers = headers;
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(ErrorCode.INVALID_REQUEST, 400, message, Map.of("field", field), Map.of());
    }

    public static ApiException notFound() {
        return new ApiException(ErrorCode.NOT_FOUND, "Resource not found.");
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " not found.");
    }

    /** A 422 {@code validation_error} naming its rule and, where one field is at fault, the field. */
    public static ApiException rule(String rule, String field, String message) {
        return rule(ErrorCode.VALIDATION_ERROR, rule, field, message);
    }

    public static ApiException rule(ErrorCode code, String rule, String field, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", rule);
        if (field != null) {
            details.put("field", field);
        }
        return new ApiException(code, code.status(), message, details, Map.of());
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> details() {
        return details;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
