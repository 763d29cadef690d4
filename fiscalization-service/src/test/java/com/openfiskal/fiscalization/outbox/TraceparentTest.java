package com.openfiskal.fiscalization.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openfiskal.contracts.events.Topics;
import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.local.OpenFiskalStackResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
        Properties p = new Properties();
        p.put("bootstrap.servers", OpenFiskalStackResource.bootstrapServers());
        p.put("group.id", "traceparent-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        String seen = null;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.IDENTITY));
            long deadline = System.currentTimeMillis() + 20_000;
            while (seen == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.key().equals("merchant:" + merchant)) {
                        seen = new String(
                                r.headers()
                                        .lastHeader(Topics.HEADER_TRACEPARENT)
                                        .value(),
                                StandardCharsets.UTF_8);
                    }
                }
            }
        }
        assertEquals(traceparent, seen);
    }
}
