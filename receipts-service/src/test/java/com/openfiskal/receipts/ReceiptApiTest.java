package com.openfiskal.receipts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.local.testing.IdentityFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import javax.sql.DataSource;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receipts built from operation.completed events on the real broker and served as JSON, PDF and the public
 * page (API.md §10.1–§10.5).
 */
@QuarkusTest
class ReceiptApiTest {

    @Inject
    DataSource db;

    IdentityFixtures.Identity owner;
    IdentityFixtures.Identity stranger;

    @BeforeEach
    void identities() {
        IdentityFixtures f = ReceiptEvents.identities();
        owner = f.tenant("DEU");
        stranger = f.tenant("DEU");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> as(owner)
                                        .get("/v1/receipts/rcpt_01KKNXF92M4PQBMJDKYXCNX67C")
                                        .statusCode()
                                == 404
                        && as(stranger)
                                        .get("/v1/receipts/rcpt_01KKNXF92M4PQBMJDKYXCNX67C")
                                        .statusCode()
                                == 404);
    }

    static RequestSpecification as(IdentityFixtures.Identity who) {
        return given().header("Authorization", "Bearer " + who.key()).header("X-OpenFiskal-Merchant", who.merchantId());
    }

    static Response awaitReceipt(IdentityFixtures.Identity who, String operationId) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> as(who).get("/v1/operations/" + operationId + "/receipt"), r -> r.statusCode() == 200);
    }

    @Test
    void aCompletedSaleGetsOneReceiptWithTheIssuerSnapshotAndTheTseData() throws Exception {
        ObjectNode session = ReceiptEvents.completed(owner, "SESSION_OPEN");
        ObjectNode sale = ReceiptEvents.completed(owner, "SALE");
        ReceiptEvents.publish(session, sale, sale); // the duplicate is a redelivery
        Response receipt = awaitReceipt(owner, ReceiptEvents.operationId(sale));
        String id = receipt.path("id");
        receipt.then()
                .body("id", matchesPattern("^rcpt_[0-9A-HJKMNP-TV-Z]{26}$"))
                .body("operation_type", equalTo("SALE"))
                .body("status", equalTo("available"))
                .body("merchant_id", equalTo(owner.merchantId()))
                .body("issued_at", equalTo("2026-03-14T10:15:03.482Z"))
                .body("external_reference", equalTo("POS-001-000482"))
                .body("related_operation_id", nullValue())
                .body("issuer.legal_name", equalTo("Café Morgenrot GmbH"))
                .body("issuer.location_name", equalTo("Filiale Kreuzberg"))
                .body("issuer.register_name", equalTo("Kasse 1"))
                .body("issuer.address.line1", equalTo("Oranienstraße 12"))
                .body("issuer.tax_id", equalTo("DE123456789"))
                .body("line_items[0].description", equalTo("Café Latte"))
                .body("line_items[0].tax_rate", equalTo("0.19"))
                .body("line_items[0].tax_amount", equalTo("1.90"))
                .body("discounts[0].amount", equalTo("0.50"))
                .body("totals.total_gross", equalTo("15.00"))
                .body("totals.total_net", equalTo("12.00"))
                .body("totals.total_tax", equalTo("2.04"))
                .body("totals.tip_amount", equalTo("0.96"))
                .body("tax_breakdown[0].tax_rate", equalTo("0.07"))
                .body("tax_breakdown[0].net_amount", equalTo("2.00"))
                .body("tax_breakdown[1].tax_rate", equalTo("0.19"))
                .body("tax_breakdown[1].gross_amount", equalTo("11.90"))
                .body("tax_breakdown[1].net_amount", equalTo("10.00"))
                .body("payments[1].details.card_brand", equalTo("visa"))
                .body("payments[0].details.size()", equalTo(0))
                .body("fiscal.document_number", equalTo(1287))
                .body("fiscal.signature_counter", equalTo(2574))
                .body("fiscal.transaction_start", equalTo("2026-03-14T10:15:02.000Z"))
                .body("fiscal.tse_certified", equalTo(false))
                .body("fiscal.qr_data", equalTo(ReceiptEvents.qrData(sale)))
                .body("links.self", equalTo("http://localhost:8082/v1/receipts/" + id))
                .body("links.pdf", equalTo("http://localhost:8082/v1/receipts/" + id + "/pdf"))
                .body("links.hosted", matchesPattern("^http://localhost:8082/r/[A-Za-z0-9_-]{43}$"))
                .body("metadata.size()", equalTo(0));
        as(owner)
                .get("/v1/receipts/" + id)
                .then()
                .statusCode(200)
                .body("links.hosted", equalTo(receipt.path("links.hosted")));
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM receipts WHERE operation_id = ?")) {
            s.setString(1, ReceiptEvents.operationId(sale));
            var rs = s.executeQuery();
            rs.next();
            assertEquals(1, rs.getInt(1), "a redelivered event must not build a second receipt");
        }
        // session events get no receipt (the sale after it on the same partition is already stored)
        as(owner)
                .get("/v1/operations/" + ReceiptEvents.operationId(session) + "/receipt")
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
        // another tenant learns nothing
        as(stranger).get("/v1/receipts/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        as(stranger).get("/v1/receipts/" + id + "/pdf").then().statusCode(404).body("code", equalTo("not_found"));
        as(stranger)
                .get("/v1/operations/" + ReceiptEvents.operationId(sale) + "/receipt")
                .then()
                .statusCode(404);
    }

    @Test
    void thePdfCarriesTheReceiptAndAQrCodeThatDecodesToTheQrData() throws Exception {
        ObjectNode sale = ReceiptEvents.completed(owner, "SALE");
        ReceiptEvents.publish(sale);
        String id = awaitReceipt(owner, ReceiptEvents.operationId(sale)).path("id");
        Response pdf = as(owner).get("/v1/receipts/" + id + "/pdf");
        pdf.then()
                .statusCode(200)
                .contentType("application/pdf")
                .header("Content-Disposition", equalTo("inline; filename=\"beleg-1287.pdf\""));
        byte[] bytes = pdf.asByteArray();
        assertEquals(ReceiptEvents.qrData(sale), Qr.decodePdf(bytes));
        String text;
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            text = new PDFTextStripper().getText(doc).replace('\u00a0', ' ');
        }
        for (String expected : new String[] {
            "Café Morgenrot GmbH",
            "Oranienstraße 12",
            "10999 Berlin",
            "DE123456789",
            "Café Latte",
            "11,90 €",
            "15,00 €",
            "12,00 €",
            "2,04 €",
            "Trinkgeld",
            "0,96 €",
            "19 %",
            "7 %",
            "Bar",
            "Karte visa",
            "1287",
            "2574",
            "447c1b9f11f26410307b784420190fd7cad786e91896da410f5447a0ff25e35a",
            "ecdsa-plain-SHA256",
            "unixTime",
            "14.03.2026, 11:15:02",
            "Nicht zertifizierte Software-TSE"
        }) {
            assertTrue(text.contains(expected), () -> "the PDF lacks " + expected + ":\n" + text);
        }
        assertTrue(
                text.replaceAll("\\s", "")
                        .contains(
                                "lnhSpGgRj1/NTUlIASosVhMIpFAoEOUC12CABupiyFOragBnmSMfXOvLZzLhEyXWPwQGbd0cDrROKTZhFAGI+w=="),
                "the PDF lacks the signature");
    }

    @Test
    void theHostedPageIsPublicShowsTheReceiptInGermanOrEnglishAndRevealsNothingForOtherTokens() throws Exception {
        ObjectNode sale = ReceiptEvents.completed(owner, "SALE");
        ReceiptEvents.publish(sale);
        Response receipt = awaitReceipt(owner, ReceiptEvents.operationId(sale));
        String path = receipt.<String>path("links.hosted").replace("http://localhost:8082", "");
        Response page = given().get(path);
        page.then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header("Cache-Control", "private, no-store")
                .header("X-Robots-Tag", "noindex, nofollow")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", startsWith("default-src 'none'; style-src 'sha256-"))
                .header("Content-Language", "de")
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"));
        String html = page.asString();
        for (String expected : new String[] {
            "Café Morgenrot GmbH",
            "Oranienstraße 12",
            "Summe",
            "15,00\u00a0€",
            "12,00\u00a0€",
            "2,04\u00a0€",
            "lnhSpGgRj1/NTUlIASosVhMIpFAoEOUC12CABupiyFOragBnmSMfXOvLZzLhEyXWPwQGbd0cDrROKTZhFAGI+w==",
            "447c1b9f11f26410307b784420190fd7cad786e91896da410f5447a0ff25e35a",
            "2574",
            "1287",
            "Nicht zertifizierte Software-TSE",
            "<svg",
            "14.03.2026, 11:15:03",
            "2026-03-14 10:15:03 UTC"
        }) {
            assertTrue(html.contains(expected), () -> "the page lacks " + expected);
        }
        assertTrue(!html.contains("<script"), "the page runs no script");

        String english = given().queryParam("lang", "en").get(path).asString();
        assertTrue(english.contains("Total")
                && english.contains("€15.00")
                && english.contains("Uncertified software TSE"));
        given().header("Accept-Language", "en-US,en;q=0.9").get(path).then().header("Content-Language", "en");
        given().header("Accept-Language", "fr-FR").get(path).then().header("Content-Language", "de");

        given().get(path + "/pdf").then().statusCode(200).contentType("application/pdf");

        byte[] guess = new byte[32];
        new SecureRandom().nextBytes(guess);
        String guessed = Base64.getUrlEncoder().withoutPadding().encodeToString(guess);
        String unknown =
                given().get("/r/" + guessed).then().statusCode(404).extract().asString();
        String malformed =
                given().get("/r/not-a-token").then().statusCode(404).extract().asString();
        assertEquals(unknown, malformed, "unknown and malformed tokens must look the same");
        given().get("/r/" + guessed + "/pdf").then().statusCode(404).contentType(containsString("text/html"));
        given().get("/r/" + guessed)
                .then()
                .header("Cache-Control", "private, no-store")
                .body(not(containsString("Exception")));
    }

    @Test
    void anOnlineSaleHasAReceiptWithoutTseDataAndTheMerchantsAddress() throws Exception {
        ObjectNode online = ReceiptEvents.completed(owner, "SALE");
        ObjectNode op = (ObjectNode) online.path("data").path("operation");
        op.put("source", "ONLINE").putNull("register_id").putNull("location_id").putNull("session_id");
        op.putNull("fiscal_information");
        ObjectNode issuer = (ObjectNode) online.path("data").path("issuer");
        issuer.putNull("location").putNull("register").putNull("public_key");
        online.putNull("register_id");
        ReceiptEvents.publish(online);
        Response receipt = awaitReceipt(owner, ReceiptEvents.operationId(online));
        receipt.then()
                .body("fiscal", nullValue())
                .body("register_id", nullValue())
                .body("issuer.location_name", nullValue())
                .body("issuer.address.line1", equalTo("Unter den Linden 1"));
        String path = receipt.<String>path("links.hosted").replace("http://localhost:8082", "");
        String html = given().get(path).then().statusCode(200).extract().asString();
        assertTrue(html.contains("Online-Vorgang") && !html.contains("<svg") && html.contains("Unter den Linden 1"));
        byte[] pdf = as(owner)
                .get("/v1/receipts/" + receipt.<String>path("id") + "/pdf")
                .asByteArray();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertTrue(new PDFTextStripper().getText(doc).contains("Online-Vorgang"));
        }
    }

    @Test
    void anArchivedReceiptKeepsItsJsonAndPdfButLosesItsPageAndCannotBeSent() throws Exception {
        ObjectNode sale = ReceiptEvents.completed(owner, "RETURN");
        ReceiptEvents.publish(sale);
        Response receipt = awaitReceipt(owner, ReceiptEvents.operationId(sale));
        String id = receipt.path("id");
        String path = receipt.<String>path("links.hosted").replace("http://localhost:8082", "");
        given().get(path).then().statusCode(200).body(containsString("Rückgabe"));
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE receipts SET status = 'archived' WHERE id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
        given().get(path).then().statusCode(404);
        as(owner).get("/v1/receipts/" + id).then().statusCode(200).body("status", equalTo("archived"));
        as(owner).get("/v1/receipts/" + id + "/pdf").then().statusCode(200);
        as(owner)
                .header("Idempotency-Key", "archived-" + id)
                .contentType("application/json")
                .body("{\"channel\":\"email\",\"recipient\":\"kundin@example.org\"}")
                .post("/v1/receipts/" + id + "/send")
                .then()
                .statusCode(409)
                .body("code", equalTo("conflict"));
    }
}
