package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.kassensichv.Money;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The one representation of an operation (API.md §6.2, §7): seven variants picked by {@code type}. The
 * same JSON is the response body, the replayed body and {@code data.operation} of the events. Amounts are
 * stored exactly and written here with 2 decimals; tax rates and quantities are written as received.
 */
@ApplicationScoped
public class OperationJson {

    /** Fields of the stored details whose values are amounts (rounded on output). */
    private static final Set<String> AMOUNT_FIELDS = Set.of("unit_price", "total_amount", "tax_amount", "amount");

    private final ObjectMapper mapper;

    public OperationJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode render(OperationEntity o) {
        ObjectNode details = details(o);
        ObjectNode n = mapper.createObjectNode();
        n.put("id", o.id);
        n.put("merchant_id", o.merchantId);
        n.put("type", o.type);
        n.put("source", o.source);
        n.put("status", o.status);
        n.put("currency", o.currency);
        if (o.isSessionEvent()) {
            n.put("register_id", o.registerId);
            n.put("location_id", o.locationId);
            n.put("session_id", o.sessionId);
            switch (o.type) {
                case "SESSION_OPEN" -> amount(n, "opening_balance_amount", o.amount);
                case "SESSION_CASH_ADJUSTMENT" -> {
                    amount(n, "amount", o.amount);
                    n.put("kind", o.kind);
                }
                case "SESSION_CASH_COUNT" -> {
                    amount(n, "counted_amount", o.countedAmount);
                    amount(n, "expected_amount", o.expectedAmount);
                    amount(n, "variance_amount", o.varianceAmount);
                }
                default -> {
                    amount(n, "closing_transfer_amount", o.amount);
                    amount(n, "closing_balance_amount", o.closingBalanceAmount);
                    amount(n, "counted_amount", o.countedAmount);
                    amount(n, "expected_amount", o.expectedAmount);
                    amount(n, "variance_amount", o.varianceAmount);
                    n.put("closing_number", o.closingNumber);
                }
            }
            n.put("note", o.note);
            n.set("operator", details.path("operator").isObject() ? details.get("operator") : n.nullNode());
        } else {
            amount(n, "pretax_amount", o.pretaxAmount);
            amount(n, "tax_amount", o.taxAmount);
            amount(n, "tip_amount", o.tipAmount);
            amount(n, "total_amount", o.totalAmount);
            n.set("line_items", rounded(details.path("line_items")));
            if ("SALE".equals(o.type)) {
                n.set("cart_level_discounts", rounded(details.path("cart_level_discounts")));
            }
            n.set("payments", rounded(details.path("payments")));
            n.put("register_id", o.registerId);
            n.put("location_id", o.locationId);
            n.put("session_id", o.sessionId);
            if (!"SALE".equals(o.type)) {
                n.put("related_operation_id", o.relatedOperationId);
                JsonNode external = details.path("external_related_operation");
                n.set("external_related_operation", external.isObject() ? external : n.nullNode());
            }
            n.put("external_id", o.externalId);
            n.put("note", o.note);
            n.set("operator", details.path("operator").isObject() ? details.get("operator") : n.nullNode());
            n.put("void_reason", o.voidReason);
            n.put("completed_at", Timestamps.format(o.completedAt));
            n.put("voided_at", Timestamps.format(o.voidedAt));
        }
        n.set("fiscal_information", parse(o.fiscalInformation));
        n.set("fiscal_error", parse(o.fiscalError));
        n.put("resource_version", o.resourceVersion);
        n.put("created_at", Timestamps.format(o.createdAt));
        n.put("updated_at", Timestamps.format(o.updatedAt));
        return n;
    }

    /** The stored details: line items, discounts, payments, operator, external related operation. */
    public ObjectNode details(OperationEntity o) {
        JsonNode d = parse(o.details);
        return d instanceof ObjectNode obj ? obj : mapper.createObjectNode();
    }

    public String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode parse(String json) {
        if (json == null) {
            return mapper.nullNode();
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored operation JSON is unreadable", e);
        }
    }

    /** A deep copy in which every amount field is written with 2 decimals. */
    private JsonNode rounded(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return mapper.createArrayNode();
        }
        if (node.isArray()) {
            ArrayNode out = mapper.createArrayNode();
            node.forEach(e -> out.add(rounded(e)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = mapper.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode v = f.getValue();
                if (AMOUNT_FIELDS.contains(f.getKey()) && v.isTextual()) {
                    out.put(f.getKey(), Money.format(new BigDecimal(v.asText())));
                } else if (v.isContainerNode()) {
                    out.set(f.getKey(), rounded(v));
                } else {
                    out.set(f.getKey(), v);
                }
            }
            return out;
        }
        return node;
    }

    private static void amount(ObjectNode n, String field, BigDecimal value) {
        n.put(field, Money.format(value));
    }
}
