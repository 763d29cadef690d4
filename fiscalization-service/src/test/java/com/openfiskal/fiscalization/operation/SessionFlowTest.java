package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Pos.card;
import static com.openfiskal.fiscalization.support.Pos.cash;
import static com.openfiskal.fiscalization.support.Pos.line;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openfiskal.fiscalization.support.FiscalVerifier;
import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The day of API.md §6–§7 on one register, with its figures: open with 150.00, a split-tender sale with a
 * tip and a cart discount, a voided sale, a cash return, a drop to the safe, the count (expected 52.86,
 * counted 52.50) and the close. Every signature is rebuilt and verified against the stored TSE log.
 */
@QuarkusTest
class SessionFlowTest {

    @Test
    void shouldRunAShiftAsTheSpecificationDescribesIt() throws Throwable {
        Pos pos = Pos.fiscalized();
        List<String> signed = new ArrayList<>();

        Response open = pos.open("150.00");
        open.then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .body("type", equalTo("SESSION_OPEN"))
                .body("status", equalTo("COMPLETED"))
                .body("opening_balance_amount", equalTo("150.00"))
                .body("session_id", matchesPattern("^ses_[0-9A-Z]{26}$"))
                .body("fiscal_error", nullValue())
                .body("fiscal_information.tse_certified", equalTo(false))
                .body("fiscal_information.process_data", equalTo("Beleg^0.00_0.00_0.00_0.00_150.00^150.00:Bar"));
        String session = open.path("session_id");
        signed.add(open.path("id"));
        pos.get("/v1/registers/" + pos.register()).then().body("open_session_id", equalTo(session));

        Response sale = pos.post(Pos.json(
                "type", "sale",
                "source", "pos",
                "register_id", pos.register(),
                "currency", "EUR",
                "pretax_amount", "12.00",
                "tax_amount", "2.04",
                "tip_amount", "0.96",
                "total_amount", "15.00",
                "line_items",
                        List.of(
                                Map.of(
                                        "title", "Café Latte",
                                        "quantity", 2,
                                        "unit_price", "5.95",
                                        "total_amount", "11.90",
                                        "taxes",
                                                List.of(Map.of(
                                                        "name", "USt 19 %", "rate", "0.19", "tax_amount", "1.90"))),
                                line("Croissant", "2.14", "0.07", "0.14")),
                "cart_level_discounts", List.of(Map.of("description", "Stammkunden-Rabatt", "amount", "0.50")),
                "external_id", "POS-001-000482"));
        sale.then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .header("Location", "/v1/operations/" + sale.path("id"))
                .body("type", equalTo("SALE"))
                .body("source", equalTo("POS"))
                .body("status", equalTo("OPEN"))
                .body("session_id", equalTo(session))
                .body("location_id", equalTo(pos.location()))
                .body("line_items[0].id", matchesPattern("^li_[0-9A-Z]{26}$"))
                .body("line_items[0].taxes[0].rate", equalTo("0.19"))
                .body("cart_level_discounts[0].id", matchesPattern("^disc_[0-9A-Z]{26}$"))
                .body("payments", hasSize(0))
                .body("fiscal_information", nullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("related_operation_id")));
        String saleId = sale.path("id");

        Response completed = pos.complete(saleId, 1, List.of(cash("5.00"), card("10.00")));
        completed
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("status", equalTo("COMPLETED"))
                .body("resource_version", equalTo(2))
                .body("completed_at", notNullValue())
                .body("payments", hasSize(2))
                .body("payments[0].id", matchesPattern("^pay_[0-9A-Z]{26}$"))
                .body("fiscal_information.regime", equalTo("KassenSichV"))
                .body("fiscal_information.pos_client_serial_number", equalTo(pos.register()))
                .body("fiscal_information.process_type", equalTo("Kassenbeleg-V1"))
                .body(
                        "fiscal_information.process_data",
                        equalTo("Beleg^11.90_2.14_0.00_0.00_0.96^5.00:Bar_10.00:Unbar"));
        signed.add(saleId);

        Response abandoned = pos.post(pos.sale("2.50", "0.39915966"));
        abandoned.then().log().ifValidationFails().statusCode(201).body("tax_amount", equalTo("0.40"));
        pos.voidIt(abandoned.path("id"), 1, "customer_abandoned_checkout")
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("status", equalTo("VOIDED"))
                .body("void_reason", equalTo("customer_abandoned_checkout"))
                .body("voided_at", notNullValue())
                .body("fiscal_information.process_data", equalTo("AVBelegabbruch^2.50_0.00_0.00_0.00_0.00^"));
        signed.add(abandoned.path("id"));

