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

/** The per-key token bucket (API.md §2.11), with OPENFISKAL_RATE_LIMIT_PER_SECOND lowered to 5. */
@QuarkusTest
@TestProfile(RateLimitTest.FivePerSecond.class)
class RateLimitTest {

    public static class FivePerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openfiskal.rate-limit.per-second", "5");
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
}
