package com.openfiskal.contracts.error;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Comparator;
import java.util.Map;

/**
 * Schema violations found by Bean Validation on the generated models and parameters: 400
 * {@code invalid_request}. When several fields are wrong, the first in path order is named, so equal
 * input always gives an equal answer.
 */
@Provider
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException e) {
        ConstraintViolation<?> v = e.getConstraintViolations().stream()
                .min(Comparator.comparing(c -> c.getPropertyPath().toString()))
                .orElse(null);
        if (v == null) {
            return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 400, "Invalid request.", Map.of());
        }
        String field = field(v.getPropertyPath());
        if ("If-Match".equals(field) && v.getConstraintDescriptor().getAnnotation() instanceof NotNull) {
            // complete and void require If-Match; its absence is a precondition, not a syntax error (API.md §2.10)
            return ErrorResponses.of(ErrorCode.PRECONDITION_REQUIRED, 428, "If-Match is required.", Map.of());
        }
        String message = "Field " + field + " " + v.getMessage() + ".";
        return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 400, message, Map.of("field", field));
    }

    /**
     * A method-parameter path looks like {@code createMerchant.merchantCreate.address.line1}: the method
     * and the body parameter are dropped; a query, header or path parameter keeps its wire name.
     */
    static String field(Path path) {
        StringBuilder javaPath = new StringBuilder();
        int i = 0;
        String paramName = null;
        for (Path.Node n : path) {
            switch (n.getKind()) {
                case METHOD, CONSTRUCTOR -> {}
                case PARAMETER -> paramName = n.getName();
                default -> {
                    if (javaPath.length() > 0) {
                        javaPath.append('.');
                    }
                    javaPath.append(n.getName() == null ? "" : n.getName());
                    if (n.getIndex() != null) {
                        javaPath.append('[').append(n.getIndex()).append(']');
                    }
                    i++;
                }
            }
        }
        if (i == 0) {
            return paramName == null ? "/" : Parameters.wireName(paramName);
        }
        return JsonPointers.fromBeanPath(javaPath.toString());
    }
}
