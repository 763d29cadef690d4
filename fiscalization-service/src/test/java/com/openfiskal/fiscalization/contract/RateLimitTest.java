package com.openfiskal.fiscalization.contract;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The token buckets of API.md §2.11, lowered to 5 per second per key and 3 per second per client IP for
 * failed authentications and unauthenticated endpoints.
 */
@QuarkusTest
@TestProfile(RateLimitTest.FivePerSecond.class)
class RateLimitTest {

    public static class FivePerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openfiskal.rate-limit.per-second", "5", "openfiskal.rate-limit.per-ip-per-second", "3");
        }
    }

    @Test
    void shouldThrottleAKeyAboveItsRateWithRetryAfterAndLeaveOtherKeysAlone() {
        var t = Tenants.create();
        var other = Tenants.withKey(t.id(), "test", "DEU");
        int ok = 0;
        Response limited = null;
        for (int i = 0; i < 20 && limited == null; i++) {
            Response r = t.as().get("/v1/merchants");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertEquals(200, r.statusCode());
                ok++;
            }
        }
        assertTrue(limited != null, "the bucket of 5 never ran dry in 20 requests");
        assertTrue(ok >= 5, "a key within its rate was throttled after " + ok + " requests");
        assertError(limited, 429, "rate_limit_exceeded");
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
        other.as().get("/v1/merchants").then().statusCode(200);
    }

    @Test
    void shouldThrottleFailedAuthenticationsPerClientIp() {
        Response limited = null;
        for (int i = 0; i < 20 && limited == null; i++) {
            Response r = io.restassured.RestAssured.given()
                    .header("Authorization", "Bearer of_test_deu_" + "x".repeat(32))
                    .get("/v1/merchants");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertEquals(401, r.statusCode());
            }
        }
        assertTrue(limited != null, "failed authentications were never throttled");
        assertError(limited, 429, "rate_limit_exceeded");
    }
}
