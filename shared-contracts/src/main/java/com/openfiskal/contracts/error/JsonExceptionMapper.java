package com.openfiskal.contracts.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Bodies that are not JSON, or JSON of the wrong shape: 400 {@code invalid_request} naming the field.
 * Jackson's own message is never echoed (it names Java classes). Each Jackson exception type is mapped
 * explicitly, so that these mappers, not the framework's defaults, answer.
 */
public class JsonExceptionMapper {

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response format(InvalidFormatException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response instantiation(ValueInstantiationException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        return map(e);
    }

    @ServerExceptionMapper
    public Response processing(JsonProcessingException e) {
        return map(e);
    }

    static Response map(JsonProcessingException e) {
        return ErrorResponses.of(invalid(e));
    }

    /** The 400 a body that Jackson could not bind gets; also for bodies bound by the services themselves. */
    public static ApiException invalid(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = JsonPointers.of(m.getPath());
            String problem = message.startsWith("Missing required") ? "is required" : "has the wrong type or value";
            return ApiException.invalid(field, "Field " + field + " " + problem + ".");
        }
        if (message.startsWith("Missing required creator property '")) {
            String name = message.substring("Missing required creator property '".length());
            String field = "/" + name.substring(0, Math.max(0, name.indexOf('\'')));
            return ApiException.invalid(field, "Field " + field + " is required.");
        }
        if (e instanceof JsonParseException) {
            return new ApiException(ErrorCode.INVALID_REQUEST, "Request body is not valid JSON.");
        }
        return new ApiException(ErrorCode.INVALID_REQUEST, "Request body does not have the expected shape.");
    }
}
