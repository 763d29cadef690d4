package com.openfiskal.fiscalization.contract;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.fiscalization.support.Tenants.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every error code this slice can produce: status, code, retryable and X-Request-Id (API.md §2.12). */
@QuarkusTest
class ErrorCatalogueTest {

    private Tenant t;
    private String merchant;

    @BeforeEach
    void setUp() {
        t = Tenants.create();
        merchant = Tenants.merchant(t);
    }

    // --- 400 invalid_request ------------------------------------------------------------------------

    @Test
    void shouldRejectMalformedJson() {
        assertError(t.as().body("{\"legal_name\": ").post("/v1/merchants"), 400, "invalid_request");
    }

    @Test
    void shouldRejectAJsonNumberWhereAStringBelongsAndNameTheField() {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put("legal_name", 42);
        assertError(t.as().body(body).post("/v1/merchants"), 400, "invalid_request")
                .body("details.field", equalTo("/legal_name"));
    }

    @Test
    void shouldRejectAMissingRequiredFieldAndNameIt() {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.remove("address");
        assertError(t.as().body(body).post("/v1/merchants"), 400, "invalid_request")
                .body("details.field", equalTo("/address"));
    }

    @Test
    void shouldRejectANestedFieldOfTheWrongFormat() {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put("address", Map.of("line1", "x", "city", "Berlin", "postal_code", "1", "country_code", "DE"));
        assertError(t.as().body(body).post("/v1/merchants"), 400, "invalid_request")
                .body("details.field", equalTo("/address/country_code"));
    }

    @Test
    void shouldIgnoreUnknownAndReadOnlyFields() {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put("id", "merchant_01KJPW4BTC6JDT18FS53HZ5RKC");
        body.put("status", "inactive");
        body.put("whatever", List.of(1, 2));
        t.as().body(body).post("/v1/merchants").then().statusCode(201).body("status", equalTo("active"));
    }

    @Test
    void shouldRejectAnIdWithTheWrongPrefix() {
        assertError(t.as().get("/v1/merchants/loc_01KJPW4BTC6JDT18FS53HZ5RKC"), 400, "invalid_request")
                .body("details.field", equalTo("id"));
        assertError(t.as(merchant).get("/v1/registers/reg_123"), 400, "invalid_request");
    }

    @Test
    void shouldRejectAWrongContentType() {
        assertError(
                given().header("Authorization", "Bearer " + t.key())
                        .contentType(ContentType.TEXT)
                        .body("legal_name=x")
                        .post("/v1/merchants"),
                400,
                "invalid_request");
    }

