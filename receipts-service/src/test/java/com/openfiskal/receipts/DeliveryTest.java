package com.openfiskal.receipts;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.openfiskal.local.testing.IdentityFixtures;
import com.openfiskal.local.testing.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sending receipts (API.md §10.6) through a real SMTP server running in the test (GreenMail): the message
 * links the hosted page and carries the PDF; an outage ends in {@code failed} after the retries, and a later
 * send works again; a relay that takes the connection and never answers costs an attempt, not the queue.
 */
@QuarkusTest
class DeliveryTest {

    static GreenMail smtp;

    @Inject
    DataSource db;

    IdentityFixtures.Identity owner;

    @BeforeAll
    static void startSmtp() {
        smtp = new GreenMail(ServerSetupTest.SMTP);
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void identity() {
        owner = ReceiptEvents.identities().tenant("DEU");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> ReceiptApiTest.as(owner)
                                .get("/v1/receipts/rcpt_01KKNXF92M4PQBMJDKYXCNX67C")
                                .statusCode()
                        == 404);
    }

    private Response receipt() throws Exception {
        ObjectNode sale = ReceiptEvents.completed(owner, "SALE");
        ReceiptEvents.publish(sale);
        return ReceiptApiTest.awaitReceipt(owner, ReceiptEvents.operationId(sale));
    }

    private Response send(String receiptId, String key, String body) {
        var req = ReceiptApiTest.as(owner).contentType("application/json").body(body);
        if (key != null) {
            req.header("Idempotency-Key", key);
        }
        return req.post("/v1/receipts/" + receiptId + "/send");
    }

    private Response awaitDelivery(String receiptId, String deliveryId, String status) {
        return awaitDelivery(receiptId, deliveryId, r -> status.equals(r.path("status")));
    }

