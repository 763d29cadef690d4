package com.openfiskal.fiscalization.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.fiscalization.support.Tenants.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated bad requests across the merchant, location and register endpoints: random and truncated JSON,
 * wrong types, huge and unicode strings, missing or garbage headers, wrong ids. None may produce a 5xx,
 * every answer must be a valid envelope, and none may create anything.
 */
@QuarkusTest
class RobustnessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 1200;

    @Test
    void shouldAnswerEveryBadRequestWithAnEnvelopeAndChangeNothing() throws Exception {
        Tenant t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String location = Tenants.location(t, merchant);
        String register = Tenants.register(t, merchant, location);
        String before = snapshot(t, merchant);

        Random random = new Random(20261122L);
        List<String> paths = List.of(
                "/v1/merchants",
                "/v1/merchants/" + merchant,
                "/v1/locations",
                "/v1/locations/" + location,
                "/v1/registers",
                "/v1/registers/" + register);
        // wrong prefixes, unknown and malformed ids: the only targets of DELETE, which has no body to spoil
        List<String> badPaths = List.of(
                "/v1/merchants/merchant_" + "Z".repeat(26),
                "/v1/locations/reg_01KJPW8P00S2NPZ59C22QQK9F9",
                "/v1/registers/" + register.toLowerCase(),
                "/v1/registers/%00",
                "/v1/merchants/%C3%BCn%C3%AFc%C3%B6d%C3%A9",
                "/v1/locations/" + merchant,
                "/v1/registers/reg_01KJPW8P00S2NPZ59C22QQK9F9");
        int checked = 0;
        for (int i = 0; i < REQUESTS; i++) {
            String method = List.of("POST", "PATCH", "GET", "DELETE", "PUT").get(random.nextInt(5));
            String path = method.equals("DELETE") || random.nextInt(4) == 0
                    ? badPaths.get(random.nextInt(badPaths.size()))
                    : paths.get(random.nextInt(paths.size()));
            String body = badBody(random);
            RequestSpecification req = given().urlEncodingEnabled(false);
            switch (random.nextInt(6)) {
                case 0 -> {}
                case 1 -> req.header("Authorization", garbage(random));
                case 2 -> req.header("Authorization", "Bearer " + garbage(random));
                default -> req.header("Authorization", "Bearer " + t.key());
            }
            switch (random.nextInt(4)) {
                case 0 -> req.header("X-OpenFiskal-Merchant", garbage(random));
                case 1 -> {}
                default -> req.header("X-OpenFiskal-Merchant", merchant);
            }
            if (random.nextInt(4) == 0) {
                req.header("If-Match", garbage(random));
            }
            if (random.nextInt(3) == 0) {
                req.header("X-Request-Id", garbage(random));
            }
            req.header("Content-Type", random.nextInt(8) == 0 ? "text/plain" : "application/json");
            if (!method.equals("GET") && !method.equals("DELETE")) {
                req.body(body);
            }
            Response r = req.request(method, path);
            if (isSuccess(r, method)) {
                continue;
            }
            assertTrue(
                    r.statusCode() < 500,
                    method + " " + path + " with " + abbreviate(body) + " gave " + r.statusCode() + ": "
                            + r.asString());
            JsonNode envelope = JSON.readTree(r.asString());
            assertTrue(envelope.path("code").isTextual(), "no code in " + r.asString());
            assertTrue(envelope.path("message").isTextual(), "no message in " + r.asString());
            assertTrue(envelope.path("retryable").isBoolean(), "no retryable in " + r.asString());
            assertEquals(
                    r.statusCode() == 429 || r.statusCode() == 412,
                    envelope.path("retryable").asBoolean());
            assertTrue(r.header("X-Request-Id").matches("^req_[0-9a-f]{20}$"));
            checked++;
        }
        assertTrue(checked >= 1000, "only " + checked + " requests were rejected");
        assertEquals(before, snapshot(t, merchant), "a bad request changed something");
    }

    /**
     * A GET may succeed, and so may a PATCH whose fields are all unknown (they are ignored, API.md §2.4):
     * the final snapshot proves that it changed nothing. Anything else succeeding is a defect.
     */
    private static boolean isSuccess(Response r, String method) {
        if (r.statusCode() >= 200 && r.statusCode() < 300) {
            if (method.equals("GET") || method.equals("PATCH")) {
                return true;
            }
            throw new AssertionError(method + " with a bad body succeeded: " + r.statusCode() + " " + r.asString());
        }
        return false;
    }

    private static String snapshot(Tenant t, String merchant) {
        return t.as().get("/v1/merchants").asString()
                + t.as(merchant).get("/v1/locations").asString()
                + t.as(merchant).get("/v1/registers").asString();
    }

    private static String badBody(Random r) throws Exception {
        Map<String, Object> valid = new java.util.HashMap<>(
                switch (r.nextInt(3)) {
                    case 0 -> Tenants.merchantBody();
                    case 1 -> Tenants.locationBody();
                    default -> Map.of("location_id", "loc_01KJPW5YA6070DD3J99KBW8J6D", "name", "Kasse");
                });
        String json = JSON.writeValueAsString(valid);
        // Every object body also carries a wrong-typed name and legal_name, so that no body is a valid
        // PATCH of any of the three resources, whatever else the variant spoils.
        String poisoned = json.substring(0, json.length() - 1) + ",\"name\":123,\"legal_name\":false}";
        return switch (r.nextInt(9)) {
            case 0 -> json.substring(0, r.nextInt(json.length()));
            case 1 -> garbage(r);
            case 2 -> "[" + json + "]";
            case 3 -> poisoned.replace("\"Berlin\"", "12345").replace("\"Kasse\"", "true");
            case 4 -> poisoned.replace("DEU", "DE").replace("Europe/Berlin", "Mars/Olympus");
            case 5 -> poisoned.replace("Oranienstraße 12", "x".repeat(70_000)).replace("Kasse", "😀".repeat(300));
            case 6 ->
                poisoned.replace("Filiale Kreuzberg", "")
                        .replace("loc_", "reg_")
                        .replace("\"Berlin\"", "\"\"");
            case 7 -> "{\"legal_name\": null, \"address\": {\"line1\": [1,2]}, \"status\": \"paused\"}";
            default -> "{\"name\": {\"nested\": {\"deep\": " + "[".repeat(50) + "]".repeat(50) + "}}}";
        };
    }

    private static String garbage(Random r) {
        int len = r.nextInt(60);
        StringBuilder sb = new StringBuilder();
        String alphabet = "abcXYZ019_-{}[]\":,ü€😀\\ ";
        for (int i = 0; i < len; i++) {
            sb.appendCodePoint(alphabet.codePointAt(
                    alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