    @Test
    void shouldRejectABodyWithoutAnyContentType() {
        assertError(
                        given().header("Authorization", "Bearer " + t.key())
                                .noContentType()
                                .body(new com.fasterxml.jackson.databind.ObjectMapper()
                                        .valueToTree(Tenants.merchantBody())
                                        .toString()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .post("/v1/merchants"),
                        400,
                        "invalid_request")
                .body("details.field", equalTo("Content-Type"));
        t.as().get("/v1/merchants").then().body("data.size()", equalTo(1));
    }

    @Test
    void shouldRequireTheMerchantHeaderOnMerchantScopedEndpoints() {
        assertError(t.as().get("/v1/locations"), 400, "invalid_request")
                .body("details.field", equalTo("X-OpenFiskal-Merchant"));
        assertError(t.as("loc_01KJPW4BTC6JDT18FS53HZ5RKC").get("/v1/locations"), 400, "invalid_request")
                .body("details.field", equalTo("X-OpenFiskal-Merchant"));
    }

    @Test
    void shouldRejectAMalformedIfMatch() {
        for (String ifMatch : List.of("*", "W/\"1\"", "1", "\"01\"", "\"1\", \"2\"")) {
            assertError(
                            t.as().header("If-Match", ifMatch)
                                    .body(Map.of("legal_name", "X"))
                                    .patch("/v1/merchants/" + merchant),
                            400,
                            "invalid_request")
                    .body("details.field", equalTo("If-Match"));
        }
    }

    @Test
    void shouldRejectALimitOutOfRangeAndAForeignCursor() {
        assertError(t.as().queryParam("limit", 0).get("/v1/merchants"), 400, "invalid_request");
        assertError(t.as().queryParam("limit", 201).get("/v1/merchants"), 400, "invalid_request");
        assertError(t.as().queryParam("limit", "ten").get("/v1/merchants"), 400, "invalid_request");
        assertError(t.as().queryParam("cursor", "not-a-cursor").get("/v1/merchants"), 400, "invalid_request")
                .body("details.field", equalTo("cursor"));
    }

    @Test
    void shouldRejectAnUnknownEnumValue() {
        assertError(t.as().queryParam("status", "paused").get("/v1/merchants"), 400, "invalid_request");
        assertError(t.as().body(Map.of("status", "paused")).patch("/v1/merchants/" + merchant), 400, "invalid_request")
                .body("details.field", equalTo("/status"));
    }

    @Test
    void shouldRejectAnUnknownTimezone() {
        Map<String, Object> body = new HashMap<>(Tenants.locationBody());
        body.put("timezone", "Europe/Atlantis");
        assertError(t.as(merchant).body(body).post("/v1/locations"), 400, "invalid_request")
                .body("details.field", equalTo("/timezone"));
    }

    @Test
    void shouldRejectChangingTheCountryCode() {
        assertError(
                        t.as().body(Map.of("country_code", "AUT")).patch("/v1/merchants/" + merchant),
                        400,
                        "invalid_request")
                .body("details.field", equalTo("/country_code"));
    }

    @Test
    void shouldAnswer405WithAllowForAKnownPathAndAnUnsupportedMethod() {
        assertError(t.as().put("/v1/merchants"), 405, "invalid_request").header("Allow", notNullValue());
    }

    @Test
    void shouldAnswer413ForABodyOverOneMebibyte() {
        String huge = "{\"legal_name\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        assertError(t.as().body(huge).post("/v1/merchants"), 413, "invalid_request");
    }

    // --- 401 unauthorized ---------------------------------------------------------------------------

    @Test
    void shouldAnswer401ForEveryKindOfBadCredential() {
        assertError(given().get("/v1/merchants"), 401, "unauthorized")
                .body("message", equalTo("Authentication failed."));
        assertError(given().header("Authorization", "Basic abc").get("/v1/merchants"), 401, "unauthorized");
        assertError(
                given().header("Authorization", "Bearer of_test_deu_short").get("/v1/merchants"), 401, "unauthorized");
        assertError(
                given().header("Authorization", "Bearer of_test_deu_" + "A".repeat(32))
                        .get("/v1/merchants"),
                401,
                "unauthorized");
    }

    @Test
    void shouldMatchTheBearerSchemeCaseInsensitively() {
        given().header("Authorization", "bEaReR " + t.key())
                .get("/v1/merchants")
                .then()
                .statusCode(200);
    }

    @Test
    void shouldRefuseAKeyOfTheOtherEnvironment() {
        Tenant live = Tenants.withKey(t.id(), "live", "DEU");
        assertError(live.as().get("/v1/merchants"), 401, "unauthorized");
    }

    @Test
    void shouldRefuseARevokedKey() {
        given().header("Authorization", Tenants.ADMIN)
                .delete("/admin/v1/tenants/" + t.id() + "/api-keys/" + t.keyId())
                .then()
                .statusCode(204);
        assertError(t.as().get("/v1/merchants"), 401, "unauthorized");
    }

    // --- 403 forbidden ------------------------------------------------------------------------------

    @Test
    void shouldForbidACountryOutsideTheKeyScope() {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put("country_code", "AUT");
        body.put("address", Map.of("line1", "Ring 1", "city", "Wien", "postal_code", "1010", "country_code", "AUT"));
        body.remove("fiscal_identities");
        assertError(t.as().body(body).post("/v1/merchants"), 403, "forbidden");

        Tenant austrian = Tenants.withKey(t.id(), "test", "AUT");
        assertError(austrian.as().get("/v1/merchants/" + merchant), 403, "forbidden");
        assertError(austrian.as(merchant).get("/v1/locations"), 403, "forbidden");
        Map<String, Object> loc = new HashMap<>(Tenants.locationBody());
        loc.put("country_code", "AUT");
        assertError(t.as(merchant).body(loc).post("/v1/locations"), 403, "forbidden");
    }

    // --- 404 not_found ------------------------------------------------------------------------------

    @Test
    void shouldAnswer404ForUnknownRoutesAndIds() {
        assertError(t.as().get("/v1/nothing-here"), 404, "not_found");
        assertError(given().get("/nothing"), 404, "not_found");
        assertError(t.as().get("/v1/merchants/merchant_01KJPW4BTC6JDT18FS53HZ5RKC"), 404, "not_found");
        assertError(t.as("merchant_01KJPW4BTC6JDT18FS53HZ5RKC").get("/v1/locations"), 404, "not_found");
        assertError(t.as(merchant).get("/v1/locations/loc_01KJPW5YA6070DD3J99KBW8J6D"), 404, "not_found");
        assertError(
                t.as(merchant)
                        .body(Map.of("location_id", "loc_01KJPW5YA6070DD3J99KBW8J6D", "name", "K"))
                        .post("/v1/registers"),
                404,
                "not_found");
    }

    // --- 409 ----------------------------------------------------------------------------------------

    @Test
    void shouldRefuseToDeleteAMerchantWithLocations() {
        Tenants.location(t, merchant);
        assertError(t.as().delete("/v1/merchants/" + merchant), 409, "conflict");
    }

    @Test
    void shouldKeepAnInactiveMerchantReadOnly() {
        t.as().body(Map.of("status", "inactive"))
                .patch("/v1/merchants/" + merchant)
                .then()
                .statusCode(200);
        assertError(t.as(merchant).body(Tenants.locationBody()).post("/v1/locations"), 409, "conflict");
        t.as(merchant).get("/v1/locations").then().statusCode(200);
    }

    @Test
    void shouldRefuseToDeleteALocationWithRegisters() {
        String location = Tenants.location(t, merchant);
        Tenants.register(t, merchant, location);
        assertError(t.as(merchant).delete("/v1/locations/" + location), 409, "location_has_registers");
    }

    // --- 412 ----------------------------------------------------------------------------------------

    @Test
    void shouldAnswer412ForAStaleIfMatch() {
        t.as().body(Map.of("legal_name", "Neu GmbH"))
                .patch("/v1/merchants/" + merchant)
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"");
        assertError(
                        t.as().header("If-Match", "\"1\"")
                                .body(Map.of("legal_name", "Alt GmbH"))
                                .patch("/v1/merchants/" + merchant),
                        412,
                        "precondition_failed")
                .body("details.expected_resource_version", equalTo(1))
                .body("details.current_resource_version", equalTo(2));
        t.as().get("/v1/merchants/" + merchant).then().body("legal_name", equalTo("Neu GmbH"));
    }

