package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.JsonExceptionMapper;
import com.openfiskal.contracts.fiscalization.model.CartDiscountInput;
import com.openfiskal.contracts.fiscalization.model.ExternalRelatedOperation;
import com.openfiskal.contracts.fiscalization.model.GoodsMovementCreate;
import com.openfiskal.contracts.fiscalization.model.LineItemInput;
import com.openfiskal.contracts.fiscalization.model.OperatorRef;
import com.openfiskal.contracts.fiscalization.model.SessionCashAdjustmentCreate;
import com.openfiskal.contracts.fiscalization.model.SessionCashCountCreate;
import com.openfiskal.contracts.fiscalization.model.SessionCloseCreate;
import com.openfiskal.contracts.fiscalization.model.SessionOpenCreate;
import com.openfiskal.contracts.fiscalization.model.TaxInput;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the body of {@code POST /v1/operations} (API.md §6, §7): the variant is picked by {@code type}
 * case-insensitively, then the body is bound to that variant's generated model and checked against its
 * schema, so a malformed body is a 400 with the JSON Pointer of the first bad field, as everywhere else.
 */
@ApplicationScoped
@RegisterForReflection(
        targets = {
            GoodsMovementCreate.class,
            LineItemInput.class,
            LineItemInput.TypeEnum.class,
            TaxInput.class,
            CartDiscountInput.class,
            ExternalRelatedOperation.class,
            OperatorRef.class,
            SessionOpenCreate.class,
            SessionCashAdjustmentCreate.class,
            SessionCashAdjustmentCreate.KindEnum.class,
            SessionCashCountCreate.class,
            SessionCloseCreate.class
        })
public class OperationRequests {

    public static final Set<String> GOODS = Set.of("SALE", "RETURN", "EXCHANGE");
    public static final List<String> ALL = List.of(
            "SALE",
            "RETURN",
            "EXCHANGE",
            "SESSION_OPEN",
            "SESSION_CASH_ADJUSTMENT",
            "SESSION_CASH_COUNT",
            "SESSION_CLOSE");

    private final ObjectMapper mapper;
    private final Validator validator;

    public OperationRequests(ObjectMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    /** The uppercase type of the body, or 400 when it is missing or unknown. */
    public String type(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid("/", "The body must be a JSON object.");
        }
        JsonNode t = body.get("type");
        if (t == null || t.isNull()) {
            throw ApiException.invalid("/type", "Field /type is required.");
        }
        if (!t.isTextual()) {
            throw ApiException.invalid("/type", "Field /type must be a string.");
        }
        String type = t.asText().toUpperCase(Locale.ROOT);
        if (!ALL.contains(type)) {
            throw ApiException.invalid(
                    "/type", "Unknown operation type '" + t.asText() + "'. Expected one of " + ALL + ".");
        }
        return type;
    }

    /** Binds the body to {@code model} and checks the model's schema constraints. */
    public <T> T bind(JsonNode body, Class<T> model) {
        T value;
        try {
            value = mapper.treeToValue(body, model);
        } catch (JsonProcessingException e) {
            throw JsonExceptionMapper.invalid(e);
        }
        Set<jakarta.validation.ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return value;
    }
}
