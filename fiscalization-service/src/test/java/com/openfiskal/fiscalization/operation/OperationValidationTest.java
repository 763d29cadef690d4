package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static com.openfiskal.fiscalization.support.Pos.card;
import static com.openfiskal.fiscalization.support.Pos.cash;
import static com.openfiskal.fiscalization.support.Pos.json;
import static com.openfiskal.fiscalization.support.Pos.line;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openfiskal.fiscalization.support.Pos;
import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every validation row of API.md §6.3, §6.6, §6.7 and §7 with its status, code, {@code details.rule} and
 * {@code retryable}, and each time that nothing changed: no operation was created, or the operation kept
 * its state and version.
 */
@QuarkusTest
class OperationValidationTest {

    static Pos pos;
    static String completedSale;

    @BeforeEach
    void till() {
        if (pos != null) {
            return;
        }
        pos = Pos.fiscalized();
        pos.open("100.00").then().statusCode(201);
        completedSale = pos.post(pos.sale("11.90", "1.90")).path("id");
        pos.complete(completedSale, 1, List.of(cash("11.90"))).then().statusCode(200);
    }

    /** A SALE body to vary. */
    static Map<String, Object> sale() {
        return new HashMap<>(pos.sale("11.90", "1.90"));
    }

    static Map<String, Object> with(Map<String, Object> body, Consumer<Map<String, Object>> change) {
        change.accept(body);
        return body;
    }

    /** Asserts the refusal and that the merchant has exactly as many operations as before. */
    static void refused(Map<String, ?> body, int status, String code, String rule) {
        int before = count();
        var r = assertError(pos.post(body), status, code);
        if (rule != null) {
            r.body("details.rule", equalTo(rule));
        }
        assertEquals(before, count(), "a refused create changes nothing");
    }

    static int count() {
        return pos.get("/v1/operations?limit=200").path("data.size()");
    }

