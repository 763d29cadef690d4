package com.openfiskal.fiscalization.tse;

import static com.openfiskal.fiscalization.support.Pos.cash;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.FiscalVerifier;
import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code OPENFISKAL_TSE_CURVE=P-384}: new TSSs get P-384 keys, and a sale is signed ecdsa-plain-SHA384 end to
 * end — the register's public key, the certificate, {@code fiscal_information}, the stored Finish log and the
 * QR string (TSE.md §4, API.md §8.4).
 */
@QuarkusTest
@TestProfile(P384SigningTest.P384.class)
class P384SigningTest {

    public static class P384 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openfiskal.tse.curve", "P-384");
        }
    }

    @Test
    void shouldSignASaleWithAP384KeyThatVerifies() throws Throwable {
        Pos pos = Pos.fiscalized();
        byte[] point = Base64.getDecoder().decode(pos.publicKey());
        assertEquals(97, point.length, "an uncompressed P-384 point");
        assertEquals(4, point[0]);
        String certificate = pos.get("/v1/registers/" + pos.register()).path("fiscalization.certificate");
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(Base64.getDecoder().decode(certificate)));
        assertEquals("SHA384withECDSA", cert.getSigAlgName());
        cert.verify(cert.getPublicKey());
        assertTrue(cert.getSubjectX500Principal().getName().contains("UNCERTIFIED SOFTWARE TSE"));

        pos.open("100.00").then().statusCode(201);
        Response sale = pos.post(pos.sale("5.95", "0.95"));
        sale.then().statusCode(201);
        Response done = pos.complete(sale.path("id"), 1, List.of(cash("5.95")));
        done.then()
                .statusCode(200)
                .body("fiscal_information.signature_algorithm", equalTo("ecdsa-plain-SHA384"))
                .body("fiscal_information.process_data", equalTo("Beleg^5.95_0.00_0.00_0.00_0.00^5.95:Bar"));

        // rebuilds the Finish log, verifies its 96-byte r‖s signature with the P-384 key, compares it with
        // the stored log and checks every field of the QR string
        FiscalVerifier.verify(done.path("fiscal_information"), pos.publicKey());
        String signature = done.path("fiscal_information.end_event.signature");
        assertEquals(96, Base64.getDecoder().decode(signature).length);
    }
}
