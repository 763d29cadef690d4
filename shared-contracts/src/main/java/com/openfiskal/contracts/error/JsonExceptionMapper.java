package com.openfiskal.contracts.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * Bodies that are not JSON, or JSON of the wrong shape: 400 {@code invalid_request} naming the field.
 * Jackson's own message is never echoed (it names Java classes).
 */
@Provider
public class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {

    @Override
    public Response toResponse(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = JsonPointers.of(m.getPath());
            String problem;
            if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
                problem = m.getMessage() != null && m.getMessage().startsWith("Missing required")
                        ? "is required"
                        : "has the wrong type or format";
            } else {
                problem = "is invalid";
            }
            return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 400, "Field " + field + " " + problem + ".",
                    Map.of("field", field));
        }
        if (e instanceof MismatchedInputException m && m.getMessage() != null
                && m.getMessage().startsWith("Missing required creator property")) {
            String name = m.getMessage().replaceFirst("^Missing required creator property '([^']*)'.*$", "$1");
            String field = "/" + name.split("\\s")[0];
            return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 400, "Field " + field + " is required.",
                    Map.of("field", field));
        }
        return ErrorResponses.of(ErrorCode.INVALID_REQUEST, 400, "Request body is not valid JSON of the expected shape.",
                Map.of());
    }
}
