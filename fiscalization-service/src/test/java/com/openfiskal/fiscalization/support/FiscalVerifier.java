package com.openfiskal.fiscalization.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import com.openfiskal.fiscalization.tse.TseLogEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checks a {@code fiscal_information} the way an auditor would: the Finish log message is rebuilt from the
 * printed fields alone, it must equal the log the TSE stored byte for byte, its signature must verify with
 * the register's public key, and the QR string must carry exactly those fields (API.md §8.4).
 */
public final class FiscalVerifier {

    private FiscalVerifier() {}

    /** Verifies and returns the TSE transaction number. */
    @SuppressWarnings("unchecked")
    public static long verify(Map<String, Object> fi, String publicKeyBase64) throws Throwable {
        assertNotNull(fi, "fiscal_information is set");
        Map<String, Object> end = (Map<String, Object>) fi.get("end_event");
        Map<String, Object> start = (Map<String, Object>) fi.get("start_event");
        byte[] point = Base64.getDecoder().decode(publicKeyBase64);
        byte[] serial = MessageDigest.getInstance("SHA-256").digest(point);
        assertEquals(HexFormat.of().formatHex(serial), fi.get("tss_serial_number"));
        String algorithmName = (String) fi.get("signature_algorithm");
        TseAlgorithms.Algorithm algorithm = TseAlgorithms.byName(algorithmName).orElseThrow();
        long transaction = ((Number) fi.get("document_number")).longValue();
        long counter = ((Number) end.get("transaction_counter")).longValue();
        byte[] rebuilt = LogMessageWriter.rebuildTransactionLog(
                serial,
                algorithm.oid(),
                "FinishTransaction",
                (String) fi.get("pos_client_serial_number"),
                ((String) fi.get("process_data")).getBytes(StandardCharsets.UTF_8),
                (String) fi.get("process_type"),
                transaction,
                counter,
                Timestamps.parse((String) end.get("signed_at")).orElseThrow(),
                Base64.getDecoder().decode((String) end.get("signature")));

        PublicKey key = TseKeys.fromPoint(point, curve(algorithmName));
        assertTrue(LogMessage.parse(rebuilt).verify(key), "the Finish signature verifies with the public key");

        String tssSerial = (String) fi.get("tss_serial_number");
        TseLogEntity stored =
                VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> TseLogEntity.<TseLogEntity>find(
                                "tssId = (select t.id from TssEntity t where t.serialNumber = ?1) and signatureCounter = ?2",
                                tssSerial,
                                counter)
                        .firstResult()));
        assertNotNull(stored, "the TSE stored the Finish log");
        assertArrayEquals(stored.message, rebuilt, "the rebuilt Finish log is the stored one");
        assertTrue(
                ((Number) start.get("transaction_counter")).longValue() < counter,
                "the Start log precedes the Finish log");

        String qr = (String) ((Map<String, Object>) fi.get("verification")).get("qr_data");
        String expected = String.join(
                ";",
                "V0",
                (String) fi.get("pos_client_serial_number"),
                (String) fi.get("process_type"),
                (String) fi.get("process_data"),
                Long.toString(transaction),
                Long.toString(counter),
                (String) start.get("signed_at"),
                (String) end.get("signed_at"),
                algorithmName,
                (String) fi.get("time_format"),
                (String) end.get("signature"),
                publicKeyBase64);
        assertEquals(expected, qr);
        return transaction;
    }

    private static ECParameterSpec curve(String algorithmName) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(algorithmName.endsWith("SHA384") ? "secp384r1" : "secp256r1"));
        return p.getParameterSpec(ECParameterSpec.class);
    }
}
