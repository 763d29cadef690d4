package com.openfiskal.system;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.dsfinvk.Schema;
import com.openfiskal.dsfinvk.verify.Finding;
import com.openfiskal.dsfinvk.verify.Verifier;
import com.openfiskal.local.LocalPlatform;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Reporting API end to end on the real platform: two shifts with split tender, a discount, a tip, a
 * return, a void and cash movements are closed; an export of the window is built from the compiled
 * closings, downloaded through its signed link, and passes the verifier with every signature recomputed.
 */
class ExportIT {

    private static final Path REFERENCE = Path.of("../../shared/reference/dsfinvk");

    @Test
    void twoClosedShiftsExportToAnArchiveThatPassesTheVerifier() throws Exception {
        Api api = Api.newTenant();
        String merchant = api.merchant();
        String location = api.location(merchant);
        String register = api.register(merchant, location);
        Till.fiscalize(api, merchant, register);
        Instant from = Instant.now().minusSeconds(60);
        Till till = new Till(api, merchant, register);

        // shift 1: open, a discounted sale with tip paid cash + card, its partial return, a voided sale,
        // a cash drop, count, close with a transfer to the safe
        till.event(
                "{\"type\":\"SESSION_OPEN\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"opening_balance_amount\":\"150.00\"}");
        String sale = till.sale();
        till.complete(sale, """
                {"payments":[{"method":"cash","status":"captured","amount":"3.81","currency":"EUR"},
                             {"method":"card","status":"captured","amount":"10.00","currency":"EUR","card_brand":"visa"}]}""");
        String ret = till.create("""
                {"type":"RETURN","source":"POS","register_id":"%s","currency":"EUR","related_operation_id":"%s",
                 "pretax_amount":"-2.00","tax_amount":"-0.14","total_amount":"-2.14",
                 "line_items":[{"title":"Croissant","quantity":1,"unit_price":"2.14","total_amount":"-2.14",
                                "taxes":[{"rate":"0.07","tax_amount":"-0.14"}]}]}""".formatted(register, sale));
        till.complete(
                ret,
                "{\"payments\":[{\"method\":\"cash\",\"status\":\"captured\",\"amount\":\"-2.14\",\"currency\":\"EUR\"}]}");
        String abandoned = till.sale();
        till.on()
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("If-Match", "\"1\"")
                .body("{\"reason\":\"customer_abandoned_checkout\"}")
                .patch("/v1/operations/" + abandoned + "/void")
                .then()
                .statusCode(200);
        till.event(
                "{\"type\":\"SESSION_CASH_ADJUSTMENT\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"amount\":\"-100.00\",\"kind\":\"drop\"}");
        till.event(
                "{\"type\":\"SESSION_CASH_ADJUSTMENT\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"amount\":\"20.00\",\"kind\":\"transfer_in\"}");
        till.event(
                "{\"type\":\"SESSION_CASH_COUNT\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"counted_amount\":\"71.00\"}");
        till.event(
                "{\"type\":\"SESSION_CLOSE\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"closing_transfer_amount\":\"-21.00\"}");

        // shift 2: a sale paid by gift card and cash, closed straight from open
        till.event(
                "{\"type\":\"SESSION_OPEN\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"opening_balance_amount\":\"50.00\"}");
        String second = till.sale();
        till.complete(second, """
                {"payments":[{"method":"gift_card","status":"captured","amount":"5.00","currency":"EUR","gift_card_id":"GC-1"},
                             {"method":"cash","status":"captured","amount":"8.81","currency":"EUR"}]}""");
        till.event(
                "{\"type\":\"SESSION_CLOSE\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"closing_transfer_amount\":\"0.00\"}");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "dsfinvk");
        body.put("register_id", register);
        body.put("from", from.toString());
        body.put("to", Instant.now().plusSeconds(60).toString());
        // the closings compile as the events arrive: build_pending until then, never a partial archive
        Response created = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> api.on(Platform.export(), merchant)
                                .header("Idempotency-Key", "export-" + register)
                                .body(body)
                                .post("/v1/exports"),
                        // 401 until the new key has reached the export-service's identity replica, and 404 while
                        // the key is there but its merchant or register not yet (other partitions of the
                        // identity topic; seen on a fresh clone right after the export-service's restart)
                        r -> r.statusCode() != 401
                                && r.statusCode() != 404
                                && !(r.statusCode() == 422 && "export_dsfinvk_build_pending".equals(r.path("code"))));
        created.then()
                .log()
                .ifValidationFails()
                .statusCode(202)
                .header("Location", "/v1/exports/" + created.path("id"))
                .body("status", equalTo("pending"))
                .body("session_ids.size()", equalTo(2));
        String id = created.path("id");
        Response done = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> api.on(Platform.export(), merchant).get("/v1/exports/" + id),
                        r -> !"pending".equals(r.path("status")));
        done.then().statusCode(200).body("status", equalTo("completed"));
        api.on(Platform.export(), merchant)
                .get("/v1/exports?register_id=" + register)
                .then()
                .statusCode(200)
                .body("data.id", hasItem(id));

        String url = done.path("download_url");
        Response download = given().get(url);
        download.then()
                .statusCode(200)
                .contentType("application/x-tar")
                .header("Cache-Control", "private, no-store")
                .header(
                        "Content-Disposition",
                        org.hamcrest.Matchers.startsWith("attachment; filename=\"dsfinvk_" + register + "_"));
        byte[] tar = download.asByteArray();
        assertEquals(((Number) done.path("size_bytes")).longValue(), tar.length);
        assertEquals(
                done.path("sha256"),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar)));

        Verifier.Report report = Verifier.verify(new ByteArrayInputStream(tar));
        System.out.println("verify-export: " + report.findings());
        assertTrue(report.ok(), report.findings().toString());
        assertEquals(
                0,
                report.count(Finding.Severity.UNVERIFIABLE),
                report.findings().toString());
        assertEquals(
                0, report.count(Finding.Severity.WARNING), report.findings().toString());
        // every Bon signed and recomputed: 8 in shift 1, 3 in shift 2
        assertEquals(11, report.bons());
        assertEquals(11, report.signaturesVerified());

        Map<String, byte[]> members = members(tar);
        assertEquals(Schema.official().archiveMembers(), new ArrayList<>(members.keySet()));
        assertArrayEquals(Files.readAllBytes(REFERENCE.resolve("index.xml")), members.get("index.xml"));
        assertArrayEquals(
                Files.readAllBytes(REFERENCE.resolve("gdpdu-01-09-2004.dtd")), members.get("gdpdu-01-09-2004.dtd"));
        for (Schema.Table t : Schema.official().tables()) {
            String csv = new String(members.get(t.file()), StandardCharsets.UTF_8);
            assertTrue(csv.startsWith(String.join(";", t.header()) + "\r\n"), t.file() + " header");
        }
        String transactions = new String(members.get("transactions.csv"), StandardCharsets.UTF_8);
        assertTrue(transactions.contains(";AVBelegabbruch;"), "the void is an AVBelegabbruch Bon");
        String lines = new String(members.get("lines.csv"), StandardCharsets.UTF_8);
        for (String gv : List.of(
                "Anfangsbestand",
                "Geldtransit",
                "DifferenzSollIst",
                "Rabatt",
                "TrinkgeldAN",
                "MehrzweckgutscheinEinloesung")) {
            assertTrue(lines.contains(";" + gv + ";"), gv + " line");
        }
        String refs = new String(members.get("references.csv"), StandardCharsets.UTF_8);
        assertTrue(
                refs.contains(";Transaktion;") && refs.contains(";" + sale + "\r\n"), "the return references the sale");
        String closings = new String(members.get("cashpointclosing.csv"), StandardCharsets.UTF_8);
        assertTrue(closings.contains(";1;") && closings.contains(";2;"), "Z_NR 1 and 2");

        // the link is the credential: a tampered or expired one is refused with the envelope
        String sig = url.substring(url.indexOf("signature=") + "signature=".length());
        given().get(url.replace(sig, (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1)))
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        given().get(url.replaceAll("expires=\\d+", "expires=1000")).then().statusCode(403);
        // another tenant sees nothing
        Api other = Api.newTenant();
        String otherMerchant = other.merchant();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> other.on(Platform.export(), otherMerchant)
                                .get("/v1/exports/" + id)
                                .statusCode()
                        == 404);
    }

    @Test
    void synchronousChecksInTheirOrderAndAHeldBackCloseGivesBuildPending() throws Exception {
        Api api = Api.newTenant();
        String merchant = api.merchant();
        String location = api.location(merchant);
        String register = api.register(merchant, location);
        String unfiscalized = api.register(merchant, location);
        String from = Instant.now().minusSeconds(60).toString();
        String to = Instant.now().plusSeconds(3600).toString();
        Map<String, Object> window = Map.of("type", "dsfinvk", "register_id", register, "from", from, "to", to);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        api.on(Platform.export(), merchant).get("/v1/exports").statusCode() == 200);

        expect(
                export(api, merchant, Map.of("type", "dsfinvk", "from", from, "to", to)),
                400,
                "register_id_required_for_dsfinvk");
        expect(
                export(api, merchant, Map.of("type", "tse_tar", "register_id", register, "from", from, "to", to)),
                400,
                "invalid_request");
        expect(
                export(
                        api,
                        merchant,
                        Map.of("type", "dsfinvk", "register_id", register, "from", "yesterday", "to", to)),
                400,
                "invalid_request");
        export(api, merchant, Map.of("type", "dsfinvk", "register_id", register, "from", to, "to", from))
                .then()
                .statusCode(422)
                .body("details.rule", equalTo("time_range_invalid"));
        expect(
                export(
                        api,
                        merchant,
                        Map.of(
                                "type",
                                "dsfinvk",
                                "register_id",
                                "reg_01KJPW8P00S2NPZ59C22QQK9F9",
                                "from",
                                from,
                                "to",
                                to)),
                404,
                "not_found");
        Map<String, Object> notKassenSichV =
                Map.of("type", "dsfinvk", "register_id", unfiscalized, "from", from, "to", to);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> export(api, merchant, notKassenSichV).statusCode() == 422);
        export(api, merchant, notKassenSichV).then().body("details.rule", equalTo("register_regime_not_kassensichv"));

        Till.fiscalize(api, merchant, register);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> "export_dsfinvk_no_closed_sessions"
                        .equals(export(api, merchant, window).path("code")));
        // another tenant cannot export this register
        Api other = Api.newTenant();
        String otherMerchant = other.merchant();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> export(other, otherMerchant, window).statusCode() == 404);

        Till till = new Till(api, merchant, register);
        till.event(
                "{\"type\":\"SESSION_OPEN\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"opening_balance_amount\":\"0.00\"}");
        String sale = till.sale();
        till.complete(
                sale,
                "{\"payments\":[{\"method\":\"cash\",\"status\":\"captured\",\"amount\":\"13.81\",\"currency\":\"EUR\"}]}");
        // the session.closed event is held back: the broker is down while the shift closes
        Platform.stack().stopBroker();
        try {
            String closeId = till.create(
                    "{\"type\":\"SESSION_CLOSE\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"closing_transfer_amount\":\"-13.81\"}"
                            .formatted(register));
            String session = till.on().get("/v1/operations/" + closeId).path("session_id");
            export(api, merchant, window, "held-back")
                    .then()
                    .statusCode(422)
                    .body("code", equalTo("export_dsfinvk_build_pending"))
                    .body("details.unbuilt_session_ids", equalTo(List.of(session)));
        } finally {
            Platform.stack().startBroker();
        }
        // the same key again once the event has arrived: build_pending was not stored, so it now succeeds
        Response accepted = Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> export(api, merchant, window, "held-back"), r -> r.statusCode() == 202);
        String id = accepted.path("id");
        export(api, merchant, window, "held-back")
                .then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(id));
        Response done = finished(api, merchant, id);
        done.then().body("status", equalTo("completed"));
        Verifier.Report report = Verifier.verify(new ByteArrayInputStream(
                given().get((String) done.path("download_url")).asByteArray()));
        assertTrue(report.ok(), report.findings().toString());
        assertEquals(3, report.signaturesVerified());
    }

    @Test
    void anExportKilledWhileBuildingCompletesAfterTheRestart() throws Exception {
        Api api = Api.newTenant();
        String merchant = api.merchant();
        String register = api.register(merchant, api.location(merchant));
        Till.fiscalize(api, merchant, register);
        String from = Instant.now().minusSeconds(60).toString();
        Till till = new Till(api, merchant, register);
        till.event(
                "{\"type\":\"SESSION_OPEN\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"opening_balance_amount\":\"20.00\"}");
        String sale = till.sale();
        till.complete(
                sale,
                "{\"payments\":[{\"method\":\"card\",\"status\":\"captured\",\"amount\":\"13.81\",\"currency\":\"EUR\",\"card_brand\":\"girocard\"}]}");
        till.event(
                "{\"type\":\"SESSION_CLOSE\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"closing_transfer_amount\":\"0.00\"}");
        Map<String, Object> window = Map.of(
                "type",
                "dsfinvk",
                "register_id",
                register,
                "from",
                from,
                "to",
                Instant.now().plusSeconds(60).toString());
        Response created = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> export(api, merchant, window), r -> r.statusCode() == 202);
        String id = created.path("id");
        Path part = Platform.dataDir().resolve("exports").resolve(id + ".tar.part");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(part));

        Platform.get().kill(LocalPlatform.EXPORT);
        Platform.get().restart(LocalPlatform.EXPORT, System.out);

        // the dead builder's lease runs out and the job is built again from the start
        Response done = finished(api, merchant, id, Duration.ofSeconds(150));
        done.then().body("status", equalTo("completed"));
        byte[] tar = given().get((String) done.path("download_url")).asByteArray();
        assertEquals(
                done.path("sha256"),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar)));
        Verifier.Report report = Verifier.verify(new ByteArrayInputStream(tar));
        assertTrue(report.ok(), report.findings().toString());
        assertEquals(3, report.signaturesVerified());
        assertTrue(!Files.exists(part), "no partial archive is left behind");
    }

    private static void expect(Response r, int status, String code) {
        r.then().statusCode(status).body("code", equalTo(code));
    }

    /** Polls the export until it is no longer pending. */
    private static Response finished(Api api, String merchant, String id) {
        return finished(api, merchant, id, Duration.ofSeconds(60));
    }

    private static Response finished(Api api, String merchant, String id, Duration atMost) {
        return Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> api.on(Platform.export(), merchant).get("/v1/exports/" + id),
                        r -> !"pending".equals(r.path("status")));
    }

    private static Response export(Api api, String merchant, Map<String, Object> body) {
        return api.on(Platform.export(), merchant).body(body).post("/v1/exports");
    }

    private static Response export(Api api, String merchant, Map<String, Object> body, String key) {
        return api.on(Platform.export(), merchant)
                .header("Idempotency-Key", key)
                .body(body)
                .post("/v1/exports");
    }

    private static Map<String, byte[]> members(byte[] tar) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                assertEquals(0644, e.getMode() & 0777, e.getName());
                m.put(e.getName(), in.readAllBytes());
            }
        }
        return m;
    }

    /** One register's POS calls. */
}
