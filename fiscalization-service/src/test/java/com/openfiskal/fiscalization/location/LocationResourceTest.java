package com.openfiskal.fiscalization.location;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LocationResourceTest {

    @Test
    void shouldCreatePatchListAndDeleteALocation() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String id = t.as(merchant)
                .body(Tenants.locationBody())
                .post("/v1/locations")
                .then()
                .statusCode(201)
                .header("Location", startsWith("/v1/locations/loc_"))
                .header("ETag", "\"1\"")
                .body("merchant_id", equalTo(merchant))
                .body("timezone", equalTo("Europe/Berlin"))
                .extract()
                .path("id");
        t.as(merchant)
                .body(Map.of("name", "Filiale Neukölln", "timezone", "Europe/Busingen"))
                .patch("/v1/locations/" + id)
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("name", equalTo("Filiale Neukölln"))
                .body("timezone", equalTo("Europe/Busingen"))
                .body("address.city", equalTo("Berlin"));
        t.as(merchant).get("/v1/locations").then().statusCode(200).body("data", hasSize(1));
        t.as(merchant).delete("/v1/locations/" + id).then().statusCode(204);
        t.as(merchant).get("/v1/locations/" + id).then().statusCode(404);
    }

    @Test
    void shouldAllowDeletingALocationOnceItsRegistersAreGone() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String location = Tenants.location(t, merchant);
        String register = Tenants.register(t, merchant, location);
        t.as(merchant)
                .delete("/v1/locations/" + location)
                .then()
                .statusCode(409)
                .body("code", equalTo("location_has_registers"));
        t.as(merchant).delete("/v1/registers/" + register).then().statusCode(204);
        t.as(merchant).delete("/v1/locations/" + location).then().statusCode(204);
    }

    @Test
    void shouldRejectAnAddressOutsideTheLocationsCountry() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String id = Tenants.location(t, merchant);
        t.as(merchant)
                .body(Map.of(
                        "address",
                        Map.of("line1", "Ring 1", "city", "Wien", "postal_code", "1010", "country_code", "AUT")))
                .patch("/v1/locations/" + id)
                .then()
                .statusCode(422)
                .body("details.rule", equalTo("address_country_mismatch"));
    }
}
