package com.openfiskal.local.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import com.openfiskal.local.OpenFiskalStackResource;
import io.restassured.response.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cross-cutting contract as a consuming service must honour it, authenticating from its local copy
 * of the identity topic: 401 until a key is known and after it is revoked, the merchant header's 400,
 * 404 and 403, and the request id on every answer. Each consuming service runs it against one of its
 * merchant-scoped routes.
 */
public abstract class ReplicatedAuthContract {

    private static final String PEPPER = "test-pepper-not-for-production";

    /** A merchant-scoped GET route of the service under test. */
    protected abstract String merchantScopedPath();

    /** What that route answers to an authorised caller today. */
    protected abstract int authorisedStatus();

    private IdentityFixtures fixtures() {
        return new IdentityFixtures(OpenFiskalStackResource.bootstrapServers(), PEPPER);
    }

    private Response call(IdentityFixtures.Identity id, String merchant) {
        var req = given().header("Authorization", "Bearer " + id.key());
        if (merchant != null) {
            req.header("X-OpenFiskal-Merchant", merchant);
        }
        return req.get(merchantScopedPath());
    }

    @Test
    void shouldAuthenticateFromTheReplicatedKeysAndStopWithinFiveSecondsOfARevocation() {
        IdentityFixtures f = fixtures();
        var id = f.tenant("DEU");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> call(id, id.merchantId()).statusCode() == authorisedStatus());
        f.revoke(id);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> call(id, id.merchantId()).statusCode() == 401);
        call(id, id.merchantId())
                .then()
                .statusCode(401)
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"))
                .body("code", equalTo("unauthorized"))
                .body("retryable", equalTo(false));
        System.out.printf("revocation took effect after %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void shouldApplyTheMerchantHeaderRules() {
        IdentityFixtures f = fixtures();
        var id = f.tenant("DEU");
        var other = f.tenant("DEU");
        var austrianKey = f.key(id, "AUT");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> call(austrianKey, id.merchantId()).statusCode() != 401
                        && call(other, other.merchantId()).statusCode() == authorisedStatus());
        call(id, null)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("details.field", equalTo("X-OpenFiskal-Merchant"));
        call(id, "loc_01KJPW5YA6070DD3J99KBW8J6D").then().statusCode(400).body("code", equalTo("invalid_request"));
        call(id, other.merchantId()).then().statusCode(404).body("code", equalTo("not_found"));
        call(austrianKey, id.merchantId()).then().statusCode(403).body("code", equalTo("forbidden"));
        f.deleteMerchant(other);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> call(other, other.merchantId()).statusCode() == 404);
    }

    @Test
    void shouldRefuseMissingAndMalformedCredentials() {
        given().get(merchantScopedPath())
                .then()
                .statusCode(401)
                .body("code", equalTo("unauthorized"))
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"));
        given().header("Authorization", "Bearer of_live_deu_" + "a".repeat(32))
                .get(merchantScopedPath())
                .then()
                .statusCode(401);
    }
}
