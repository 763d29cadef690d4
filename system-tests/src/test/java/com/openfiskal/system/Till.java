package com.openfiskal.system;

import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;

/** A register of a tenant on the running platform, with the calls a POS makes. */
record Till(Api api, String merchant, String register) {

    /** Fiscalizes the register and waits until its TSS is provisioned. */
    static void fiscalize(Api api, String merchant, String register) {
        api.on(Platform.fiscalization(), merchant)
                .post("/v1/registers/" + register + "/fiscalize")
                .then()
                .statusCode(202);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> "fiscalized"
                        .equals(api.on(Platform.fiscalization(), merchant)
                                .get("/v1/registers/" + register)
                                .path("fiscalization_status")));
    }

    io.restassured.specification.RequestSpecification on() {
        return api.on(Platform.fiscalization(), merchant);
    }

    void event(String template) {
        on().header("Idempotency-Key", UUID.randomUUID().toString())
                .body(template.formatted(register))
                .post("/v1/operations")
                .then()
                .statusCode(201);
    }

    String create(String json) {
        return api.operation(Platform.fiscalization(), merchant, json);
    }

    /** Café Latte ×2 with 10 % off (19 %), a croissant (7 %), a 0.96 tip: 13.81 in all. */
    String sale() {
        return create("""
                {"type":"SALE","source":"POS","register_id":"%s","currency":"EUR",
                 "pretax_amount":"11.00","tax_amount":"1.85","tip_amount":"0.96","total_amount":"13.81",
                 "cart_level_discounts":[{"description":"Stammkunde 10 %%","amount":"1.19"}],
                 "operator":{"id":"U7","name":"Mia Becker"},
                 "line_items":[
                   {"title":"Café Latte","quantity":2,"unit_price":"5.95","total_amount":"10.71","article_number":"A-1",
                    "taxes":[{"rate":"0.19","tax_amount":"1.71"}]},
                   {"title":"Croissant","quantity":1,"unit_price":"2.14","total_amount":"2.14",
                    "taxes":[{"rate":"0.07","tax_amount":"0.14"}]}]}""".formatted(register));
    }

    /** Completes the operation (200) and returns the answer, with its fiscal_information. */
    io.restassured.response.Response complete(String id, String payments) {
        return on().header("Idempotency-Key", UUID.randomUUID().toString())
                .header("If-Match", "\"1\"")
                .body(payments)
                .patch("/v1/operations/" + id + "/complete")
                .then()
                .statusCode(200)
                .extract()
                .response();
    }
}
