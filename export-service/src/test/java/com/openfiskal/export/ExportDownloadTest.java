package com.openfiskal.export;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.local.OpenFiskalStackResource;
import com.openfiskal.local.testing.IdentityFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Signed download links and retention (API.md §9.5, §9.7) on a completed export: the link serves the archive
 * without credentials, a tampered link is refused, another tenant sees nothing, and once the retention time
 * (a few seconds here) is over the cleanup deletes the archive and the link answers 404 while the job stays.
 */
@QuarkusTest
class ExportDownloadTest {

    @Inject
    DataSource db;

    @Test
    void theSignedLinkServesTheArchiveUntilItsRetentionEnds() throws Exception {
        IdentityFixtures f =
                new IdentityFixtures(OpenFiskalStackResource.bootstrapServers(), "test-pepper-not-for-production");
        IdentityFixtures.Identity owner = f.tenant("DEU");
        IdentityFixtures.Identity other = f.tenant("DEU");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> list(owner).statusCode() == 200 && list(other).statusCode() == 200);

        String id = Ids.next(Ids.EXPORT);
        byte[] archive = "not really a tar, but bytes to serve".getBytes(StandardCharsets.UTF_8);
        Path dir = Path.of("target/export-artifacts");
        Files.createDirectories(dir);
        Files.write(dir.resolve(id + ".tar"), archive);
        Instant completed = Instant.now();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        INSERT INTO exports (id, tenant_id, merchant_id, register_id, type, status, window_from, window_to,
                            effective_from, effective_to, session_ids, closing_numbers, timezone, artifact, size_bytes,
                            sha256, created_at, completed_at, expires_at)
                        VALUES (?, ?, ?, 'reg_01KJPW8P00S2NPZ59C22QQK9F9', 'dsfinvk', 'completed', ?, ?, ?, ?,
                            'ses_01KKNNMNTJMYHVMRZV2QJJRXWX', '1', 'Europe/Berlin', ?, ?, 'x', ?, ?, ?)""")) {
            s.setString(1, id);
            s.setString(2, owner.tenantId());
            s.setString(3, owner.merchantId());
            Timestamp from = Timestamp.from(Instant.parse("2026-03-01T00:00:00Z"));
            Timestamp to = Timestamp.from(Instant.parse("2026-03-31T21:59:59Z"));
            s.setTimestamp(4, from);
            s.setTimestamp(5, to);
            s.setTimestamp(6, from);
            s.setTimestamp(7, to);
            s.setString(8, id + ".tar");
            s.setLong(9, archive.length);
            s.setTimestamp(10, Timestamp.from(completed));
            s.setTimestamp(11, Timestamp.from(completed));
            s.setTimestamp(12, Timestamp.from(completed.plusSeconds(4)));
            s.executeUpdate();
        }

        String link = get(owner, id).then().statusCode(200).extract().path("download_url");
        // the link names the public URL (localhost:8081 here); the test instance listens on a random port
        String url = link.replaceFirst("^http://localhost:8081", "");
        Response download = given().get(url);
        download.then()
                .statusCode(200)
                .contentType("application/x-tar")
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"dsfinvk_reg_01KJPW8P00S2NPZ59C22QQK9F9_20260301_20260331.tar\"")
                .header("Cache-Control", "private, no-store");
        assertArrayEquals(archive, download.asByteArray());
        // the signature is the credential: an Authorization header changes nothing, a tampered link is refused
        given().header("Authorization", "Bearer nonsense").get(url).then().statusCode(200);
        String sig = url.substring(url.indexOf("signature=") + "signature=".length());
        String tampered = url.replace(sig, (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1));
        given().get(tampered).then().statusCode(403).body("code", equalTo("forbidden"));
        given().get(url.replaceAll("&signature=.*", "")).then().statusCode(403);
        get(other, id).then().statusCode(404).body("code", equalTo("not_found"));

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(dir.resolve(id + ".tar")));
        get(owner, id)
                .then()
                .statusCode(200)
                .body("status", equalTo("completed"))
                .body("download_url", nullValue());
        given().get(url).then().statusCode(404).body("code", equalTo("not_found"));
        assertFalse(Files.exists(dir.resolve(id + ".tar")));
    }

    private static Response list(IdentityFixtures.Identity id) {
        return given().header("Authorization", "Bearer " + id.key())
                .header("X-OpenFiskal-Merchant", id.merchantId())
                .get("/v1/exports");
    }

    private static Response get(IdentityFixtures.Identity id, String exportId) {
        return given().header("Authorization", "Bearer " + id.key())
                .header("X-OpenFiskal-Merchant", id.merchantId())
                .get("/v1/exports/" + exportId);
    }
}
