package com.openfiskal.system;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.receipts.Qr;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Hosted Receipts API end to end: a real sale completed on the fiscalization-service becomes a receipt
 * in the receipts-service through Kafka; its public page, opened in headless Chromium, shows the signature
 * and totals and a QR code that a QR reader decodes from the screenshot to exactly the sale's qr_data.
 */
class ReceiptsIT {

    @Test
    void aCompletedSalesReceiptAppearsAndItsPageShowsTheTseQrCodeInARealBrowser() throws Exception {
        Api api = Api.newTenant();
        String merchant = api.merchant();
        String location = api.location(merchant);
        String register = api.register(merchant, location);
        Till.fiscalize(api, merchant, register);
        Till till = new Till(api, merchant, register);
        till.event(
                "{\"type\":\"SESSION_OPEN\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"opening_balance_amount\":\"100.00\"}");
        String sale = till.sale();
        Response completed = till.complete(sale, """
                {"payments":[{"method":"cash","status":"captured","amount":"3.81","currency":"EUR"},
                             {"method":"card","status":"captured","amount":"10.00","currency":"EUR","card_brand":"visa"}]}""");
        long start = System.nanoTime();
        String qrData = completed.path("fiscal_information.verification.qr_data");
        String signature = completed.path("fiscal_information.end_event.signature");

        Response receipt = Awaitility.await()
                // normally well under a second; right after DurabilityIT's broker outage the consumer group
                // is still rejoining (11 s seen on a fresh clone), so the test allows a minute
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> api.on(Platform.receipts(), merchant).get("/v1/operations/" + sale + "/receipt"),
                        r -> r.statusCode() == 200);
        System.out.printf(
                "receipt available %d ms after the complete answer%n", (System.nanoTime() - start) / 1_000_000);
        receipt.then()
                .body("operation_id", equalTo(sale))
                .body("register_id", equalTo(register))
                .body("issuer.legal_name", equalTo("Café Morgenrot GmbH"))
                .body("totals.total_gross", equalTo("13.81"))
                .body("totals.tip_amount", equalTo("0.96"))
                .body("fiscal.signature", equalTo(signature))
                .body("fiscal.qr_data", equalTo(qrData))
                .body("fiscal.tse_certified", equalTo(false));
        String id = receipt.path("id");
        String hosted = receipt.<String>path("links.hosted");
        assertTrue(hosted.startsWith(Platform.receipts().replace("127.0.0.1", "localhost") + "/r/"), hosted);
        api.on(Platform.receipts(), merchant).get("/v1/receipts/" + id).then().statusCode(200);

        Path dir = Files.createDirectories(Path.of("target/receipts-it"));
        // a desktop window and a phone-sized one: the code must be readable from both
        for (int[] window : new int[][] {{1280, 2400}, {412, 3200}}) {
            Path png = Chromium.screenshot(hosted, window[0], window[1], dir.resolve("hosted-" + window[0] + ".png"));
            assertEquals(
                    qrData, Qr.decode(ImageIO.read(png.toFile())), "QR code in the " + window[0] + " px screenshot");
        }
        String dom = Chromium.dom(hosted + "?lang=de").replace("&nbsp;", "\u00a0");
        assertTrue(dom.contains(signature), "the page shows the signature");
        assertTrue(dom.contains("13,81\u00a0€"), "the page shows the total");
        assertTrue(dom.contains("Nicht zertifizierte Software-TSE"), "the page says the TSE is uncertified");
        String english = Chromium.dom(hosted + "?lang=en");
        assertTrue(english.contains("€13.81") && english.contains("Signature counter"), "the English page");

        byte[] pdf = RestAssured.get(hosted + "/pdf")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertEquals(qrData, Qr.decodePdf(pdf), "QR code in the PDF");
    }
}
