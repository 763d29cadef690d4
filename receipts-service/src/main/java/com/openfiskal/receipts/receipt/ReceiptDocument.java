package com.openfiskal.receipts.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.kassensichv.Money;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The receipt object of API.md §10.1, built from one {@code operation.completed} event: the operation as it
 * was completed and the issuer snapshot taken at the same moment. Status and links are not part of it;
 * they are added when the receipt is read.
 */
public final class ReceiptDocument {

    /** The operation types that get a receipt; session events and voided operations get none (§10). */
    public static final Set<String> RECEIPT_TYPES = Set.of("SALE", "RETURN", "EXCHANGE");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ReceiptDocument() {}

    /** Whether this operation (the event's {@code data.operation}) gets a receipt. */
    public static boolean wanted(JsonNode operation) {
        return RECEIPT_TYPES.contains(operation.path("type").asText())
                && "COMPLETED".equals(operation.path("status").asText());
    }

    public static ObjectNode build(String receiptId, String createdAt, JsonNode operation, JsonNode issuer) {
        ObjectNode r = JSON.objectNode();
        r.put("id", receiptId);
        r.put("operation_id", operation.path("id").asText());
        r.put("operation_type", operation.path("type").asText());
        r.put("merchant_id", operation.path("merchant_id").asText());
        r.set("location_id", operation.path("location_id"));
        r.set("register_id", operation.path("register_id"));
        r.set("session_id", operation.path("session_id"));
        r.put("currency", operation.path("currency").asText());
        r.set("issued_at", operation.path("completed_at"));
        r.set("external_reference", nullable(operation.path("external_id")));
        r.set("related_operation_id", nullable(operation.path("related_operation_id")));
        r.set("issuer", issuer(issuer));
        r.set("line_items", lines(operation.path("line_items")));
        ArrayNode discounts = r.putArray("discounts");
        for (JsonNode d : operation.path("cart_level_discounts")) {
            ObjectNode o = discounts.addObject();
            o.set("id", d.path("id"));
            o.set("description", nullable(d.path("description")));
            o.set("amount", d.path("amount"));
        }
        ObjectNode totals = r.putObject("totals");
        totals.set("total_gross", operation.path("total_amount"));
        totals.set("total_net", operation.path("pretax_amount"));
        totals.set("total_tax", operation.path("tax_amount"));
        totals.set("tip_amount", operation.path("tip_amount"));
        r.set("tax_breakdown", taxBreakdown(operation.path("line_items")));
        r.set("payments", payments(operation.path("payments")));
        r.set("fiscal", fiscal(operation.path("fiscal_information"), issuer.path("public_key")));
        r.putObject("metadata");
        r.put("created_at", createdAt);
        return r;
    }

    private static ObjectNode issuer(JsonNode snapshot) {
        JsonNode merchant = snapshot.path("merchant");
        JsonNode location = snapshot.path("location");
        ObjectNode i = JSON.objectNode();
        i.set("legal_name", merchant.path("legal_name"));
        i.set("location_name", nullable(location.path("name")));
        i.set("register_name", nullable(snapshot.path("register").path("name")));
        // the location's address where there is one (POS); ONLINE receipts carry the merchant's
        JsonNode address = location.path("address").isObject() ? location.path("address") : merchant.path("address");
        i.set("address", nullable(address));
        JsonNode vatId = nullable(merchant.path("vat_id"));
        JsonNode taxNumber = nullable(merchant.path("tax_number"));
        i.set("tax_id", vatId.isNull() ? taxNumber : vatId);
        i.set("tax_number", taxNumber);
        i.set("vat_id", vatId);
        i.set("timezone", nullable(location.path("timezone")));
        return i;
    }

    private static ArrayNode lines(JsonNode items) {
        ArrayNode lines = JSON.arrayNode();
        for (JsonNode item : items) {
            ObjectNode l = lines.addObject();
            l.set("id", item.path("id"));
            l.set("description", item.path("title"));
            l.set("quantity", item.path("quantity"));
            l.set("unit_price", item.path("unit_price"));
            l.set("total_amount", item.path("total_amount"));
            l.set("tax_rate", nullable(rate(item)));
            l.put("tax_amount", Money.format(tax(item)));
        }
        return lines;
    }