    private Response awaitDelivery(String receiptId, String deliveryId, Predicate<Response> state) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> ReceiptApiTest.as(owner).get("/v1/receipts/" + receiptId + "/deliveries/" + deliveryId),
                        state);
    }

    @Test
    void anEmailLinksTheHostedPageAndCarriesThePdf() throws Exception {
        Response receipt = receipt();
        String id = receipt.path("id");
        String recipient = "kundin-" + UUID.randomUUID() + "@example.org";
        String key = UUID.randomUUID().toString();
        String body = "{\"channel\":\"email\",\"recipient\":\"" + recipient + "\",\"locale\":\"de-DE\"}";
        Response queued = send(id, key, body);
        queued.then()
                .statusCode(202)
                .body("id", matchesPattern("^dlv_[0-9A-HJKMNP-TV-Z]{26}$"))
                .body("receipt_id", equalTo(id))
                .body("channel", equalTo("email"))
                .body("recipient", equalTo(recipient))
                .body("locale", equalTo("de-DE"))
                .body("status", equalTo("queued"))
                .body("sent_at", nullValue())
                .body("failure_reason", nullValue());
        String deliveryId = queued.path("id");
        // the same key again is the same delivery, not a second e-mail
        send(id, key, body)
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(deliveryId));

        awaitDelivery(id, deliveryId, "sent").then().body("sent_at", notNullValue());
        List<MimeMessage> mails = messagesTo(recipient);
        assertEquals(1, mails.size(), "exactly one e-mail");
        MimeMessage mail = mails.get(0);
        assertEquals("Ihr Beleg von Café Morgenrot GmbH", mail.getSubject());
        String hosted = receipt.path("links.hosted");
        assertTrue(
                GreenMailUtil.getBody(mail).contains(hosted) || text(mail).contains(hosted), "the mail links the page");
        byte[] pdf = attachment(mail, "beleg-1287.pdf");
        assertEquals(ReceiptEvents.qrData(ReceiptEvents.completed(owner, "SALE")), Qr.decodePdf(pdf));

        // en-GB is English
        String english = "customer-" + UUID.randomUUID() + "@example.org";
        String dlv = send(
                        id,
                        UUID.randomUUID().toString(),
                        "{\"channel\":\"email\",\"recipient\":\"" + english + "\",\"locale\":\"en-gb\"}")
                .then()
                .statusCode(202)
                .body("locale", equalTo("en-GB"))
                .extract()
                .path("id");
        awaitDelivery(id, dlv, "sent");
        assertEquals(
                "Your receipt from Café Morgenrot GmbH",
                messagesTo(english).get(0).getSubject());
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        String id = receipt().path("id");
        send(id, null, "{\"channel\":\"email\",\"recipient\":\"a@example.org\"}")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("details.field", equalTo("Idempotency-Key"));
        for (String bad : new String[] {"not-an-address", "a@b", "a b@example.org", "x".repeat(250) + "@example.org"}) {
            send(id, UUID.randomUUID().toString(), "{\"channel\":\"email\",\"recipient\":\"" + bad + "\"}")
                    .then()
                    .statusCode(422)
                    .body("code", equalTo("validation_error"))
                    .body("details.rule", equalTo("recipient_invalid"));
        }
        send(id, UUID.randomUUID().toString(), "{\"channel\":\"sms\",\"recipient\":\"030123456\"}")
                .then()
                .statusCode(422)
                .body("details.rule", equalTo("recipient_invalid"));
        send(id, UUID.randomUUID().toString(), "{\"channel\":\"sms\",\"recipient\":\"+4930123456\"}")
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_error"))
                .body("details.rule", equalTo("channel_not_configured"));
        send(id, UUID.randomUUID().toString(), "{\"channel\":\"fax\",\"recipient\":\"+4930123456\"}")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
        send(
                        id,
                        UUID.randomUUID().toString(),
                        "{\"channel\":\"email\",\"recipient\":\"a@example.org\",\"locale\":\"!!\"}")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
        send(
                        "rcpt_01KKNXF92M4PQBMJDKYXCNX67C",
                        UUID.randomUUID().toString(),
                        "{\"channel\":\"email\",\"recipient\":\"a@example.org\"}")
                .then()
                .statusCode(404);
        // another tenant sees neither the receipt nor its deliveries
        IdentityFixtures.Identity stranger = ReceiptEvents.identities().tenant("DEU");
        String dlv = send(id, UUID.randomUUID().toString(), "{\"channel\":\"email\",\"recipient\":\"a@example.org\"}")
                .path("id");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        ReceiptApiTest.as(stranger).get("/v1/receipts/" + id).statusCode() == 404);
        ReceiptApiTest.as(stranger)
                .get("/v1/receipts/" + id + "/deliveries/" + dlv)
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
        ReceiptApiTest.as(owner)
                .get("/v1/receipts/" + id + "/deliveries/" + dlv)
                .then()
                .statusCode(200);
    }

    @Test
    void anSmtpOutageEndsInFailedAfterTheRetriesAndALaterSendWorks() throws Exception {
        String id = receipt().path("id");
        String recipient = "outage-" + UUID.randomUUID() + "@example.org";
        String body = "{\"channel\":\"email\",\"recipient\":\"" + recipient + "\"}";
        // deliveries other tests queued (ten at once for the rate limit) must be done first: retried in the
        // outage they would move the counters this test reads
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> queuedDeliveries() == 0);
        double retriesBefore = deliveries("retry");
        double failedBefore = deliveries("failed");
        double sentBefore = deliveries("sent");
        smtp.stop();
        String failed;
        try {
            failed = send(id, UUID.randomUUID().toString(), body)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            awaitDelivery(id, failed, "failed")
                    .then()
                    .body("failure_reason", notNullValue())
                    .body("sent_at", nullValue());
        } finally {
            restartSmtp();
        }
        String later = send(id, UUID.randomUUID().toString(), body)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        awaitDelivery(id, later, "sent");
        assertEquals(1, messagesTo(recipient).size(), "the failed delivery sent nothing, the later one once");
        // the operator's view: two retries, one final failure, one sent — and a retry of the later send when
        // the restarted test server left its first connection unanswered (seen in CI; retrying is right then)
        assertEquals(3, attempts(failed));
        assertEquals(retriesBefore + 2 + (attempts(later) - 1), deliveries("retry"));
        assertEquals(failedBefore + 1, deliveries("failed"));
        assertEquals(sentBefore + 1, deliveries("sent"));
        ReceiptApiTest.as(owner)
                .get("/v1/receipts/" + id + "/deliveries/" + failed)
                .then()
                .body("status", equalTo("failed"));
    }

    @Test
    void aRelayThatAcceptsButNeverAnswersDoesNotHoldTheQueue() throws Exception {
        String id = receipt().path("id");
        List<String> recipients = List.of(
                "stalled-a-" + UUID.randomUUID() + "@example.org",
                "stalled-b-" + UUID.randomUUID() + "@example.org",
                "stalled-c-" + UUID.randomUUID() + "@example.org");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> queuedDeliveries() == 0);
        smtp.stop();
        List<Socket> held = new CopyOnWriteArrayList<>();
        List<Long> acceptedAt = new CopyOnWriteArrayList<>();
        List<String> deliveries = new ArrayList<>();
        // on the SMTP port: a server that takes every connection and never sends its greeting
        try (ServerSocket silent = new ServerSocket()) {
            silent.setReuseAddress(true);
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ServerSetupTest.SMTP.getPort()));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                        acceptedAt.add(System.nanoTime());
                    }
                } catch (IOException closed) {
                    // the test is done with it
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (String recipient : recipients) {
                deliveries.add(send(
                                id,
                                UUID.randomUUID().toString(),
                                "{\"channel\":\"email\",\"recipient\":\"" + recipient + "\"}")
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("id"));
            }
            // each attempt gives up after the send timeout (3 s in tests) and its delivery waits for the retry
            for (String delivery : deliveries) {
                awaitDelivery(
                        id,
                        delivery,
                        r -> "queued".equals(r.path("status"))
                                && String.valueOf(r.<String>path("failure_reason"))
                                        .contains("did not complete the send within 3 s"));
            }
            // the attempts of one batch run side by side: one after the other, each connection would come a
            // whole send timeout (3 s) after the one before; however the three were batched, two shared a batch
            long closest = Long.MAX_VALUE;
            for (int i = 1; i < acceptedAt.size(); i++) {
                closest = Math.min(closest, acceptedAt.get(i) - acceptedAt.get(i - 1));
            }
            assertTrue(acceptedAt.size() >= 3, "every delivery connected: " + acceptedAt.size());
            assertTrue(
                    closest < Duration.ofSeconds(1).toNanos(),
                    "two attempts were in flight together; closest connections " + closest / 1_000_000 + " ms apart");
        } finally {
            for (Socket s : held) {
                s.close();
            }
            restartSmtp();
        }
        // the relay is back: a retry sends each, once
        for (int i = 0; i < deliveries.size(); i++) {
            awaitDelivery(id, deliveries.get(i), "sent").then().body("failure_reason", nullValue());
            assertEquals(1, messagesTo(recipients.get(i)).size());
        }
    }

    @Test
    void moreThanTenDeliveriesOfOneReceiptWithin24HoursAreRateLimited() throws Exception {
        String id = receipt().path("id");
        for (int i = 0; i < 10; i++) {
            send(id, UUID.randomUUID().toString(), "{\"channel\":\"email\",\"recipient\":\"many@example.org\"}")
                    .then()
                    .statusCode(202);
        }
        send(id, UUID.randomUUID().toString(), "{\"channel\":\"email\",\"recipient\":\"many@example.org\"}")
                .then()
                .statusCode(429)
                .body("code", equalTo("rate_limit_exceeded"))
                .body("retryable", equalTo(true))
                .header("Retry-After", matchesPattern("^[1-9][0-9]*$"));
    }

    /**
     * A new GreenMail on the SMTP port, once it greets. A restarted GreenMail sometimes never greets the first
     * connection it takes (that send then waits out its timeout and is retried, which would move the retry
     * counters the tests read): probe connections take that place until one is greeted.
     */
    private static void restartSmtp() throws IOException {
        smtp = new GreenMail(ServerSetupTest.SMTP);
        smtp.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), ServerSetupTest.SMTP.getPort())) {
                probe.setSoTimeout(1000);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
                String greeting = in.readLine();
                if (greeting != null && greeting.startsWith("220")) {
                    probe.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
            } catch (SocketTimeoutException notGreeted) {
                // the next probe
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the restarted SMTP server greets no connection");
            }
        }
    }

    private int attempts(String delivery) throws Exception {
        try (Connection c = db.getConnection();
                java.sql.PreparedStatement st = c.prepareStatement("SELECT attempts FROM deliveries WHERE id = ?")) {
            st.setString(1, delivery);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private long queuedDeliveries() throws Exception {
        try (Connection c = db.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM deliveries WHERE status = 'queued'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<MimeMessage> messagesTo(String recipient) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (m.getAllRecipients() != null
                    && m.getAllRecipients()[0].toString().equals(recipient)) {
                out.add(m);
            }
        }
        return out;
    }

    private static String text(MimeMessage mail) throws Exception {
        StringBuilder out = new StringBuilder();
        collect(mail.getContent(), out, null);
        return out.toString();
    }

    private static byte[] attachment(MimeMessage mail, String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        collect(mail.getContent(), new StringBuilder(), new Object[] {name, out});
        assertTrue(out.size() > 0, "the mail has no attachment " + name);
        return out.toByteArray();
    }

    private static void collect(Object content, StringBuilder text, Object[] wanted) throws Exception {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (wanted != null && ((String) wanted[0]).equals(part.getFileName())) {
                    part.getInputStream().transferTo((ByteArrayOutputStream) wanted[1]);
                } else {
                    collect(part.getContent(), text, wanted);
                }
            }
        } else if (content instanceof String s) {
            text.append(s);
        }
    }

    /** openfiskal_receipt_deliveries_total of the e-mail channel with this outcome. */
    private static double deliveries(String outcome) {
        return Metrics.value("openfiskal_receipt_deliveries_total", Map.of("channel", "email", "outcome", outcome));
    }
}
