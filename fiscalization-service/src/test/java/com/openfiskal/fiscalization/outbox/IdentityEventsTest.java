package com.openfiskal.fiscalization.outbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.local.OpenFiskalStackResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Identity changes reach the compacted topic through the outbox, keyed and with the record headers of API.md §11.1. */
@QuarkusTest
class IdentityEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldPublishTenantKeyMerchantAndRegisterChangesWithHashesOnly() throws Exception {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String register = Tenants.register(t, merchant, Tenants.location(t, merchant));
        given().header("Authorization", Tenants.ADMIN)
                .delete("/admin/v1/tenants/" + t.id() + "/api-keys/" + t.keyId())
                .then()
                .statusCode(204);

        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", OpenFiskalStackResource.bootstrapServers());
        p.put("group.id", "identity-events-test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.IDENTITY));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline && mine.size() < 5) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.value().contains(t.id())) {
                        mine.add(r);
                    }
                }
            }
        }
        List<String> keys = mine.stream().map(ConsumerRecord::key).toList();
        assertTrue(keys.contains("tenant:" + t.id()), keys.toString());
        assertTrue(keys.contains("merchant:" + merchant), keys.toString());
        assertTrue(keys.contains("register:" + register), keys.toString());
        List<ConsumerRecord<String, String>> keyEvents = mine.stream()
                .filter(r -> r.key().equals("api_key:" + t.keyId()))
                .toList();
        assertEquals(2, keyEvents.size(), "issued and revoked");
        JsonNode revoked = JSON.readTree(keyEvents.get(1).value());
        assertEquals("api_key.upserted", revoked.path("type").asText());
        assertEquals(1, revoked.path("schema_version").asInt());
        assertEquals("test", revoked.path("environment").asText());
        assertEquals("revoked", revoked.path("data").path("status").asText());
        assertEquals(64, revoked.path("data").path("key_hash").asText().length());
        assertTrue(revoked.path("event_id").asText().startsWith("evt_"));
        for (ConsumerRecord<String, String> r : mine) {
            assertFalse(r.value().contains(t.key()), "a clear-text key was published");
            assertEquals("application/json", header(r, Topics.HEADER_CONTENT_TYPE));
            assertNotNull(header(r, Topics.HEADER_EVENT_TYPE));
            assertTrue(header(r, Topics.HEADER_REQUEST_ID).matches("^req_[0-9a-f]{20}$"));
            assertTrue(header(r, Topics.HEADER_TRACEPARENT).matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$"));
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
