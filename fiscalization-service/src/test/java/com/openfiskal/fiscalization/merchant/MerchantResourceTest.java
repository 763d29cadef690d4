package com.openfiskal.fiscalization.merchant;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MerchantResourceTest {

    @Test
    void shouldCreateAndReadAMerchantWithEveryDocumentedField() {
        var t = Tenants.create();
        String id = t.as().body(Tenants.merchantBody())
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .header("Location", startsWith("/v1/merchants/merchant_"))
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"))
                .body("id", matchesPattern("^merchant_[0-9A-Z]{26}$"))
                .body("address.line2", nullValue())
                .body("status", equalTo("active"))
                .body("resource_version", equalTo(1))
                .body("created_at", matchesPattern("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"))
                .extract()
                .path("id");
        t.as().get("/v1/merchants/" + id)
                .then()
                .statusCode(200)
                .header("ETag", "\"1\"")
                .body("legal_name", equalTo("Café Morgenrot GmbH"))
                .body("fiscal_identities[0].vat_id", equalTo("DE123456789"));
    }

    @Test
    void shouldEchoAValidRequestIdAndReplaceAnInvalidOne() {
        var t = Tenants.create();
        t.as().header("X-Request-Id", "req_0123456789abcdef0123")
                .get("/v1/merchants")
                .then()
                .header("X-Request-Id", "req_0123456789abcdef0123");
        String id = t.as().header("X-Request-Id", "hello").get("/v1/merchants").header("X-Request-Id");
        assertTrue(id.matches("^req_[0-9a-f]{20}$"));
    }

    @Test
    void shouldPatchOnlyWhatIsSentAndCountVersionsOfVisibleChangesOnly() {
        var t = Tenants.create();
        String id = Tenants.merchant(t);
        t.as().body(Map.of("legal_name", "Café Morgenrot GmbH"))
                .patch("/v1/merchants/" + id)
                .then()
                .statusCode(200)
                .header("ETag", "\"1\"");
        t.as().header("If-Match", "\"1\"")
                .body(Map.of("legal_name", "Morgenrot & Co. KG"))
                .patch("/v1/merchants/" + id)
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("legal_name", equalTo("Morgenrot & Co. KG"))
                .body("fiscal_identities", hasSize(1))
                .body("address.city", equalTo("Berlin"));
        t.as().body(Map.of("fiscal_identities", List.of()))
                .patch("/v1/merchants/" + id)
                .then()
                .statusCode(200)
                .body("fiscal_identities", hasSize(0))
                .body("resource_version", equalTo(3));
    }

    @Test
    void shouldPageNewestFirstWithCursorsBoundToTheirFilters() {
        var t = Tenants.create();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(Tenants.merchant(t));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var req = t.as().queryParam("limit", 2);
            if (cursor != null) {
                req.queryParam("cursor", cursor);
            }
            var page = req.get("/v1/merchants").then().statusCode(200).extract();
            List<String> ids = page.path("data.id");
            seen.addAll(ids);
            cursor = page.path("next_cursor");
            assertEquals(cursor != null, (boolean) page.path("has_more"));
        } while (cursor != null);
        List<String> expected = new ArrayList<>(created);
        java.util.Collections.reverse(expected);
        assertEquals(expected, seen);

        String first = t.as().queryParam("limit", 1).get("/v1/merchants").path("next_cursor");
        t.as().queryParam("limit", 1)
                .queryParam("status", "active")
                .queryParam("cursor", first)
                .get("/v1/merchants")
                .then()
                .statusCode(400)
                .body("details.field", equalTo("cursor"));
        t.as().queryParam("status", "inactive").get("/v1/merchants").then().body("data", hasSize(0));
    }

    @Test
    void shouldSoftDeleteAMerchantWithoutLocations() {
        var t = Tenants.create();
        String id = Tenants.merchant(t);
        t.as().delete("/v1/merchants/" + id).then().statusCode(204);
        t.as().get("/v1/merchants/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        t.as(id).get("/v1/locations").then().statusCode(404);
        t.as().get("/v1/merchants").then().body("data", hasSize(0));
    }

    @Test
    void shouldCountLengthsInUnicodeCodePoints() {
        var t = Tenants.create();
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.put("legal_name", "😀".repeat(255));
        t.as().body(body).post("/v1/merchants").then().statusCode(201).body("legal_name", equalTo("😀".repeat(255)));
        body.put("legal_name", "😀".repeat(256));
        t.as().body(body).post("/v1/merchants").then().statusCode(400).body("details.field", equalTo("/legal_name"));
    }

    @Test
    void shouldCreateAMerchantWithoutFiscalIdentities() {
        var t = Tenants.create();
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.remove("fiscal_identities");
        t.as().body(body).post("/v1/merchants").then().statusCode(201).body("fiscal_identities", hasSize(0));
    }
}