    @Test
    void shouldRefuseCreatesInTheOrderOfTheTable() {
        // 1
        refused(with(sale(), b -> b.remove("register_id")), 422, "validation_error", "register_id_required");
        refused(with(sale(), b -> b.put("source", "ONLINE")), 422, "validation_error", "register_id_not_allowed");
        // 2
        refused(
                with(sale(), b -> b.put("related_operation_id", completedSale)),
                422,
                "validation_error",
                "related_operation_not_allowed");
        refused(
                with(sale(), b -> b.put("external_related_operation", Map.of("external_operation_id", "X-1"))),
                422,
                "validation_error",
                "related_operation_not_allowed");
        // 3
        refused(returnOf(null), 422, "validation_error", "related_operation_exclusive");
        refused(
                with(
                        returnOf(completedSale),
                        b -> b.put("external_related_operation", Map.of("external_operation_id", "X"))),
                422,
                "validation_error",
                "related_operation_exclusive");
        // 4
        refused(with(sale(), b -> b.put("register_id", "reg_01KJPW8P00S2NPZ59C22QQK9F9")), 404, "not_found", null);
        refused(returnOf("op_01KKNXF0CGJ6D58XA6TB7MGB8C"), 404, "not_found", null);
        // 5: the related operation is OPEN, or is not a SALE or EXCHANGE
        String open = pos.post(pos.sale("2.38", "0.38")).path("id");
        refused(returnOf(open), 422, "validation_error", "related_operation_invalid");
        pos.voidIt(open, 1, "operator_cancelled").then().statusCode(200);
        // 8: session_id that is not the session in progress
        refused(
                with(sale(), b -> b.put("session_id", "ses_01KKNNMNTJMYHVMRZV2QJJRXWX")),
                409,
                "session_invalid_state",
                null);
        // 9
        refused(
                with(returnOf(completedSale), b -> b.put("cart_level_discounts", List.of(Map.of("amount", "1.00")))),
                422,
                "validation_error",
                "cart_level_discounts_sale_only");
        refused(
                with(sale(), b -> b.put("cart_level_discounts", List.of(Map.of("amount", "0.00")))),
                422,
                "validation_error",
                "discount_amount_not_positive");
        // 10
        refused(with(sale(), b -> b.put("tip_amount", "0.01")), 422, "validation_error", "amount_sum_mismatch");
        // 11
        refused(
                json(
                        "type",
                        "SALE",
                        "source",
                        "POS",
                        "register_id",
                        pos.register(),
                        "currency",
                        "EUR",
                        "pretax_amount",
                        "-10.00",
                        "tax_amount",
                        "-1.90",
                        "total_amount",
                        "-11.90"),
                422,
                "validation_error",
                "amount_sign_mismatch");
        refused(
                with(sale(), b -> b.put("line_items", List.of(line("A", "-11.90", "0.19", "-1.90")))),
                422,
                "validation_error",
                "amount_sign_mismatch");
        refused(
                with(returnOf(completedSale), b -> b.put("line_items", List.of(line("A", "2.14", "0.07", "0.14")))),
                422,
                "validation_error",
                "amount_sign_mismatch");
        // 12
        refused(
                with(sale(), b -> b.put("line_items", List.of(quantity(0)))),
                422,
                "validation_error",
                "quantity_invalid");
        refused(
                with(sale(), b -> b.put("line_items", List.of(quantity(1.2345)))),
                422,
                "validation_error",
                "quantity_invalid");
        refused(
                with(sale(), b -> b.put("line_items", List.of(line("A", "11.90", "1", "5.95")))),
                422,
                "validation_error",
                "tax_rate_invalid");
        refused(
                with(
                        sale(),
                        b -> b.put(
                                "line_items",
                                List.of(json(
                                        "title",
                                        "Gutschein",
                                        "quantity",
                                        1,
                                        "unit_price",
                                        "11.90",
                                        "total_amount",
                                        "11.90",
                                        "type",
                                        "gift_card",
                                        "taxes",
                                        List.of(Map.of("rate", "0.19", "tax_amount", "1.90")))))),
                422,
                "validation_error",
                "gift_card_line_taxed");
        // 13 (API.md §2.7 table: 7.00 at 19 % must be 1.11764706)
        refused(
                json(
                        "type",
                        "SALE",
                        "source",
                        "POS",
                        "register_id",
                        pos.register(),
                        "currency",
                        "EUR",
                        "pretax_amount",
                        "5.88",
                        "tax_amount",
                        "1.12",
                        "total_amount",
                        "7.00",
                        "line_items",
                        List.of(line("A", "7.00", "0.19", "1.12"))),
                422,
                "validation_error",
                "tax_amount_precision_invalid");
        // fiscal precision of a KassenSichV register
        refused(
                json(
                        "type",
                        "SALE",
                        "source",
                        "POS",
                        "register_id",
                        pos.register(),
                        "currency",
                        "EUR",
                        "pretax_amount",
                        "10.001",
                        "tax_amount",
                        "1.899",
                        "total_amount",
                        "11.900"),
                422,
                "validation_error",
                "amount_precision_invalid");
        // 14
        refused(with(sale(), b -> b.put("currency", "USD")), 422, "validation_error", "currency_mismatch");
        // 15
        refused(
                with(
                        sale(),
                        b -> b.put(
                                "line_items",
                                List.of(json(
                                        "title",
                                        "A",
                                        "quantity",
                                        1,
                                        "unit_price",
                                        "11.90",
                                        "total_amount",
                                        "11.90",
                                        "taxes",
                                        List.of(
                                                Map.of("rate", "0.19", "tax_amount", "1.79444444"),
                                                Map.of("rate", "0.07", "tax_amount", "0.66111111")))))),
                422,
                "regime_validation_failed",
                "multiple_vat_rates_per_line");
        refused(
                with(sale(), b -> b.put("line_items", List.of(line("A", "12.00", "0.20", "2.00")))),
                422,
                "regime_validation_failed",
                "vat_rate_not_supported");
    }

    @Test
    void shouldRefuseMalformedBodiesWith400() {
        refused(with(sale(), b -> b.put("type", "REFUND")), 400, "invalid_request", null);
        refused(with(sale(), b -> b.put("total_amount", 11.90)), 400, "invalid_request", null);
        refused(with(sale(), b -> b.remove("currency")), 400, "invalid_request", null);
        refused(with(sale(), b -> b.put("source", "KIOSK")), 400, "invalid_request", null);
        assertError(pos.tenant().as(pos.merchant()).body(sale()).post("/v1/operations"), 400, "invalid_request")
                .body("details.field", equalTo("Idempotency-Key"));
    }

    @Test
    void shouldAcceptLowercaseTypesAndOnlineSalesWithoutASession() {
        Map<String, Object> online = with(sale(), b -> {
            b.remove("register_id");
            b.put("source", "online");
            b.put("type", "sale");
            b.put("currency", "USD");
        });
        pos.post(online)
                .then()
                .statusCode(201)
                .body("source", equalTo("ONLINE"))
                .body("session_id", equalTo(null))
                .body("location_id", equalTo(null));
    }

