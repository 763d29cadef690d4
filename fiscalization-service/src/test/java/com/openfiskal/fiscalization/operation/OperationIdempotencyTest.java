package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static com.openfiskal.fiscalization.support.Pos.cash;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key on operations (API.md §2.9): one execution per key, whatever the concurrency. */
@QuarkusTest
class OperationIdempotencyTest {

    @Test
    void shouldCreateExactlyOneOperationFor50ParallelDuplicates() throws Exception {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        Map<String, Object> sale = pos.sale("11.90", "1.90");
        String key = "sale-parallel-" + pos.register();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> pos.post(sale, key));
        }
        List<Response> responses = new ArrayList<>();
        for (Future<Response> f : pool.invokeAll(calls)) {
            responses.add(f.get());
        }
        pool.shutdown();
        Set<String> bodies = new HashSet<>();
        int replayed = 0;
        for (Response r : responses) {
            assertEquals(201, r.statusCode(), r.asString());
            bodies.add(r.asString());
            if ("true".equals(r.header("Idempotent-Replayed"))) {
                replayed++;
            }
        }
        assertEquals(1, bodies.size(), "every duplicate gets the same body");
        assertEquals(49, replayed);
        pos.get("/v1/operations?register_id=" + pos.register() + "&type=SALE")
                .then()
                .body("data.size()", equalTo(1));
    }

    @Test
    void shouldReplayCompleteAndShareTheScopeWithThePostAlias() {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        String id = pos.post(pos.sale("11.90", "1.90")).path("id");
        Map<String, Object> body = Map.of("payments", List.of(cash("11.90")));
        Response first = pos.tenant()
                .as(pos.merchant())
                .header("Idempotency-Key", "complete-1")
                .header("If-Match", "\"1\"")
                .body(body)
                .patch("/v1/operations/" + id + "/complete");
        first.then().statusCode(200).header("ETag", "\"2\"");
        // the POST alias with the same key replays, even with a refreshed If-Match
        Response again = pos.tenant()
                .as(pos.merchant())
                .header("Idempotency-Key", "complete-1")
                .header("If-Match", "\"2\"")
                .body(body)
                .post("/v1/operations/" + id + "/complete");
        again.then().statusCode(200).header("Idempotent-Replayed", "true").header("ETag", "\"2\"");
        assertEquals(first.asString(), again.asString());
        // same key, different body: conflict
        assertError(
                pos.tenant()
                        .as(pos.merchant())
                        .header("Idempotency-Key", "complete-1")
                        .header("If-Match", "\"2\"")
                        .body(Map.of("payments", List.of(cash("11.90"), cash("0.00"))))
                        .patch("/v1/operations/" + id + "/complete"),
                409,
                "idempotency_key_conflict");
        // exactly one signature was made
        pos.get("/v1/operations/" + id).then().body("fiscal_information.document_number", equalTo(2));
    }
}
