package com.openfiskal.system;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.local.EmbeddedStack;
import com.openfiskal.local.LocalPlatform;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A live deployment never signs with the uncertified software TSE (API.md §8.1, TSE.md §14): the
 * fiscalization-service, started as a real process with {@code OPENFISKAL_ENVIRONMENT=live} on the platform's
 * database and broker, gives up during its start and says why.
 */
class LiveDeploymentIT {

    @Test
    void shouldRefuseToStartALiveDeploymentWithTheSoftwareTse() {
        LocalPlatform.Settings test = Platform.settings();
        Map<String, String> env = new HashMap<>(test.extraEnv());
        env.put("OPENFISKAL_ENVIRONMENT", "live");
        LocalPlatform.Settings live = new LocalPlatform.Settings(
                test.apiKeyPepper(),
                test.adminToken(),
                null,
                test.tseMasterKey(),
                test.internalToken(),
                Map.copyOf(env));
        LocalPlatform platform = new LocalPlatform(
                Map.of(LocalPlatform.FISCALIZATION, EmbeddedStack.freePort()),
                Platform.dataDir().resolve("logs-live"));

        IllegalStateException refused;
        try {
            refused = assertThrows(
                    IllegalStateException.class,
                    () -> platform.start(Platform.root(), Platform.stack(), live, System.out));
        } finally {
            platform.close(); // a service that did start must not outlive the test
        }

        String message = refused.getMessage();
        assertTrue(message.startsWith(LocalPlatform.FISCALIZATION + " exited during start: "), message);
        assertTrue(message.contains("The software TSE is not certified and cannot run in a live deployment"), message);
    }
}
