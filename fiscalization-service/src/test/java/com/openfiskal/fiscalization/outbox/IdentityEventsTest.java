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
import com.openfiskal.fiscalization.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

        List<ConsumerRecord<String, String>> mine = TopicReader.read(
                        List.of(Topics.IDENTITY),
                        seen -> seen.stream()
                                        .filter(r -> r.value().contains(t.id()))
                                        .count()
                                >= 5,
                        Duration.ofSeconds(20))
                .stream()
                .filter(r -> r.value().contains(t.id()))
                .toList();
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
            assertEquals("application/json", TopicReader.header(r, Topics.HEADER_CONTENT_TYPE));
            assertNotNull(TopicReader.header(r, Topics.HEADER_EVENT_TYPE));
            assertTrue(TopicReader.header(r, Topics.HEADER_REQUEST_ID).matches("^req_[0-9a-f]{20}$"));
            assertTrue(
                    TopicReader.header(r, Topics.HEADER_TRACEPARENT).matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]$"));
        }
    }
}
