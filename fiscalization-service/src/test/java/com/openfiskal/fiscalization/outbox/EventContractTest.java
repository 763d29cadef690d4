package com.openfiskal.fiscalization.outbox;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.openfiskal.contracts.events.EventSchemas;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.fiscalization.support.Pos;
import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.fiscalization.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The events are a published contract (shared-contracts asyncapi/events.yaml): every record on the topics
 * (this test's flow, and whatever the tests before it produced in this JVM) must match the envelope schema,
 * the schema of its type's data, and carry the documented record headers.
 */
@QuarkusTest
class EventContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @Test
    void shouldPublishOnlyEventsThatMatchTheirSchemas() throws Exception {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String register = Tenants.register(t, merchant, Tenants.location(t, merchant));
        t.as(merchant).post("/v1/registers/" + register + "/fiscalize").then().statusCode(202);
        Tenants.awaitFiscalizationStatus(t, merchant, register, "fiscalized");
        Pos pos = new Pos(t, merchant, null, register, null);
        pos.open("100.00").then().statusCode(201);
        String sale = pos.post(pos.sale("11.90", "1.90"))
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        pos.complete(sale, 1, List.of(Pos.cash("11.90"))).then().statusCode(200);
        String abandoned = pos.post(pos.sale("2.50", "0.39915966"))
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        pos.voidIt(abandoned, 1, "operator_cancelled").then().statusCode(200);
        Map<String, Object> online = new HashMap<>(pos.sale("5.00", "0.80"));
        online.remove("register_id");
        online.put("source", "ONLINE");
        online.put("line_items", List.of(Pos.line("Versand", "5.00", "0.19", "0.79831933")));
        String onlineSale = pos.post(online).then().statusCode(201).extract().path("id");
        pos.complete(onlineSale, 1, List.of(Pos.card("5.00"))).then().statusCode(200);
        pos.post(Map.of("type", "SESSION_CLOSE", "register_id", register, "currency", "EUR"))
                .then()
                .statusCode(201);
        t.as(merchant)
                .post("/v1/registers/" + register + "/decommission")
                .then()
                .statusCode(200);
        given().header("Authorization", Tenants.ADMIN)
                .delete("/admin/v1/tenants/" + t.id() + "/api-keys/" + t.keyId())
                .then()
                .statusCode(204);

        Set<String> typesOfThisFlow = new HashSet<>();
        Map<String, JsonSchema> cache = new HashMap<>();
        // the schemas do reject what is not an event, so a pass below means something
        assertTrue(schema(cache, EventSchemas.ENVELOPE)
                        .validate(JSON.readTree("{\"type\": 1}"))
                        .size()
                > 0);
        List<ConsumerRecord<String, String>> records = TopicReader.read(
                List.of(Topics.IDENTITY, Topics.REGISTERS, Topics.OPERATIONS, Topics.SESSIONS),
                seen -> seen.stream()
                                .filter(r -> r.value().contains(t.id()))
                                .map(r -> type(r))
                                .distinct()
                                .count()
                        >= 9,
                Duration.ofSeconds(30));
        for (ConsumerRecord<String, String> r : records) {
            JsonNode event = JSON.readTree(r.value());
            String type = event.path("type").asText();
            assertValid(cache, EventSchemas.ENVELOPE, event, r);
            String dataSchema = EventSchemas.dataSchema(type)
                    .orElseThrow(() -> new AssertionError("no schema for event type " + type));
            assertValid(cache, dataSchema, event.path("data"), r);
            assertEquals("application/json", TopicReader.header(r, Topics.HEADER_CONTENT_TYPE));
            assertEquals(type, TopicReader.header(r, Topics.HEADER_EVENT_TYPE));
            String requestId = TopicReader.header(r, Topics.HEADER_REQUEST_ID);
            assertTrue(requestId == null || requestId.matches("^req_[0-9a-f]{20}$"), requestId);
            String registerId = event.path("register_id").asText(null);
            if (Topics.OPERATIONS.equals(r.topic()) || Topics.SESSIONS.equals(r.topic())) {
                assertEquals(
                        registerId != null
                                ? registerId
                                : event.path("merchant_id").asText(),
                        r.key());
            }
            if (t.id().equals(event.path("tenant_id").asText())) {
                typesOfThisFlow.add(type);
            }
        }
        int validated = records.size();
        assertEquals(
                Set.of(
                        Topics.TENANT_UPSERTED,
                        Topics.API_KEY_UPSERTED,
                        Topics.MERCHANT_UPSERTED,
                        Topics.REGISTER_UPSERTED,
                        Topics.REGISTER_FISCALIZED,
                        Topics.REGISTER_DECOMMISSIONED,
                        Topics.OPERATION_COMPLETED,
                        Topics.OPERATION_VOIDED,
                        Topics.SESSION_CLOSED),
                typesOfThisFlow);
        assertTrue(validated >= 10, "only " + validated + " events validated");
    }

    private static void assertValid(
            Map<String, JsonSchema> cache, String schema, JsonNode node, ConsumerRecord<String, String> r) {
        JsonSchema s = cache.computeIfAbsent(
                schema,
                path -> SCHEMAS.getSchema(
                        EventContractTest.class.getClassLoader().getResourceAsStream(path)));
        Set<ValidationMessage> errors = s.validate(node);
        assertTrue(
                errors.isEmpty(),
                r.topic() + " " + r.key() + " violates " + schema + ": " + errors + " in " + r.value());
    }

    private static JsonSchema schema(Map<String, JsonSchema> cache, String path) {
        return cache.computeIfAbsent(
                path,
                p -> SCHEMAS.getSchema(EventContractTest.class.getClassLoader().getResourceAsStream(p)));
    }

    private static String type(ConsumerRecord<String, String> r) {
        return TopicReader.header(r, Topics.HEADER_EVENT_TYPE);
    }
}
