package com.openfiskal.fiscalization.outbox;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.contracts.events.Topics;
import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.fiscalization.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The W3C trace context of a request travels with the events it causes (record header traceparent). */
@QuarkusTest
class TraceparentTest {

    @Test
    void shouldCarryTheCallersTraceparentIntoTheEvent() {
        var t = Tenants.create();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String merchant = t.as().header("traceparent", traceparent)
                .body(Tenants.merchantBody())
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String seen = TopicReader.read(
                        List.of(Topics.IDENTITY),
                        records -> records.stream().anyMatch(r -> r.key().equals("merchant:" + merchant)),
                        Duration.ofSeconds(20))
                .stream()
                .filter(r -> r.key().equals("merchant:" + merchant))
                .map(r -> TopicReader.header(r, Topics.HEADER_TRACEPARENT))
                .findFirst()
                .orElse(null);
        // the same trace, continued by the relay's publish span (a child of the request's span, not the caller's)
        assertTrue(seen.startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"), seen);
        assertNotEquals(traceparent, seen);
    }
}
