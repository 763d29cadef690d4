package com.openfiskal.fiscalization.tenant;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AdminResourceTest {

    @Inject
    KeyUsage usage;

    @Test
    void shouldRequireTheAdminToken() {
        assertError(
                given().contentType(ContentType.JSON).body(Map.of("name", "x")).post("/admin/v1/tenants"),
                401,
                "unauthorized");
        assertError(
                given().header("Authorization", "Bearer wrong")
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", "x"))
                        .post("/admin/v1/tenants"),
                401,
                "unauthorized");
        var t = Tenants.create();
        assertError(
                given().header("Authorization", "Bearer " + t.key()).get("/admin/v1/tenants/" + t.id() + "/api-keys"),
                401,
                "unauthorized");
    }

    @Test
    void shouldIssueAKeyWhoseSecretIsShownOnceAndListKeysWithoutSecrets() {
        var t = Tenants.create();
        given().header("Authorization", Tenants.ADMIN)
                .contentType(ContentType.JSON)
                .body(Map.of("environment", "test", "country", "DEU"))
                .post("/admin/v1/tenants/" + t.id() + "/api-keys")
                .then()
                .statusCode(201)
                .body("id", startsWith("key_"))
                .body("secret", matchesPattern("^of_test_deu_[A-Za-z0-9]{32}$"))
                .body("display_prefix", matchesPattern("^of_test_deu_[A-Za-z0-9]{4}…$"))
                .body("status", equalTo("active"));
        given().header("Authorization", Tenants.ADMIN)
                .get("/admin/v1/tenants/" + t.id() + "/api-keys")
                .then()
                .statusCode(200)
                .body("data", hasSize(2))
                .body("data.secret", everyItem(nullValue()));
    }

    @Test
    void shouldShowWhenEachKeyWasLastUsed() {
        var t = Tenants.create();
        var unused = Tenants.withKey(t.id(), "test", "DEU");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        given().header("Authorization", "Bearer " + t.key())
                .get("/v1/merchants")
                .then()
                .statusCode(200);
        usage.flush().await().indefinitely();
        var keys = given().header("Authorization", Tenants.ADMIN)
                .get("/admin/v1/tenants/" + t.id() + "/api-keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String used = keys.getString("data.find { it.id == '" + t.keyId() + "' }.last_used_at");
        assertNotNull(used, "the key that made a request");
        assertFalse(Instant.parse(used).isBefore(before), used);
        assertNull(keys.getString("data.find { it.id == '" + unused.keyId() + "' }.last_used_at"), "never used");
    }

    @Test
    void shouldValidateAdminInputAndAnswer404ForUnknownTenantsAndKeys() {
        assertError(
                given().header("Authorization", Tenants.ADMIN)
                        .contentType(ContentType.JSON)
                        .body(Map.of("name", ""))
                        .post("/admin/v1/tenants"),
                400,
                "invalid_request");
        assertError(
                given().header("Authorization", Tenants.ADMIN)
                        .contentType(ContentType.JSON)
                        .body(Map.of("environment", "prod", "country", "DEU"))
                        .post("/admin/v1/tenants/ten_01KJPTZ8Q4M0V6C2R7X9N3B5D1/api-keys"),
                400,
                "invalid_request");
        assertError(
                given().header("Authorization", Tenants.ADMIN)
                        .contentType(ContentType.JSON)
                        .body(Map.of("environment", "test", "country", "DEU"))
                        .post("/admin/v1/tenants/ten_01KJPTZ8Q4M0V6C2R7X9N3B5D1/api-keys"),
                404,
                "not_found");
        var t = Tenants.create();
        assertError(
                given().header("Authorization", Tenants.ADMIN)
                        .delete("/admin/v1/tenants/" + t.id() + "/api-keys/key_01KJPTZ8Q4M0V6C2R7X9N3B5D1"),
                404,
                "not_found");
    }
}
