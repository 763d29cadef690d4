package com.openfiskal.fiscalization.contract;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Idempotency-Key on the create endpoints of this slice (API.md §2.9). */
@QuarkusTest
class IdempotencyTest {

    @Test
    void shouldReplayTheOriginalResponseForTheSameKeyAndBody() {
        var t = Tenants.create();
        Response first = t.as().header("Idempotency-Key", "m-1")
                .body(Tenants.merchantBody())
                .post("/v1/merchants");
        first.then().statusCode(201);
        String id = first.path("id");
        t.as().body(Map.of("legal_name", "Changed later GmbH"))
                .patch("/v1/merchants/" + id)
                .then()
                .statusCode(200);

        Response replay = t.as().header("Idempotency-Key", "m-1")
                .body(Tenants.merchantBody())
                .post("/v1/merchants");
        replay.then()
                .statusCode(201)
                .header("Idempotent-Replayed", "true")
                .header("Idempotent-Original-Request-Id", first.header("X-Request-Id"))
                .header("ETag", "\"1\"")
                .header("Location", "/v1/merchants/" + id)
                .body("id", equalTo(id))
                .body("legal_name", equalTo("Café Morgenrot GmbH"));
        assertNotEquals(first.header("X-Request-Id"), replay.header("X-Request-Id"));
        t.as().get("/v1/merchants").then().body("data", hasSize(1));
    }

    @Test
    void shouldRefuseTheSameKeyWithADifferentBody() {
        var t = Tenants.create();
        t.as().header("Idempotency-Key", "m-2")
                .body(Tenants.merchantBody())
                .post("/v1/merchants")
                .then()
                .statusCode(201);
        Map<String, Object> other = new HashMap<>(Tenants.merchantBody());
        other.put("legal_name", "Another GmbH");
        assertError(
                t.as().header("Idempotency-Key", "m-2").body(other).post("/v1/merchants"),
                409,
                "idempotency_key_conflict");
        t.as().get("/v1/merchants").then().body("data", hasSize(1));
    }

    @Test
    void shouldScopeKeysPerEndpointAndMerchantAndLeaveTheKeyFreeAfterAnError() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String other = Tenants.merchant(t);
        t.as(merchant)
                .header("Idempotency-Key", "same")
                .body(Tenants.locationBody())
                .post("/v1/locations")
                .then()
                .statusCode(201);
        t.as(other)
                .header("Idempotency-Key", "same")
                .body(Tenants.locationBody())
                .post("/v1/locations")
                .then()
                .statusCode(201)
                .header("Idempotent-Replayed", (String) null);

        // a 404 is not stored: once the cause is fixed, the same key runs
        String location = Tenants.location(t, merchant);
        assertError(
                t.as(merchant)
                        .header("Idempotency-Key", "reg-1")
                        .body(Map.of("location_id", "loc_01KJPW5YA6070DD3J99KBW8J6D", "name", "Kasse"))
                        .post("/v1/registers"),
                404,
                "not_found");
        t.as(merchant)
                .header("Idempotency-Key", "reg-1")
                .body(Map.of("location_id", location, "name", "Kasse"))
                .post("/v1/registers")
                .then()
                .statusCode(201);
    }

    @Test
    void shouldStoreA422AndReplayIt() {
        var t = Tenants.create();
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put(
                "fiscal_identities",
                List.of(Map.of("country_code", "DEU", "tax_number", "1", "vat_id", "DE123456789")));
        assertError(
                t.as().header("Idempotency-Key", "bad-1").body(body).post("/v1/merchants"), 422, "validation_error");
        assertError(t.as().header("Idempotency-Key", "bad-1").body(body).post("/v1/merchants"), 422, "validation_error")
                .header("Idempotent-Replayed", "true")
                .body("details.rule", equalTo("tax_number_invalid"));
    }

    @Test
    void shouldRejectAMalformedKey() {
        var t = Tenants.create();
        for (String key : List.of("has space", "x".repeat(256), "ünicode")) {
            assertError(
                            t.as().header("Idempotency-Key", key)
                                    .body(Tenants.merchantBody())
                                    .post("/v1/merchants"),
                            400,
                            "invalid_request")
                    .body("details.field", equalTo("Idempotency-Key"));
        }
        t.as().get("/v1/merchants").then().body("data", hasSize(0));
    }

    @Test
    void shouldCreateOnceWhenTheSameRequestArrivesConcurrently() throws Exception {
        var t = Tenants.create();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> t.as().header("Idempotency-Key", "race")
                                .body(Tenants.merchantBody())
                                .post("/v1/merchants"),
                        pool));
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<Response> c : calls) {
                Response r = c.get();
                assertEquals(201, r.statusCode(), r.asString());
                ids.add(r.path("id"));
            }
            assertEquals(1, ids.stream().distinct().count(), ids.toString());
            t.as().get("/v1/merchants").then().body("data", hasSize(1));
        } finally {
            pool.shutdownNow();
        }
    }
}