    @Test
    void shouldRefuseCompletesAndVoidsInOrderAndChangeNothing() {
        String id = pos.post(pos.sale("11.90", "1.90")).path("id");
        Response missing = pos.tenant()
                .as(pos.merchant())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("payments", List.of(cash("11.90"))))
                .patch("/v1/operations/" + id + "/complete");
        assertError(missing, 428, "precondition_required");
        Response weak = pos.tenant()
                .as(pos.merchant())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("If-Match", "W/\"1\"")
                .body(Map.of("payments", List.of(cash("11.90"))))
                .patch("/v1/operations/" + id + "/complete");
        assertError(weak, 400, "invalid_request");
        assertError(pos.complete(id, 2, List.of(cash("11.90"))), 412, "precondition_failed")
                .body("details.expected_resource_version", equalTo(2))
                .body("details.current_resource_version", equalTo(1));
        completeRefused(id, List.of(cash("-11.90")), "amount_sign_mismatch");
        completeRefused(
                id,
                List.of(Map.of("method", "card", "status", "captured", "amount", "11.90", "currency", "USD")),
                "currency_mismatch");
        completeRefused(
                id,
                List.of(Map.of("method", "gift_card", "status", "captured", "amount", "11.90", "currency", "EUR")),
                "gift_card_id_required");
        completeRefused(id, List.of(cash("10.00")), "payment_sum_mismatch");
        completeRefused(id, List.of(), "payment_sum_mismatch");
        completeRefused(id, List.of(cash("5.00"), card("6.899")), "payment_sum_mismatch");
        completeRefused(id, List.of(cash("5.001"), card("6.899")), "amount_precision_invalid");

        String bare = pos.post(json(
                        "type",
                        "SALE",
                        "source",
                        "POS",
                        "register_id",
                        pos.register(),
                        "currency",
                        "EUR",
                        "pretax_amount",
                        "0.00",
                        "tax_amount",
                        "0.00",
                        "total_amount",
                        "0.00"))
                .path("id");
        completeRefused(bare, List.of(), "goods_movement_details_missing");
        pos.voidIt(bare, 1, "operator_cancelled").then().statusCode(200);

