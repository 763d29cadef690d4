package com.openfiskal.fiscalization.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** Test tenants with API keys, made through the admin API as an operator would. */
public final class Tenants {

    public static final String ADMIN = "Bearer test-admin-token";

    public record Tenant(String id, String key, String keyId) {

        public RequestSpecification as() {
            return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
        }

        public RequestSpecification as(String merchantId) {
            return as().header("X-OpenFiskal-Merchant", merchantId);
        }
    }

    private Tenants() {}

    public static Tenant create() {
        return create("test", "DEU");
    }

    public static Tenant create(String environment, String country) {
        String id = given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Tenant " + System.nanoTime()))
                .post("/admin/v1/tenants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return withKey(id, environment, country);
    }

    public static Tenant withKey(String tenantId, String environment, String country) {
        var r = given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body(Map.of("environment", environment, "country", country))
                .post("/admin/v1/tenants/" + tenantId + "/api-keys")
                .then()
                .statusCode(201)
                .extract();
        return new Tenant(tenantId, r.path("secret"), r.path("id"));
    }

    public static Map<String, Object> merchantBody() {
        return Map.of(
                "legal_name",
                "Café Morgenrot GmbH",
                "country_code",
                "DEU",
                "address",
                Map.of("line1", "Oranienstraße 12", "city", "Berlin", "postal_code", "10999", "country_code", "DEU"),
                "fiscal_identities",
                java.util.List.of(
                        Map.of("country_code", "DEU", "tax_number", "29/815/08150", "vat_id", "DE123456789")));
    }

    public static Map<String, Object> locationBody() {
        return Map.of(
                "name",
                "Filiale Kreuzberg",
                "country_code",
                "DEU",
                "timezone",
                "Europe/Berlin",
                "address",
                Map.of("line1", "Oranienstraße 12", "city", "Berlin", "postal_code", "10999", "country_code", "DEU"));
    }

    public static String merchant(Tenant t) {
        return t.as().body(merchantBody())
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    public static String location(Tenant t, String merchantId) {
        return t.as(merchantId)
                .body(locationBody())
                .post("/v1/locations")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Polls the register until the background fiscalization reaches {@code status}; its last representation. */
    public static io.restassured.response.Response awaitFiscalizationStatus(
            Tenant t, String merchant, String register, String status) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(15))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> status.equals(
                        t.as(merchant).get("/v1/registers/" + register).path("fiscalization_status")));
        return t.as(merchant).get("/v1/registers/" + register);
    }

    public static String register(Tenant t, String merchantId, String locationId) {
        return t.as(merchantId)
                .body(Map.of("location_id", locationId, "name", "Kasse 1", "external_id", "POS-001"))
                .post("/v1/registers")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
