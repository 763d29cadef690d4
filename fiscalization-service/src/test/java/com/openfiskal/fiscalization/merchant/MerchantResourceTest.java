package com.openfiskal.fiscalization.merchant;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MerchantResourceTest {

    @Test
    void shouldCreateAndReadAMerchant() {
        var t = Tenants.create();
        String id = t.as().body(Tenants.merchantBody()).post("/v1/merchants").then()
                .statusCode(201)
                .header("ETag", "\"1\"")
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"))
                .body("id", matchesPattern("^merchant_[0-9A-Z]{26}$"))
                .body("address.line2", nullValue())
                .body("status", equalTo("active"))
                .extract().path("id");
        t.as().get("/v1/merchants/" + id).then().statusCode(200)
                .body("legal_name", equalTo("Café Morgenrot GmbH"))
                .body("fiscal_identities[0].vat_id", equalTo("DE123456789"));
    }
}
