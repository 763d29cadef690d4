package com.openfiskal.contracts.tse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Log messages we write have the structure of the real ones, and their signatures verify (TSE.md §3, §5, §14). */
class LogMessageWriterTest {

    @ParameterizedTest
    @CsvSource({"secp256r1, 0.4.0.127.0.7.1.1.4.1.3, 64, 65", "secp384r1, 0.4.0.127.0.7.1.1.4.1.4, 96, 97"})
    void shouldWriteASignedTransactionLogThatParsesBackAndVerifies(
            String curve, String algorithm, int sigLength, int pointLength) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = g.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        byte[] serial = TseKeys.serialNumber(pub);
        LogMessageWriter writer = new LogMessageWriter(serial, algorithm, pair.getPrivate());
        byte[] data = "Beleg^11.90_2.14_0.00_0.00_0.96^5.00:Bar_10.00:Unbar".getBytes(StandardCharsets.UTF_8);

        byte[] raw = writer.transactionLog(
                "FinishTransaction",
                "reg_01KJPW8P00S2NPZ59C22QQK9F9",
                data,
                "Kassenbeleg-V1",
                1287,
                2574,
                Instant.ofEpochSecond(1773483303));

        LogMessage log = LogMessage.parse(raw);
        // version 2, then the transaction-log OID, exactly as in the real exports
        assertEquals("020102060904007f000703070101", HexFormat.of().formatHex(log.dtbs(), 0, 14));
        assertEquals(LogMessage.Kind.TRANSACTION, log.kind());
        assertEquals("FinishTransaction", log.operationType());
        assertEquals("reg_01KJPW8P00S2NPZ59C22QQK9F9", log.clientId());
        assertArrayEquals(data, log.processData());
        assertEquals("Kassenbeleg-V1", log.processType());
        assertEquals(1287L, log.transactionNumber());
        assertEquals(2574, log.signatureCounter());
        assertEquals(Instant.ofEpochSecond(1773483303), log.logTime());
        assertArrayEquals(serial, log.serialNumber());
        assertEquals(sigLength, log.signatureValue().length);
        assertEquals(pointLength, TseKeys.uncompressedPoint(pub).length);
        assertTrue(log.verify(pub));
        assertTrue(log.verify(TseKeys.fromPoint(TseKeys.uncompressedPoint(pub), pub.getParams())));

        byte[] tampered = raw.clone();
        int at = indexOf(tampered, "11.90".getBytes(StandardCharsets.US_ASCII));
        tampered[at] = '9';
        assertFalse(LogMessage.parse(tampered).verify(pub));
    }

    @ParameterizedTest
    @CsvSource({"registerClient", "initialize"})
    void shouldWriteSystemLogs(String operation) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        LogMessageWriter writer = new LogMessageWriter(
                TseKeys.serialNumber((ECPublicKey) pair.getPublic()),
                TseAlgorithms.ECDSA_PLAIN_SHA256,
                pair.getPrivate());
        LogMessage log = LogMessage.parse(writer.systemLog(
                operation,
                LogMessageWriter.systemParameters("reg_01KJPW8P00S2NPZ59C22QQK9F9"),
                7,
                Instant.ofEpochSecond(1)));
        assertEquals(LogMessage.Kind.SYSTEM, log.kind());
        assertEquals(operation, log.operationType());
        assertEquals(7, log.signatureCounter());
        assertTrue(log.verify(pair.getPublic()));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