    /** The line's rate; a line without taxes is not taxable (the receipt prints an exemption note). */
    private static JsonNode rate(JsonNode item) {
        JsonNode taxes = item.path("taxes");
        return taxes.size() == 0 ? JSON.nullNode() : taxes.get(0).path("rate");
    }

    private static BigDecimal tax(JsonNode item) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode t : item.path("taxes")) {
            sum = sum.add(new BigDecimal(t.path("tax_amount").asText("0")));
        }
        return sum;
    }

    /** Gross, net and tax per distinct rate, in rate order, as the lines print them. */
    private static ArrayNode taxBreakdown(JsonNode items) {
        Map<BigDecimal, BigDecimal[]> byRate = new TreeMap<>();
        Map<BigDecimal, String> written = new TreeMap<>();
        for (JsonNode item : items) {
            JsonNode rate = rate(item);
            if (rate.isNull() || rate.isMissingNode()) {
                continue;
            }
            BigDecimal key = new BigDecimal(rate.asText()).stripTrailingZeros();
            written.putIfAbsent(key, rate.asText());
            BigDecimal[] sums = byRate.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            sums[0] = sums[0].add(new BigDecimal(item.path("total_amount").asText("0")));
            sums[1] = sums[1].add(tax(item));
        }
        ArrayNode out = JSON.arrayNode();
        byRate.forEach((rate, sums) -> {
            ObjectNode t = out.addObject();
            t.put("tax_rate", written.get(rate));
            t.put("gross_amount", Money.format(sums[0]));
            t.put("net_amount", Money.format(sums[0].subtract(sums[1])));
            t.put("tax_amount", Money.format(sums[1]));
        });
        return out;
    }

    private static ArrayNode payments(JsonNode payments) {
        ArrayNode out = JSON.arrayNode();
        for (JsonNode p : payments) {
            ObjectNode o = out.addObject();
            o.set("method", p.path("method"));
            o.set("amount", p.path("amount"));
            ObjectNode details = o.putObject("details");
            putText(details, "card_brand", p.path("card_brand"));
            putText(details, "processor_reference", p.path("processor_reference"));
            String giftCard = p.path("gift_card_id").asText(null);
            if (giftCard != null && !giftCard.isEmpty()) {
                // the full gift-card ID is never shown (§10.1)
                details.put("gift_card_last4", giftCard.substring(Math.max(0, giftCard.length() - 4)));
            }
        }
        return out;
    }

    private static JsonNode fiscal(JsonNode info, JsonNode publicKey) {
        if (!info.isObject()) {
            return JSON.nullNode(); // ONLINE: recorded, not signed
        }
        ObjectNode f = JSON.objectNode();
        f.set("regime", info.path("regime"));
        f.set("tse_certified", info.path("tse_certified"));
        f.set("tss_serial_number", info.path("tss_serial_number"));
        f.set("pos_client_serial_number", info.path("pos_client_serial_number"));
        f.set("document_number", info.path("document_number"));
        f.set("transaction_start", info.path("start_event").path("signed_at"));
        f.set("transaction_end", info.path("end_event").path("signed_at"));
        f.set("signature_counter", info.path("end_event").path("transaction_counter"));
        f.set("signature", info.path("end_event").path("signature"));
        f.set("signature_algorithm", info.path("signature_algorithm"));
        f.set("time_format", info.path("time_format"));
        f.set("public_key", nullable(publicKey));
        f.set("process_type", info.path("process_type"));
        f.set("process_data", info.path("process_data"));
        f.set("qr_data", info.path("verification").path("qr_data"));
        return f;
    }

    private static void putText(ObjectNode target, String field, JsonNode value) {
        if (value.isTextual() && !value.asText().isEmpty()) {
            target.put(field, value.asText());
        }
    }

    private static JsonNode nullable(JsonNode node) {
        return node == null || node.isMissingNode() ? JSON.nullNode() : node;
    }
}
