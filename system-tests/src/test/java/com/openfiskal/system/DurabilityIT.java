package com.openfiskal.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.local.LocalPlatform;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * Crashes and outages with real processes (issue: durability): the fiscalization-service is killed with
 * SIGKILL under load and restarted; the Kafka broker is stopped for 60 s under load. Nothing acknowledged
 * is lost, counters stay gap-free, and every acknowledged completion reaches Kafka under one event id.
 */
class DurabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TILLS = 4;

    /** What the load generator was told with a 2xx: created operation ids and completed ones. */
    record Acknowledged(Set<String> created, Set<String> completed) {}

    @Test
    void shouldLoseNothingAcknowledgedWhenTheServiceIsKilled() throws Exception {
        Till till = Till.open(TILLS);
        Load load = new Load(till);
        load.start();
        Thread.sleep(4000);
        Platform.get().kill(LocalPlatform.FISCALIZATION);
        Thread.sleep(1000);
        Platform.get().restart(LocalPlatform.FISCALIZATION, System.out);
        Thread.sleep(3000);
        Acknowledged ack = load.stop();
        assertTrue(
                ack.completed().size() > 10,
                "the load made progress: " + ack.completed().size());

        for (String id : ack.created()) {
            Response r = till.api.on(Platform.fiscalization(), till.merchant).get("/v1/operations/" + id);
            assertEquals(200, r.statusCode(), "acknowledged operation " + id + " exists");
            if (ack.completed().contains(id)) {
                assertEquals("COMPLETED", r.path("status"));
            }
        }
        assertGapFree(till.registers);
        assertPublishedOnce(ack.completed(), Duration.ofSeconds(60));
    }

    @Test
    void shouldKeepAcceptingWhileKafkaIsDownAndDeliverAfterwards() throws Exception {
        Till till = Till.open(TILLS);
        Platform.stack().stopBroker();
        Acknowledged ack;
        try {
            Load load = new Load(till);
            load.start();
            Thread.sleep(60_000);
            ack = load.stop();
            assertEquals(0, load.failures.size(), "no request failed while the broker was down: " + load.failures);
            assertTrue(ack.completed().size() > 10, "sales were completed while the broker was down");
        } finally {
            Platform.stack().startBroker();
        }
        assertPublishedOnce(ack.completed(), Duration.ofSeconds(90));
    }

    // --- assertions -------------------------------------------------------------------------------

    private static void assertGapFree(List<String> registers) throws Exception {
        var stack = Platform.stack();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                PreparedStatement q = c.prepareStatement("""
                SELECT count(*), min(l.signature_counter), max(l.signature_counter),
                       count(*) FILTER (WHERE l.operation_type = 'StartTransaction'),
                       max(l.transaction_number),
                       count(*) FILTER (WHERE l.operation_type = 'FinishTransaction')
                  FROM fiscalization.tse_log_messages l JOIN fiscalization.tse_tss t ON t.id = l.tss_id
                 WHERE t.register_id = ?""")) {
            for (String register : registers) {
                q.setString(1, register);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    assertEquals(1, rs.getLong(2), register);
                    assertEquals(rs.getLong(1), rs.getLong(3), "signature counters of " + register + " have no gap");
                    assertEquals(rs.getLong(4), rs.getLong(5), "transaction numbers of " + register + " have no gap");
                    assertEquals(rs.getLong(4), rs.getLong(6), "every transaction of " + register + " is finished");
                }
            }
        }
    }

    /** Every completion is on the topic, and all records of one operation's completion share one event id. */
    private static void assertPublishedOnce(Set<String> completed, Duration within) {
        Map<String, Set<String>> eventIds = new HashMap<>();
        long deadline = System.nanoTime() + within.toNanos();
        try (KafkaConsumer<String, String> consumer = Platform.consumerFromStart("durability")) {
            consumer.subscribe(List.of(Topics.OPERATIONS));
            while (System.nanoTime() < deadline && !eventIds.keySet().containsAll(completed)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode e = read(r.value());
                    String op = e.path("data").path("operation").path("id").asText();
                    if (completed.contains(op)
                            && Topics.OPERATION_COMPLETED.equals(e.path("type").asText())) {
                        eventIds.computeIfAbsent(op, k -> new HashSet<>())
                                .add(e.path("event_id").asText());
                    }
                }
            }
        }
        Set<String> missing = new HashSet<>(completed);
        missing.removeAll(eventIds.keySet());
        assertTrue(missing.isEmpty(), missing.size() + " acknowledged completions never arrived: " + missing);
        eventIds.forEach((op, ids) -> assertEquals(1, ids.size(), op + " was published under " + ids));
    }

    private static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the till and its load ----------------------------------------------------------------------

    /** A merchant with N fiscalized registers, each with a session open. */
    static final class Till {
        final Api api;
        final String merchant;
        final List<String> registers = new ArrayList<>();

        private Till(Api api, String merchant) {
            this.api = api;
            this.merchant = merchant;
        }

        static Till open(int n) {
            Api api = Api.newTenant();
            String merchant = api.merchant();
            String location = api.location(merchant);
            Till till = new Till(api, merchant);
            for (int i = 0; i < n; i++) {
                String register = api.register(merchant, location);
                api.on(Platform.fiscalization(), merchant)
                        .post("/v1/registers/" + register + "/fiscalize")
                        .then()
                        .statusCode(202);
                till.registers.add(register);
            }
            for (String register : till.registers) {
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> "fiscalized"
                                .equals(api.on(Platform.fiscalization(), merchant)
                                        .get("/v1/registers/" + register)
                                        .path("fiscalization_status")));
                api.on(Platform.fiscalization(), merchant)
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .body(Map.of(
                                "type",
                                "SESSION_OPEN",
                                "register_id",
                                register,
                                "currency",
                                "EUR",
                                "opening_balance_amount",
                                "0.00"))
                        .post("/v1/operations")
                        .then()
                        .statusCode(201);
            }
            return till;
        }
    }

    /** One thread per register: create a sale, complete it; errors (the service is down) are retried. */
    static final class Load {
        final Till till;
        final AtomicBoolean running = new AtomicBoolean(true);
        final Set<String> created = ConcurrentHashMap.newKeySet();
        final Set<String> completed = ConcurrentHashMap.newKeySet();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final ExecutorService pool = Executors.newFixedThreadPool(TILLS);

        Load(Till till) {
            this.till = till;
        }

        void start() {
            for (String register : till.registers) {
                pool.submit(() -> {
                    while (running.get()) {
                        sale(register);
                    }
                });
            }
        }

        private void sale(String register) {
            try {
                Response r = till.api
                        .on(Platform.fiscalization(), till.merchant)
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .body(Map.of(
                                "type",
                                "SALE",
                                "source",
                                "POS",
                                "register_id",
                                register,
                                "currency",
                                "EUR",
                                "pretax_amount",
                                "10.00",
                                "tax_amount",
                                "1.90",
                                "total_amount",
                                "11.90",
                                "line_items",
                                List.of(Map.of(
                                        "title",
                                        "Café Latte",
                                        "quantity",
                                        2,
                                        "unit_price",
                                        "5.95",
                                        "total_amount",
                                        "11.90",
                                        "taxes",
                                        List.of(Map.of("rate", "0.19", "tax_amount", "1.90"))))))
                        .post("/v1/operations");
                if (r.statusCode() != 201) {
                    failures.add("create " + r.statusCode());
                    return;
                }
                String id = r.path("id");
                created.add(id);
                Response done = till.api
                        .on(Platform.fiscalization(), till.merchant)
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("If-Match", "\"1\"")
                        .body(Map.of(
                                "payments",
                                List.of(Map.of(
                                        "method", "cash", "status", "captured", "amount", "11.90", "currency", "EUR"))))
                        .patch("/v1/operations/" + id + "/complete");
                if (done.statusCode() == 200) {
                    completed.add(id);
                } else {
                    failures.add("complete " + done.statusCode());
                }
            } catch (RuntimeException e) {
                // the service is down (killed): nothing was acknowledged, try again shortly
                failures.add("connection: " + e.getClass().getSimpleName());
                sleep();
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Acknowledged stop() throws InterruptedException {
            running.set(false);
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            return new Acknowledged(Set.copyOf(created), Set.copyOf(completed));
        }
    }
}