        // a pending or failed leg counts like any other (API.md §6.6)
        pos.complete(
                        id,
                        1,
                        List.of(
                                cash("5.00"),
                                Map.of("method", "card", "status", "failed", "amount", "6.90", "currency", "EUR")))
                .then()
                .statusCode(200);
        assertError(pos.complete(id, 2, List.of(cash("11.90"))), 409, "operation_invalid_state");
        assertError(pos.voidIt(id, 2, "operator_cancelled"), 409, "operation_invalid_state");
        assertError(pos.voidIt(id, 1, "operator_cancelled"), 412, "precondition_failed");
        String sessionEvent = pos.get("/v1/operations?type=session_open").path("data[0].id");
        assertError(pos.complete(sessionEvent, 1, List.of()), 409, "operation_invalid_state");
    }

    private static void completeRefused(String id, List<Map<String, ?>> payments, String rule) {
        assertError(pos.complete(id, 1, payments), 422, "validation_error").body("details.rule", equalTo(rule));
        pos.get("/v1/operations/" + id)
                .then()
                .body("status", equalTo("OPEN"))
                .body("resource_version", equalTo(1))
                .body("payments.size()", equalTo(0));
    }

    @Test
    void shouldEnforceTheSessionStateMachine() {
        Pos till = Pos.fiscalized();
        Map<String, Object> adjustment = json(
                "type",
                "SESSION_CASH_ADJUSTMENT",
                "register_id",
                till.register(),
                "currency",
                "EUR",
                "amount",
                "20.00",
                "kind",
                "pay_in");
        assertError(till.post(adjustment), 409, "register_no_open_session");
        assertError(till.post(till.sale("1.19", "0.19")), 409, "register_no_open_session");
        assertError(till.open("-1.00"), 409, "session_invalid_state")
                .body("details.rule", equalTo("amount_sign_mismatch"));
        assertError(
                        till.post(json(
                                "type",
                                "SESSION_OPEN",
                                "source",
                                "ONLINE",
                                "register_id",
                                till.register(),
                                "currency",
                                "EUR",
                                "opening_balance_amount",
                                "1.00")),
                        422,
                        "validation_error")
                .body("details.rule", equalTo("session_source_must_be_pos"));
        assertError(
                        till.post(json(
                                "type",
                                "SESSION_OPEN",
                                "register_id",
                                till.register(),
                                "currency",
                                "USD",
                                "opening_balance_amount",
                                "1.00")),
                        422,
                        "regime_validation_failed")
                .body("details.rule", equalTo("currency_not_eur"));
        String session = till.open("50.00").then().statusCode(201).extract().path("session_id");
        assertError(till.open("50.00"), 409, "session_invalid_state").body("details.session_id", equalTo(session));
        assertError(
                        till.post(with(new HashMap<>(adjustment), b -> b.put("amount", "-20.00"))),
                        409,
                        "session_invalid_state")
                .body("details.rule", equalTo("amount_sign_mismatch"));
        assertError(
                        till.post(with(new HashMap<>(adjustment), b -> b.put("kind", "drop"))),
                        409,
                        "session_invalid_state")
                .body("details.rule", equalTo("amount_sign_mismatch"));
        till.post(adjustment).then().statusCode(201).body("session_id", equalTo(session));

        String open = till.post(till.sale("1.19", "0.19")).path("id");
        Map<String, Object> count = json(
                "type",
                "SESSION_CASH_COUNT",
                "register_id",
                till.register(),
                "currency",
                "EUR",
                "counted_amount",
                "70.00");
        assertError(till.post(count), 409, "session_invalid_state").body("details.open_operation_ids", contains(open));
        Map<String, Object> close = json("type", "SESSION_CLOSE", "register_id", till.register(), "currency", "EUR");
        assertError(till.post(close), 409, "session_invalid_state").body("details.open_operation_ids", contains(open));
        till.voidIt(open, 1, "operator_cancelled").then().statusCode(200);
        assertError(
                        till.post(with(new HashMap<>(count), b -> b.put("counted_amount", "-0.01"))),
                        409,
                        "session_invalid_state")
                .body("details.rule", equalTo("amount_sign_mismatch"));
        till.post(count)
                .then()
                .statusCode(201)
                .body("expected_amount", equalTo("70.00"))
                .body("variance_amount", equalTo("0.00"));

        // counted: frozen, only SESSION_CLOSE
        assertError(till.post(till.sale("1.19", "0.19")), 409, "session_invalid_state");
        assertError(till.post(adjustment), 409, "session_invalid_state");
        assertError(till.post(count), 409, "session_invalid_state");
        assertError(
                        till.post(with(new HashMap<>(close), b -> b.put("closing_transfer_amount", "-70.01"))),
                        422,
                        "validation_error")
                .body("details.rule", equalTo("closing_balance_negative"));
        till.post(with(new HashMap<>(close), b -> b.put("closing_transfer_amount", "-70.00")))
                .then()
                .statusCode(201)
                .body("closing_balance_amount", equalTo("0.00"))
                .body("closing_number", equalTo(1));
        till.get("/v1/sessions/" + session).then().body("status", equalTo("closed"));

        // a second shift gets the next closing number; closing straight from open works
        till.open("0.00")
                .then()
                .statusCode(201)
                .body("fiscal_information.process_data", equalTo("Beleg^0.00_0.00_0.00_0.00_0.00^"));
        till.post(close)
                .then()
                .statusCode(201)
                .body("closing_number", equalTo(2))
                .body("counted_amount", equalTo(null))
                .body("variance_amount", equalTo(null));

        // a register without fiscalization cannot open a session
        String merchant = till.merchant();
        String unfiscalized = Tenants.register(till.tenant(), merchant, till.location());
        assertError(
                till.post(json(
                        "type",
                        "SESSION_OPEN",
                        "register_id",
                        unfiscalized,
                        "currency",
                        "EUR",
                        "opening_balance_amount",
                        "1.00")),
                409,
                "register_invalid_fiscal_state");
        // row 6 comes before row 7: an inactive register answers 409 conflict, not register_no_open_session
        till.tenant()
                .as(merchant)
                .body(Map.of("status", "inactive"))
                .patch("/v1/registers/" + till.register())
                .then()
                .statusCode(200);
        assertError(till.post(till.sale("1.19", "0.19")), 409, "conflict");
    }

    private static Map<String, Object> returnOf(String related) {
        Map<String, Object> b = json(
                "type",
                "RETURN",
                "source",
                "POS",
                "register_id",
                pos.register(),
                "currency",
                "EUR",
                "pretax_amount",
                "-2.00",
                "tax_amount",
                "-0.14",
                "total_amount",
                "-2.14",
                "line_items",
                List.of(line("Croissant", "-2.14", "0.07", "-0.14")));
        if (related != null) {
            b.put("related_operation_id", related);
        }
        return b;
    }

    private static Map<String, Object> quantity(double q) {
        return json(
                "title",
                "A",
                "quantity",
                q,
                "unit_price",
                "11.90",
                "total_amount",
                "11.90",
                "taxes",
                List.of(Map.of("rate", "0.19", "tax_amount", "1.90")));
    }
}
