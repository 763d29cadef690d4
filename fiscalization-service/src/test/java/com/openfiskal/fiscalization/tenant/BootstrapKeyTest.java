package com.openfiskal.fiscalization.tenant;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OPENFISKAL_BOOTSTRAP_API_KEY without OPENFISKAL_ADMIN_TOKEN: the key works, the admin API is absent. */
@QuarkusTest
@TestProfile(BootstrapKeyTest.BootstrapOnly.class)
class BootstrapKeyTest {

    static final String KEY = "of_test_deu_BootstrapKeyForTheTestProfile0001";

    public static class BootstrapOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openfiskal.bootstrap-api-key", KEY, "openfiskal.admin-token", "");
        }
    }

    @Inject
    TenantService tenants;

    @Test
    void shouldAuthenticateTheBootstrapKeyAndKeepItIdempotent() throws Throwable {
        given().header("Authorization", "Bearer " + KEY)
                .get("/v1/merchants")
                .then()
                .statusCode(200);
        assertFalse(VertxContextSupport.subscribeAndAwait(() -> tenants.ensureBootstrapKey(KEY)));
    }

    @Test
    void shouldHideTheAdminApiWhenNoAdminTokenIsConfigured() {
        assertError(given().header("Authorization", "Bearer ").post("/admin/v1/tenants"), 404, "not_found");
    }
}
