package com.openfiskal.contracts.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** The one error body of all three services (API.md §2.12); {@code details} is left out when empty. */
@RegisterForReflection
@JsonPropertyOrder({"code", "message", "retryable", "details"})
public record ErrorEnvelope(
        String code,
        String message,
        boolean retryable,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> details) {

    public static ErrorEnvelope of(ErrorCode code, int status, String message, Map<String, Object> details) {
        return new ErrorEnvelope(code.code(), message, ErrorCode.retryable(status), details);
    }
}
