package com.openfiskal.contracts.tse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** Every log message of the six real TSE exports (fiskaly, D-Trust) parses and its signature verifies (TSE.md §15). */
class LogMessageFixturesTest {

    private static final Path FIXTURES = Path.of("../../shared/testdata/tse-exports");

    @Test
    void shouldParseAndVerifyAll253LogMessagesOfTheRealExports() throws Exception {
        int verified = 0;
        for (String archive : List.of(
                "4b5ba740-06fe-4506-9afc-e9f1eabadaa4.tar",
                "54312d72-d3ed-413c-9d32-7f457576e4c8.tar",
                "TSE_Export_12f97c6a-2c23-4dfe-a04d-2d94342789d2_202109171415.tar",
                "TSSProtokoll_WB_2021-09-27_16_38_27.tar",
                "a9f366c7-b735-43b7-8d99-cbb595050a91.tar",
                "negative-signature-counter-gaps.tar")) {
            Map<String, byte[]> files = read(FIXTURES.resolve(archive));
            Map<String, ECPublicKey> keysBySerial = new HashMap<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                if (f.getKey().contains("_X509.")) {
                    X509Certificate cert =
                            (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(f.getValue()));
                    if (cert.getPublicKey() instanceof ECPublicKey ec) {
                        keysBySerial.put(HexFormat.of().formatHex(TseKeys.serialNumber(ec)), ec);
                    }
                }
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                if (!f.getKey().endsWith(".log")) {
                    continue;
                }
                LogMessage log = LogMessage.parse(f.getValue());
                ECPublicKey key = keysBySerial.get(HexFormat.of().formatHex(log.serialNumber()));
                assertNotNull(key, archive + "/" + f.getKey() + ": no certificate for its serial");
                assertTrue(log.verify(key), archive + "/" + f.getKey() + " does not verify");
                assertTrue(f.getKey().contains("_Sig-" + log.signatureCounter() + "_"), f.getKey());
                assertTrue(f.getKey().startsWith("Unixt_" + log.logTime().getEpochSecond() + "_"), f.getKey());
                if (log.kind() == LogMessage.Kind.TRANSACTION) {
                    assertTrue(f.getKey().contains("_No-" + log.transactionNumber() + "_"), f.getKey());
                    assertTrue(f.getKey().contains("_Client-" + log.clientId()), f.getKey());
                }
                verified++;
            }
        }
        assertEquals(253, verified);
    }

    @Test
    void shouldReadTheAnnotatedFinishLogFieldByField() throws Exception {
        Map<String, byte[]> files = read(FIXTURES.resolve("TSSProtokoll_WB_2021-09-27_16_38_27.tar"));
        byte[] raw = files.entrySet().stream()
                .filter(e -> e.getKey().startsWith("Unixt_1632729297_Sig-33_"))
                .findFirst()
                .orElseThrow()
                .getValue();
        LogMessage log = LogMessage.parse(raw);
        assertEquals(274, raw.length);
        assertEquals(LogMessage.Kind.TRANSACTION, log.kind());
        assertEquals("FinishTransaction", log.operationType());
        assertEquals("db7b4694-4be9-471e-9373-de4ce44f43e7", log.clientId());
        assertEquals(
                "Beleg^0.00_0.00_0.00_0.00_240.00^40.00:Bar_200.00:Unbar",
                new String(log.processData(), StandardCharsets.UTF_8));
        assertEquals("Kassenbeleg-V1", log.processType());
        assertEquals(4L, log.transactionNumber());
        assertEquals(33, log.signatureCounter());
        assertEquals(Instant.parse("2021-09-27T07:54:57Z"), log.logTime());
        assertEquals("unixTime", log.timeFormat());
        assertEquals(TseAlgorithms.ECDSA_PLAIN_SHA256, log.algorithmOid());
        assertEquals(64, log.signatureValue().length);
        assertArrayEquals(java.util.Arrays.copyOfRange(raw, 4, 208), log.dtbs());
    }

    @Test
    void shouldJoinTheChunksOfDTrustsIndefiniteLengthProcessData() throws Exception {
        Map<String, byte[]> files = read(FIXTURES.resolve("54312d72-d3ed-413c-9d32-7f457576e4c8.tar"));
        int finishes = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (f.getKey().contains("_Finish_")) {
                LogMessage log = LogMessage.parse(f.getValue());
                assertTrue(new String(log.processData(), StandardCharsets.UTF_8).startsWith("Beleg^"));
                assertEquals(TseAlgorithms.ECDSA_PLAIN_SHA384, log.algorithmOid());
                assertEquals(96, log.signatureValue().length);
                finishes++;
            }
        }
        assertEquals(6, finishes);
    }

    static Map<String, byte[]> read(Path tar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar);
                TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                if (e.isFile()) {
                    files.put(e.getName(), t.readAllBytes());
                }
            }
        }
        return files;
    }
}
