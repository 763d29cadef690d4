package com.openfiskal.fiscalization.register;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.Pos;
import com.openfiskal.fiscalization.support.Tenants;
import com.openfiskal.fiscalization.support.Tenants.Tenant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fiscalize and decommission (API.md §5.2, §5.5, §5.6) with the software TSE. */
@QuarkusTest
class FiscalizationTest {

    @Test
    void shouldFiscalizeInTheBackgroundAndThenDecommission() throws Throwable {
        Tenant t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String register = Tenants.register(t, merchant, Tenants.location(t, merchant));

        t.as(merchant)
                .post("/v1/registers/" + register + "/fiscalize")
                .then()
                .statusCode(202)
                .header("ETag", "\"2\"")
                .header("Location", "/v1/registers/" + register)
                .body("fiscalization_status", equalTo("pending"))
                .body("fiscalization.regime", equalTo("KassenSichV"))
                .body("fiscalization.tss_serial_number", nullValue());

        Response done = Tenants.awaitFiscalizationStatus(t, merchant, register, "fiscalized");
        done.then()
                .header("ETag", "\"3\"")
                .body("fiscalization.fiscalized_at", notNullValue())
                .body("fiscalization.client_serial_number", equalTo(register))
                .body("fiscalization.signature_algorithm", equalTo("ecdsa-plain-SHA256"))
                .body("fiscalization.time_format", equalTo("unixTime"))
                .body("fiscalization.certificate", notNullValue())
                .body("fiscalization.error", nullValue());
        byte[] point = Base64.getDecoder().decode((String) done.path("fiscalization.public_key"));
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(point)),
                done.path("fiscalization.tss_serial_number"));

        assertError(
                t.as(merchant).post("/v1/registers/" + register + "/fiscalize"), 409, "register_already_fiscalized");
        assertError(t.as(merchant).delete("/v1/registers/" + register), 409, "register_has_dependencies");
        String other = Tenants.location(t, merchant);
        assertError(
                t.as(merchant).body(Map.of("location_id", other)).patch("/v1/registers/" + register),
                409,
                "register_invalid_fiscal_state");

        t.as(merchant)
                .body("{}")
                .post("/v1/registers/" + register + "/decommission")
                .then()
                .statusCode(200)
                .header("ETag", "\"4\"")
                .body("fiscalization_status", equalTo("decommissioned"))
                .body("fiscalization.decommissioned_at", notNullValue());
        // the decommission was signed under the TSS's lock: its three system logs continue the counter
        Object[] tss = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery("""
                        SELECT count(*), min(l.signature_counter), max(l.signature_counter), max(t.signature_counter),
                               string_agg(l.operation_type, ',' ORDER BY l.signature_counter), max(t.state)
                          FROM tse_log_messages l JOIN tse_tss t ON t.id = l.tss_id
                         WHERE t.register_id = ?1""", Object[].class)
                        .setParameter(1, register)
                        .getSingleResult())));
        long logs = ((Number) tss[0]).longValue();
        assertEquals(1L, ((Number) tss[1]).longValue(), "counters start at 1");
        assertEquals(logs, ((Number) tss[2]).longValue(), "signature counters have no gap");
        assertEquals(logs, ((Number) tss[3]).longValue(), "the TSS counter is the last log's");
        assertTrue(
                ((String) tss[4]).endsWith(",authenticateUser,deregisterClient,disableSecureElement"),
                "the decommission's system logs come last: " + tss[4]);
        assertEquals("DISABLED", tss[5]);
        assertError(
                t.as(merchant).post("/v1/registers/" + register + "/decommission"),
                409,
                "register_invalid_fiscal_state");
        assertError(
                t.as(merchant).post("/v1/registers/" + register + "/fiscalize"), 409, "register_invalid_fiscal_state");
        t.as(merchant).delete("/v1/registers/" + register).then().statusCode(204);
    }

    @Test
    void shouldRefuseToFiscalizeWithoutAGermanFiscalIdentity() {
        Tenant t = Tenants.create();
        Map<String, Object> body = new HashMap<>(Tenants.merchantBody());
        body.remove("fiscal_identities");
        String merchant = t.as().body(body)
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String register = Tenants.register(t, merchant, Tenants.location(t, merchant));
        assertError(t.as(merchant).post("/v1/registers/" + register + "/fiscalize"), 422, "regime_validation_failed")
                .body("details.rule", equalTo("fiscal_identity_missing"));
        t.as(merchant)
                .get("/v1/registers/" + register)
                .then()
                .body("fiscalization_status", equalTo("not_fiscalized"))
                .body("resource_version", equalTo(1));
    }

    @Test
    void shouldRefuseToFiscalizeALocationOutsideGermany() {
        Tenant deu = Tenants.create();
        Tenant t = Tenants.withKey(deu.id(), "test", "AUT");
        String merchant = t.as().body(Map.of(
                        "legal_name",
                        "Wiener Kaffee GmbH",
                        "country_code",
                        "AUT",
                        "address",
                        Map.of("line1", "Ring 1", "city", "Wien", "postal_code", "1010", "country_code", "AUT")))
                .post("/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String location = t.as(merchant)
                .body(Map.of(
                        "name",
                        "Wien",
                        "country_code",
                        "AUT",
                        "timezone",
                        "Europe/Vienna",
                        "address",
                        Map.of("line1", "Ring 1", "city", "Wien", "postal_code", "1010", "country_code", "AUT")))
                .post("/v1/locations")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String register = Tenants.register(t, merchant, location);
        assertError(t.as(merchant).post("/v1/registers/" + register + "/fiscalize"), 422, "validation_error")
                .body("details.rule", equalTo("fiscalization_country_unsupported"));
    }

    @Test
    void shouldRefuseToFiscalizeAnInactiveRegisterAndToDecommissionOneNotFiscalized() {
        Tenant t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String register = Tenants.register(t, merchant, Tenants.location(t, merchant));
        assertError(
                t.as(merchant).post("/v1/registers/" + register + "/decommission"),
                409,
                "register_invalid_fiscal_state");
        t.as(merchant)
                .body(Map.of("status", "inactive"))
                .patch("/v1/registers/" + register)
                .then()
                .statusCode(200);
        assertError(t.as(merchant).post("/v1/registers/" + register + "/fiscalize"), 409, "conflict");
    }

    @Test
    void shouldRefuseToDecommissionWithoutAnAdminPinOrOffKassenSichVAndChangeNothing() throws Throwable {
        Pos pos = Pos.fiscalized();
        Tenant t = pos.tenant();
        String merchant = pos.merchant();
        String register = pos.register();
        long logs = tseLogs(register);

        // neither state is reachable through the API: every TSS gets a PIN, every register KassenSichV
        update("UPDATE tse_tss SET encrypted_admin_pin = NULL WHERE register_id = ?1", register);
        assertError(t.as(merchant).post("/v1/registers/" + register + "/decommission"), 422, "regime_validation_failed")
                .body("details.rule", equalTo("tse_admin_pin_missing"));
        assertUnchanged(t, merchant, register, logs);

        update("UPDATE registers SET regime = 'none' WHERE id = ?1", register);
        assertError(t.as(merchant).post("/v1/registers/" + register + "/decommission"), 422, "validation_error")
                .body("details.rule", equalTo("decommission_regime_unsupported"));
        assertUnchanged(t, merchant, register, logs);
    }

    private static void assertUnchanged(Tenant t, String merchant, String register, long logs) throws Throwable {
        t.as(merchant)
                .get("/v1/registers/" + register)
                .then()
                .statusCode(200)
                .header("ETag", "\"3\"")
                .body("fiscalization_status", equalTo("fiscalized"))
                .body("fiscalization.decommissioned_at", nullValue());
        assertEquals(logs, tseLogs(register), "no TSE log was signed");
    }

    private static long tseLogs(String register) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery("""
                                SELECT count(*) FROM tse_log_messages l JOIN tse_tss t ON t.id = l.tss_id
                                 WHERE t.register_id = ?1 AND t.state = 'INITIALIZED'""", Long.class)
                        .setParameter(1, register)
                        .getSingleResult())));
    }

    private static void update(String sql, String register) throws Throwable {
        int rows = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery(sql).setParameter(1, register).executeUpdate())));
        assertEquals(1, rows);
    }
}
