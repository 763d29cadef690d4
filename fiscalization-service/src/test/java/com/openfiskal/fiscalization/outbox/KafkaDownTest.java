package com.openfiskal.fiscalization.outbox;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.local.EmbeddedStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With no Kafka broker reachable the fiscalization-service stays ready and keeps accepting: the outbox
 * buffers the events and its backlog is a metric, not a health failure (API.md §2.12).
 */
@QuarkusTest
@TestProfile(KafkaDownTest.NoBroker.class)
class KafkaDownTest {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the channel setting wins over kafka.bootstrap.servers, which the test resource sets
            return Map.of(
                    "mp.messaging.outgoing.outbox.bootstrap.servers",
                    "127.0.0.1:" + EmbeddedStack.freePort(),
                    "mp.messaging.outgoing.outbox.delivery.timeout.ms",
                    "1500",
                    "mp.messaging.outgoing.outbox.request.timeout.ms",
                    "1000",
                    "mp.messaging.outgoing.outbox.max.block.ms",
                    "500");
        }
    }

    @Test
    void shouldStayReadyAndAcceptWritesWhileTheBrokerIsDown() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        Tenants.register(t, merchant, Tenants.location(t, merchant));
        given().get("/q/health/ready").then().statusCode(200);
        // tenant, key, merchant and register events wait in the outbox
        await().atMost(Duration.ofSeconds(20)).until(() -> backlog() >= 4);
    }

    private static double backlog() {
        String metrics = given().get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^openfiskal_outbox_backlog\\S*\\s+([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
