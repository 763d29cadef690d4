package com.openfiskal.system;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;

import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second tenant's key cannot read, list, change or delete the first tenant's merchants, locations or
 * registers — 404, as if they did not exist — in all three services (API.md §2.2).
 */
class TenantIsolationIT {

    static Api owner;
    static Api intruder;
    static String merchant;
    static String location;
    static String register;

    @BeforeAll
    static void setUp() {
        owner = Api.newTenant();
        intruder = Api.newTenant();
        merchant = owner.merchant();
        location = owner.location(merchant);
        register = owner.register(merchant, location);
        intruder.merchant();
    }

    @Test
    void shouldHideEveryMerchantScopedResourceOfAnotherTenantInTheFiscalizationService() {
        String f = Platform.fiscalization();
        notFound(intruder.on(f).get("/v1/merchants/" + merchant));
        notFound(intruder.on(f).body(Map.of("legal_name", "Stolen")).patch("/v1/merchants/" + merchant));
        notFound(intruder.on(f).delete("/v1/merchants/" + merchant));
        intruder.on(f)
                .get("/v1/merchants")
                .then()
                .statusCode(200)
                .body("data.id", hasSize(1))
                .body("data.id[0]", org.hamcrest.Matchers.not(equalTo(merchant)));

        for (String path :
                List.of("/v1/locations", "/v1/registers", "/v1/locations/" + location, "/v1/registers/" + register)) {
            notFound(intruder.on(f, merchant).get(path));
        }
        notFound(intruder.on(f, merchant).body(Map.of("name", "x")).patch("/v1/locations/" + location));
        notFound(intruder.on(f, merchant).delete("/v1/registers/" + register));

        String ownMerchant = intruder.on(f).get("/v1/merchants").path("data.id[0]");
        notFound(intruder.on(f, ownMerchant).get("/v1/locations/" + location));
        notFound(intruder.on(f, ownMerchant).get("/v1/registers/" + register));
        notFound(intruder.on(f, ownMerchant).body(Map.of("name", "x")).patch("/v1/registers/" + register));
        notFound(intruder.on(f, ownMerchant).delete("/v1/locations/" + location));
        notFound(intruder.on(f, ownMerchant)
                .body(Map.of("location_id", location, "name", "K"))
                .post("/v1/registers"));
        intruder.on(f, ownMerchant).get("/v1/registers").then().statusCode(200).body("data", hasSize(0));

        owner.on(f)
                .get("/v1/merchants/" + merchant)
                .then()
                .statusCode(200)
                .body("legal_name", equalTo("Café Morgenrot GmbH"));
        owner.on(f, merchant).get("/v1/registers/" + register).then().statusCode(200);
    }

    @Test
    void shouldHideAnotherTenantsMerchantInTheExportAndReceiptsServices() {
        for (String base : List.of(Platform.export(), Platform.receipts())) {
            String path =
                    base.equals(Platform.export()) ? "/v1/exports" : "/v1/receipts/rcpt_01KKNXF92M4PQBMJDKYXCNX67C";
            // the owner's key and merchant are replicated first, so a 404 below cannot be mere lag
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            ownerSees(base, path) && intruder.on(base).get(path).statusCode() != 401);
            notFound(intruder.on(base, merchant).get(path));
            intruder.on(base, merchant).get(path).then().body("message", equalTo("Merchant not found."));
        }
    }

    /** The owner's merchant is replicated: its own list of exports, or "Receipt not found" (not "Merchant"). */
    private boolean ownerSees(String base, String path) {
        Response r = owner.on(base, merchant).get(path);
        return base.equals(Platform.export())
                ? r.statusCode() == 200
                : r.statusCode() == 404 && "Receipt not found.".equals(r.path("message"));
    }

    private static void notFound(Response r) {
        r.then()
                .statusCode(404)
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"))
                .body("code", equalTo("not_found"))
                .body("retryable", equalTo(false));
    }
}
