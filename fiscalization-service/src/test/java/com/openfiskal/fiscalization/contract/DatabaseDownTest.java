package com.openfiskal.fiscalization.contract;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static io.restassured.RestAssured.given;

import com.openfiskal.local.EmbeddedStack;
import com.openfiskal.local.OpenFiskalStackResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database the API works with is unreachable (migrations ran, then it went away): every request
 * that needs it is a 503 internal_error, retryable, with Retry-After — never a hang or a stack trace.
 */
@QuarkusTest
@TestProfile(DatabaseDownTest.NoDatabase.class)
class DatabaseDownTest {

    /** The real stack for start-up, but the request-serving pool points at a port where nothing listens. */
    public static class DeadPool implements QuarkusTestResourceLifecycleManager {
        private final OpenFiskalStackResource real = new OpenFiskalStackResource();

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(real.start());
            config.put(
                    "quarkus.datasource.reactive.url",
                    "postgresql://127.0.0.1:" + EmbeddedStack.freePort() + "/openfiskal");
            return config;
        }

        @Override
        public void stop() {
            real.stop();
        }
    }

    public static class NoDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.hibernate-orm.schema-management.strategy", "none");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DeadPool.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheDatabaseIsUnreachable() {
        assertError(
                        given().header("Authorization", "Bearer of_test_deu_" + "A".repeat(32))
                                .get("/v1/merchants"),
                        503,
                        "internal_error")
                .header("Retry-After", "1");
    }
}