    // --- 422 validation_error -----------------------------------------------------------------------

    @Test
    void shouldNameTheViolatedRuleOnEvery422() {
        Map<String, Object> mismatch = new HashMap<>(Tenants.merchantBody());
        mismatch.put(
                "address", Map.of("line1", "Ring 1", "city", "Wien", "postal_code", "1010", "country_code", "AUT"));
        assertError(t.as().body(mismatch).post("/v1/merchants"), 422, "validation_error")
                .body("details.rule", equalTo("address_country_mismatch"));

        assertRule(
                List.of(Map.of("country_code", "AUT", "tax_number", "2981508150", "vat_id", "DE123456789")),
                "fiscal_identity_country_unsupported");
        assertRule(
                List.of(Map.of("country_code", "DEU", "tax_number", "29/815", "vat_id", "DE123456789")),
                "tax_number_invalid");
        assertRule(
                List.of(Map.of("country_code", "DEU", "tax_number", "29/815/08150", "vat_id", "DE12345678")),
                "vat_id_invalid");
        assertRule(
                List.of(
                        Map.of("country_code", "DEU", "tax_number", "29/815/08150", "vat_id", "DE123456789"),
                        Map.of("country", "DEU", "tax_number", "29/815/08150", "vat_id", "DE123456789")),
                "fiscal_identity_duplicate");

        Map<String, Object> austrianMerchant = new HashMap<>(Tenants.merchantBody());
        austrianMerchant.put("country_code", "AUT");
        austrianMerchant.put(
                "address", Map.of("line1", "Ring 1", "city", "Wien", "postal_code", "1010", "country_code", "AUT"));
        Tenant austrian = Tenants.withKey(t.id(), "test", "AUT");
        assertError(austrian.as().body(austrianMerchant).post("/v1/merchants"), 422, "validation_error")
                .body("details.rule", equalTo("fiscal_identity_country_mismatch"));
    }

    @Test
    void shouldAcceptCountryAsAnAliasOfCountryCode() {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put(
                "fiscal_identities",
                List.of(Map.of("country", "DEU", "tax_number", "2981508150", "vat_id", "DE123456789")));
        t.as().body(body)
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .body("fiscal_identities[0].country_code", equalTo("DEU"));
    }

    private void assertRule(List<Map<String, Object>> identities, String rule) {
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put("fiscal_identities", identities);
        assertError(t.as().body(body).post("/v1/merchants"), 422, "validation_error")
                .body("details.rule", equalTo(rule));
    }
}