        Response ret = pos.post(Pos.json(
                "type", "RETURN",
                "source", "POS",
                "register_id", pos.register(),
                "currency", "EUR",
                "pretax_amount", "-2.00",
                "tax_amount", "-0.14",
                "tip_amount", "0.00",
                "total_amount", "-2.14",
                "line_items", List.of(line("Croissant", "-2.14", "0.07", "-0.14")),
                "related_operation_id", saleId,
                "note", "Ware beanstandet"));
        ret.then()
                .statusCode(201)
                .body("related_operation_id", equalTo(saleId))
                .body("external_related_operation", nullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("cart_level_discounts")));
        pos.complete(ret.path("id"), 1, List.of(cash("-2.14")))
                .then()
                .statusCode(200)
                .body("fiscal_information.process_data", equalTo("Beleg^0.00_-2.14_0.00_0.00_0.00^-2.14:Bar"));
        signed.add(ret.path("id"));

        Response drop = pos.post(Map.of(
                "type", "SESSION_CASH_ADJUSTMENT",
                "register_id", pos.register(),
                "currency", "EUR",
                "amount", "-100.00",
                "kind", "drop",
                "note", "Abschöpfung Tresor"));
        drop.then()
                .statusCode(201)
                .body("amount", equalTo("-100.00"))
                .body("kind", equalTo("drop"))
                .body("fiscal_information.process_data", equalTo("Beleg^0.00_0.00_0.00_0.00_-100.00^-100.00:Bar"));
        signed.add(drop.path("id"));

        pos.get("/v1/sessions/" + session)
                .then()
                .statusCode(200)
                .body("status", equalTo("open"))
                .body("expected_amount", equalTo("52.86"))
                .body("cash_payments_amount", equalTo("2.86"))
                .body("cash_adjustments_amount", equalTo("-100.00"));

        Response count = pos.post(Map.of(
                "type",
                "SESSION_CASH_COUNT",
                "register_id",
                pos.register(),
                "currency",
                "EUR",
                "counted_amount",
                "52.50"));
        count.then()
                .statusCode(201)
                .body("counted_amount", equalTo("52.50"))
                .body("expected_amount", equalTo("52.86"))
                .body("variance_amount", equalTo("-0.36"))
                .body("fiscal_information.process_data", equalTo("Beleg^0.00_0.00_0.00_0.00_-0.36^-0.36:Bar"));
        signed.add(count.path("id"));

        Response close = pos.post(Map.of(
                "type", "SESSION_CLOSE",
                "register_id", pos.register(),
                "currency", "EUR",
                "closing_transfer_amount", "-2.50",
                "note", "Wechselgeld 50,00 verbleibt"));
        close.then()
                .statusCode(201)
                .body("closing_transfer_amount", equalTo("-2.50"))
                .body("closing_balance_amount", equalTo("50.00"))
                .body("counted_amount", equalTo("52.50"))
                .body("expected_amount", equalTo("52.86"))
                .body("variance_amount", equalTo("-0.36"))
                .body("closing_number", equalTo(1))
                .body("fiscal_information.process_data", equalTo("Beleg^0.00_0.00_0.00_0.00_-2.50^-2.50:Bar"));
        signed.add(close.path("id"));

        pos.get("/v1/sessions/" + session)
                .then()
                .statusCode(200)
                .body("status", equalTo("closed"))
                .body("closing_number", equalTo(1))
                .body("totals.sales.count", equalTo(1))
                .body("totals.sales.total_amount", equalTo("15.00"))
                .body("totals.returns.total_amount", equalTo("-2.14"))
                .body("totals.voided_count", equalTo(1))
                .body("totals.tip_amount", equalTo("0.96"))
                .body("totals.payments_by_method[0].method", equalTo("card"))
                .body("totals.payments_by_method[1].amount", equalTo("2.86"))
                .body("totals.taxes_by_rate[0].rate", equalTo("0.07"))
                .body("totals.taxes_by_rate[0].gross_amount", equalTo("0.00"))
                .body("totals.taxes_by_rate[1].tax_amount", equalTo("1.90"));
        pos.get("/v1/registers/" + pos.register()).then().body("open_session_id", nullValue());

        // every signature: the Finish log rebuilt from fiscal_information is the stored one and verifies
        long previousTransaction = 0;
        for (String id : signed) {
            Response op = pos.get("/v1/operations/" + id);
            long transaction = FiscalVerifier.verify(op.path("fiscal_information"), pos.publicKey());
            assertEquals(previousTransaction + 1, transaction, "transaction numbers are gap-free");
            previousTransaction = transaction;
        }
        pos.get("/v1/operations?session_id=" + session).then().body("data", hasSize(7));
    }
}
