package com.openfiskal.fiscalization.register;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RegisterResourceTest {

    @Test
    void shouldCreateARegisterThatIsNotFiscalizedWithEveryFiscalizationFieldNull() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String location = Tenants.location(t, merchant);
        String id = Tenants.register(t, merchant, location);
        t.as(merchant)
                .get("/v1/registers/" + id)
                .then()
                .statusCode(200)
                .header("ETag", "\"1\"")
                .body("location_id", equalTo(location))
                .body("external_id", equalTo("POS-001"))
                .body("status", equalTo("active"))
                .body("fiscalization_status", equalTo("not_fiscalized"))
                .body("fiscalization.regime", nullValue())
                .body("fiscalization.tss_serial_number", nullValue())
                .body("fiscalization.error", nullValue())
                .body("open_session_id", nullValue());
    }

    @Test
    void shouldMoveAnUnfiscalizedRegisterAndFilterTheList() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String a = Tenants.location(t, merchant);
        String b = Tenants.location(t, merchant);
        String id = Tenants.register(t, merchant, a);
        Tenants.register(t, merchant, a);
        t.as(merchant)
                .body(Map.of("location_id", b, "status", "inactive"))
                .patch("/v1/registers/" + id)
                .then()
                .statusCode(200)
                .header("ETag", "\"2\"")
                .body("location_id", equalTo(b))
                .body("status", equalTo("inactive"));
        t.as(merchant).queryParam("location_id", b).get("/v1/registers").then().body("data", hasSize(1));
        t.as(merchant)
                .queryParam("status", "active")
                .get("/v1/registers")
                .then()
                .body("data", hasSize(1));
        t.as(merchant)
                .queryParam("fiscalization_status", "not_fiscalized")
                .get("/v1/registers")
                .then()
                .body("data", hasSize(2));
    }

    @Test
    void shouldNotMoveARegisterToAnotherMerchantsLocation() {
        var t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String other = Tenants.merchant(t);
        String foreign = Tenants.location(t, other);
        String id = Tenants.register(t, merchant, Tenants.location(t, merchant));
        t.as(merchant)
                .body(Map.of("location_id", foreign))
                .patch("/v1/registers/" + id)
                .then()
                .statusCode(404);
        t.as(merchant)
                .body(Map.of("location_id", foreign, "name", "K"))
                .post("/v1/registers")
                .then()
                .statusCode(404);
    }
}
