package com.openfiskal.fiscalization.register;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.fiscalization.support.Tenants.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the TSE unreachable (fault injection), fiscalization ends in {@code failed} and can be retried. */
@QuarkusTest
@TestProfile(FiscalizationFailureTest.TseUnreachable.class)
class FiscalizationFailureTest {

    public static class TseUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openfiskal.tse.fault", "unreachable");
        }
    }

    @Test
    void shouldEndInFailedWithTheErrorAndAcceptAnotherFiscalize() {
        Tenant t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String register = Tenants.register(t, merchant, Tenants.location(t, merchant));
        t.as(merchant).post("/v1/registers/" + register + "/fiscalize").then().statusCode(202);
        Tenants.awaitFiscalizationStatus(t, merchant, register, "failed")
                .then()
                .header("ETag", "\"3\"")
                .body("fiscalization.regime", equalTo("KassenSichV"))
                .body("fiscalization.error.message", notNullValue())
                .body("fiscalization.error.occurred_at", notNullValue())
                .body("fiscalization.tss_serial_number", equalTo(null));

        t.as(merchant)
                .post("/v1/registers/" + register + "/fiscalize")
                .then()
                .statusCode(202)
                .body("fiscalization_status", equalTo("pending"))
                .body("fiscalization.error", equalTo(null));
        Tenants.awaitFiscalizationStatus(t, merchant, register, "failed");
        t.as(merchant).delete("/v1/registers/" + register).then().statusCode(204);
        assertError(t.as(merchant).get("/v1/registers/" + register), 404, "not_found");
    }
}
