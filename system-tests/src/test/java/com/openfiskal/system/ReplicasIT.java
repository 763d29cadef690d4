package com.openfiskal.system;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.local.EmbeddedStack;
import com.openfiskal.local.LocalPlatform;
import io.restassured.response.Response;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two instances of each service against one PostgreSQL, one Kafka broker and one export directory, as two
 * replicas of each Deployment run in Kubernetes (docs/operations.md "Scale"). Requests alternate between
 * the instances; every background job must still run once: fiscalization jobs, TSE counters, the outbox
 * relay, the event consumers, closing compilation, export jobs and their downloads, receipt e-mails.
 */
class ReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REGISTERS = 2;
    private static final int SALES_PER_REGISTER = 8;

    @Test
    void twoInstancesOfEachServiceDoEveryJobOnce() throws Exception {
        LocalPlatform a = Platform.get();
        LocalPlatform b = Platform.second();
        List<String> fiscalization = List.of(a.url(LocalPlatform.FISCALIZATION), b.url(LocalPlatform.FISCALIZATION));
        List<String> export = List.of(a.url(LocalPlatform.EXPORT), b.url(LocalPlatform.EXPORT));
        List<String> receipts = List.of(a.url(LocalPlatform.RECEIPTS), b.url(LocalPlatform.RECEIPTS));
        Instant from = Instant.now().minusSeconds(60);

        Api api = Api.newTenant();
        String merchant = api.merchant();
        String location = api.location(merchant);
        List<String> registers = new ArrayList<>();
        for (int i = 0; i < REGISTERS; i++) {
            String register = api.register(merchant, location);
            api.on(fiscalization.get(i % 2), merchant)
                    .post("/v1/registers/" + register + "/fiscalize")
                    .then()
                    .statusCode(202);
            registers.add(register);
        }
        for (String register : registers) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> "fiscalized"
                            .equals(api.on(fiscalization.get(1), merchant)
                                    .get("/v1/registers/" + register)
                                    .path("fiscalization_status")));
            api.operation(fiscalization.get(0), merchant, """
                    {"type":"SESSION_OPEN","register_id":"%s","currency":"EUR","opening_balance_amount":"100.00"}""".formatted(register));
        }
        // one provisioning per register, whichever instance ran the job: one TSS, two system logs
        try (Connection c = db()) {
            for (String register : registers) {
                try (PreparedStatement s =
                        c.prepareStatement("SELECT count(*) FROM fiscalization.tse_tss WHERE register_id = ?")) {
                    s.setString(1, register);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        assertEquals(1, rs.getInt(1), register + " has one TSS");
                    }
                }
            }
        }

        // sales on both registers at once, each created on one instance and completed on the other
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Response>> completions = new ArrayList<>();
        for (int i = 0; i < SALES_PER_REGISTER; i++) {
            for (String register : registers) {
                int n = i;
                completions.add(pool.submit(() -> {
                    String sale = api.operation(fiscalization.get(n % 2), merchant, sale(register));
                    return api.on(fiscalization.get((n + 1) % 2), merchant)
                            .header("Idempotency-Key", UUID.randomUUID().toString())
                            .header("If-Match", "\"1\"")
                            .body(
                                    "{\"payments\":[{\"method\":\"cash\",\"status\":\"captured\",\"amount\":\"2.14\",\"currency\":\"EUR\"}]}")
                            .patch("/v1/operations/" + sale + "/complete");
                }));
            }
        }
        Map<String, List<long[]>> signedByRegister = new HashMap<>();
        List<String> sales = new ArrayList<>();
        for (Future<Response> f : completions) {
            Response r = f.get();
            r.then().statusCode(200);
            sales.add(r.path("id"));
            String[] qr =
                    r.<String>path("fiscal_information.verification.qr_data").split(";");
            // V0;client;type;data;transaction number;signature counter;start;end;…
            signedByRegister
                    .computeIfAbsent(r.path("register_id"), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new long[] {Long.parseLong(qr[4]), Long.parseLong(qr[5])});
        }
        pool.shutdown();
        signedByRegister.forEach((register, signed) -> {
            Set<Long> numbers = new HashSet<>();
            Set<Long> counters = new HashSet<>();
            signed.forEach(s -> {
                numbers.add(s[0]);
                counters.add(s[1]);
            });
            assertEquals(SALES_PER_REGISTER, numbers.size(), register + ": a transaction number twice");
            assertEquals(SALES_PER_REGISTER, counters.size(), register + ": a signature counter twice");
            long min = Collections.min(numbers);
            long max = Collections.max(numbers);
            assertEquals(SALES_PER_REGISTER - 1, max - min, register + ": transaction numbers with a gap " + numbers);
        });
        for (String register : registers) {
            api.operation(fiscalization.get(1), merchant, """
                    {"type":"SESSION_CLOSE","register_id":"%s","currency":"EUR","closing_transfer_amount":"0.00"}""".formatted(register));
        }

        // the outbox relay: every completion on the topic once, not once per instance
        assertEachPublishedOnce(new HashSet<>(sales));

        // the receipts consumers: one receipt per sale, readable through either instance
        Map<String, String> receiptIds = new HashMap<>();
        for (int i = 0; i < sales.size(); i++) {
            String sale = sales.get(i);
            String base = receipts.get(i % 2);
            Response receipt = Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> api.on(base, merchant).get("/v1/operations/" + sale + "/receipt"),
                            r -> r.statusCode() == 200);
            receiptIds.put(sale, receipt.path("id"));
        }
        assertEquals(sales.size(), count("SELECT count(*) FROM receipts.receipts WHERE merchant_id = ?", merchant));

        // receipt e-mails: each queued on one instance, sent once by whichever claims it
        GreenMail smtp = Platform.smtp();
        List<String> recipients = new ArrayList<>();
        List<String> deliveries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String recipient = "replica-" + i + "-" + UUID.randomUUID() + "@example.org";
            recipients.add(recipient);
            Response queued = api.on(receipts.get(i % 2), merchant)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body("{\"channel\":\"email\",\"recipient\":\"" + recipient + "\"}")
                    .post("/v1/receipts/" + receiptIds.get(sales.get(i)) + "/send");
            queued.then().statusCode(202);
            deliveries.add(receiptIds.get(sales.get(i)) + "/deliveries/" + queued.path("id"));
        }
        for (int i = 0; i < deliveries.size(); i++) {
            String path = "/v1/receipts/" + deliveries.get(i);
            String base = receipts.get((i + 1) % 2);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> "sent".equals(api.on(base, merchant).get(path).path("status")));
        }
        // give a second sender time to show itself, then count what arrived for these recipients
        Thread.sleep(3000);
        Map<String, Integer> received = new HashMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            for (var to : m.getRecipients(Message.RecipientType.TO)) {
                received.merge(to.toString(), 1, Integer::sum);
            }
        }
        for (String r : recipients) {
            assertEquals(1, received.getOrDefault(r, 0), r + " got the receipt once");
        }

        // closings compiled once per session; exports asked of both instances at once are built once each
        // and downloadable from either (one export directory)
        List<String> exports = new ArrayList<>();
        for (int i = 0; i < registers.size() * 2; i++) {
            String register = registers.get(i / 2);
            String base = export.get(i % 2);
            String body = """
                    {"type":"dsfinvk","register_id":"%s","from":"%s","to":"%s"}""".formatted(register, from, Instant.now().plusSeconds(120));
            String key = "replicas-" + i + "-" + UUID.randomUUID();
            Response created = Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(
                            () -> api.on(base, merchant)
                                    .header("Idempotency-Key", key)
                                    .body(body)
                                    .post("/v1/exports"),
                            r -> r.statusCode() != 401
                                    && r.statusCode() != 404
                                    && !(r.statusCode() == 422
                                            && "export_dsfinvk_build_pending".equals(r.path("code"))));
            created.then().log().ifValidationFails().statusCode(202);
            exports.add(created.path("id"));
        }
        for (String register : registers) {
            assertEquals(
                    1,
                    count(
                            "SELECT count(*) FROM reporting.closed_sessions WHERE register_id = ? AND state = 'built'",
                            register),
                    register + ": one closing");
        }
        for (int i = 0; i < exports.size(); i++) {
            String id = exports.get(i);
            String base = export.get((i + 1) % 2);
            Response done = Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> api.on(base, merchant).get("/v1/exports/" + id),
                            r -> !"pending".equals(r.path("status")));
            done.then().statusCode(200);
            assertEquals("completed", done.path("status"), id + ": " + done.asString());
            // the link names the instance that built it; fetch it from the other one
            String url = done.<String>path("download_url").replaceFirst("^https?://[^/]+", "");
            byte[] tar = given().baseUri(export.get(i % 2))
                    .urlEncodingEnabled(false)
                    .get(url)
                    .asByteArray();
            assertTrue(tar.length > 10_000, id + " downloads from the other instance: " + tar.length + " bytes");
            assertEquals(
                    1, count("SELECT attempts FROM reporting.exports WHERE id = ?", id), id + " built in one attempt");
        }
    }

    private static String sale(String register) {
        return """
                {"type":"SALE","source":"POS","register_id":"%s","currency":"EUR",
                 "pretax_amount":"2.00","tax_amount":"0.14","total_amount":"2.14",
                 "line_items":[{"title":"Croissant","quantity":1,"unit_price":"2.14","total_amount":"2.14",
                                "taxes":[{"rate":"0.07","tax_amount":"0.14"}]}]}""".formatted(register);
    }

    /** Reads the operations topic from the start: each of these completions exactly once. */
    private static void assertEachPublishedOnce(Set<String> completed) throws Exception {
        Map<String, Integer> records = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long quietSince = 0;
        try (KafkaConsumer<String, String> consumer = Platform.consumerFromStart("replicas")) {
            consumer.subscribe(List.of(Topics.OPERATIONS));
            // read until all arrived and a further 3 s brought nothing new for them
            while (System.nanoTime() < deadline) {
                boolean news = false;
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode e = JSON.readTree(r.value());
                    String op = e.path("data").path("operation").path("id").asText();
                    if (completed.contains(op)
                            && Topics.OPERATION_COMPLETED.equals(e.path("type").asText())) {
                        records.merge(op, 1, Integer::sum);
                        news = true;
                    }
                }
                if (news || !records.keySet().containsAll(completed)) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince
                        > Duration.ofSeconds(3).toNanos()) {
                    break;
                }
            }
        }
        for (String op : completed) {
            assertEquals(1, records.getOrDefault(op, 0), op + " records on " + Topics.OPERATIONS);
        }
    }

    private static Connection db() throws Exception {
        EmbeddedStack stack = Platform.stack();
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
    }

    private static long count(String sql, String parameter) throws Exception {
        try (Connection c = db();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
