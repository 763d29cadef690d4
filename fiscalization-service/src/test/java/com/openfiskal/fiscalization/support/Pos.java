package com.openfiskal.fiscalization.support;

import com.openfiskal.fiscalization.support.Tenants.Tenant;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A fiscalized register of a fresh tenant, and the calls a till makes. */
public record Pos(Tenant tenant, String merchant, String location, String register, String publicKey) {

    /** A new tenant, merchant, location and register, fiscalized with the software TSE. */
    public static Pos fiscalized() {
        Tenant t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String location = Tenants.location(t, merchant);
        String register = Tenants.register(t, merchant, location);
        t.as(merchant).post("/v1/registers/" + register + "/fiscalize").then().statusCode(202);
        Response done = Tenants.awaitFiscalizationStatus(t, merchant, register, "fiscalized");
        return new Pos(t, merchant, location, register, done.path("fiscalization.public_key"));
    }

    /** POST /v1/operations with a fresh Idempotency-Key. */
    public Response post(Map<String, ?> body) {
        return post(body, UUID.randomUUID().toString());
    }

    public Response post(Map<String, ?> body, String key) {
        return tenant.as(merchant).header("Idempotency-Key", key).body(body).post("/v1/operations");
    }

    public Response complete(String id, long version, List<Map<String, ?>> payments) {
        return tenant.as(merchant)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("If-Match", "\"" + version + "\"")
                .body(Map.of("payments", payments))
                .patch("/v1/operations/" + id + "/complete");
    }

    public Response voidIt(String id, long version, String reason) {
        return tenant.as(merchant)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("If-Match", "\"" + version + "\"")
                .body(Map.of("reason", reason))
                .patch("/v1/operations/" + id + "/void");
    }

    public Response get(String path) {
        return tenant.as(merchant).get(path);
    }

    /** SESSION_OPEN with the given float; returns the operation. */
    public Response open(String amount) {
        return post(Map.of(
                "type", "SESSION_OPEN", "register_id", register, "currency", "EUR", "opening_balance_amount", amount));
    }

    /** A JSON object from alternating keys and values, in order (Map.of stops at ten pairs). */
    public static Map<String, Object> json(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    public static Map<String, Object> cash(String amount) {
        return Map.of("method", "cash", "status", "captured", "amount", amount, "currency", "EUR");
    }

    public static Map<String, Object> card(String amount) {
        return Map.of("method", "card", "status", "captured", "amount", amount, "currency", "EUR");
    }

    public static Map<String, Object> line(String title, String total, String rate, String tax) {
        return Map.of(
                "title",
                title,
                "quantity",
                1,
                "unit_price",
                total,
                "total_amount",
                total,
                "taxes",
                List.of(Map.of("rate", rate, "tax_amount", tax)));
    }

    /** A POS SALE of one line at 19 %; the line carries {@code tax} exactly, the operation to the cent. */
    public Map<String, Object> sale(String total, String lineTax) {
        String tax = new java.math.BigDecimal(lineTax)
                .setScale(2, java.math.RoundingMode.HALF_UP)
                .toPlainString();
        String pretax = new java.math.BigDecimal(total)
                .subtract(new java.math.BigDecimal(tax))
                .toPlainString();
        return Map.of(
                "type",
                "SALE",
                "source",
                "POS",
                "register_id",
                register,
                "currency",
                "EUR",
                "pretax_amount",
                pretax,
                "tax_amount",
                tax,
                "total_amount",
                total,
                "line_items",
                List.of(line("Artikel", total, "0.19", lineTax)));
    }
}
