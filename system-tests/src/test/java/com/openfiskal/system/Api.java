package com.openfiskal.system;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;

/** A tenant with an API key, made through the admin API of the running platform. */
record Api(String tenantId, String keyId, String key) {

    static Api newTenant() {
        String tenant = given().baseUri(Platform.fiscalization())
                .header("Authorization", "Bearer " + Platform.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "System test tenant"))
                .post("/admin/v1/tenants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        var key = given().baseUri(Platform.fiscalization())
                .header("Authorization", "Bearer " + Platform.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("environment", "test", "country", "DEU"))
                .post("/admin/v1/tenants/" + tenant + "/api-keys")
                .then()
                .statusCode(201)
                .extract();
        return new Api(tenant, key.path("id"), key.path("secret"));
    }

    void revoke() {
        given().baseUri(Platform.fiscalization())
                .header("Authorization", "Bearer " + Platform.ADMIN_TOKEN)
                .delete("/admin/v1/tenants/" + tenantId + "/api-keys/" + keyId)
                .then()
                .statusCode(204);
    }

    RequestSpecification on(String baseUri) {
        return given().baseUri(baseUri).header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    RequestSpecification on(String baseUri, String merchant) {
        return on(baseUri).header("X-OpenFiskal-Merchant", merchant);
    }

    String merchant() {
        return on(Platform.fiscalization())
                .body(Map.of(
                        "legal_name",
                        "Café Morgenrot GmbH",
                        "country_code",
                        "DEU",
                        "address",
                        Map.of(
                                "line1",
                                "Oranienstraße 12",
                                "city",
                                "Berlin",
                                "postal_code",
                                "10999",
                                "country_code",
                                "DEU"),
                        "fiscal_identities",
                        List.of(Map.of("country_code", "DEU", "tax_number", "29/815/08150", "vat_id", "DE123456789"))))
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    String location(String merchant) {
        return on(Platform.fiscalization(), merchant)
                .body(Map.of(
                        "name",
                        "Filiale",
                        "country_code",
                        "DEU",
                        "timezone",
                        "Europe/Berlin",
                        "address",
                        Map.of(
                                "line1",
                                "Oranienstraße 12",
                                "city",
                                "Berlin",
                                "postal_code",
                                "10999",
                                "country_code",
                                "DEU")))
                .post("/v1/locations")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    String register(String merchant, String location) {
        return on(Platform.fiscalization(), merchant)
                .body(Map.of("location_id", location, "name", "Kasse 1"))
                .post("/v1/registers")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Creates an operation through the fiscalization-service at {@code baseUri}; its id. */
    String operation(String baseUri, String merchant, String json) {
        return on(baseUri, merchant)
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .body(json)
                .post("/v1/operations")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
