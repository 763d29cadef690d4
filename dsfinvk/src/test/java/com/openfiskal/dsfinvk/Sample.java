package com.openfiskal.dsfinvk;

import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The worked example of DSFINVK.md §12 as a complete, valid archive (one closing, one Beleg paid in cash
 * and by girocard with a cart discount over two VAT rates), signed by a real P-256 key; tests break it
 * one rule at a time.
 */
final class Sample {

    static final String KASSE = "K-001";
    static final String Z = "2025-03-14T22:00:00+01:00";
    static final String BON = "K-001-000123";
    static final String PROCESS_DATA = "Beleg^10.80_8.09_0.00_0.00_0.00^10.00:Bar_8.89:Unbar";

    final Map<String, List<String[]>> rows = new LinkedHashMap<>();
    private final Schema schema = Schema.official();

    static Sample valid() throws Exception {
        return new Sample().build();
    }

    private Sample build() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        byte[] point = TseKeys.uncompressedPoint((ECPublicKey) pair.getPublic());
        byte[] serial = TseKeys.serialNumber((ECPublicKey) pair.getPublic());
        Instant now = Instant.parse("2025-03-14T17:05:09Z");
        X500Name name = new X500Name("CN=TEST TSE");
        byte[] cert = new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(now),
                        Date.from(now.plus(Duration.ofDays(365))),
                        name,
                        pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()))
                .getEncoded();
        String certB64 = Base64.getEncoder().encodeToString(cert);
        byte[] log = new LogMessageWriter(serial, TseAlgorithms.ECDSA_PLAIN_SHA256, pair.getPrivate())
                .transactionLog(
                        "FinishTransaction",
                        KASSE,
                        PROCESS_DATA.getBytes(StandardCharsets.UTF_8),
                        "Kassenbeleg-V1",
                        4711,
                        9876,
                        now);
        String sig = Base64.getEncoder().encodeToString(LogMessage.parse(log).signatureValue());

        row(
                "cashpointclosing.csv",
                "",
                "2.4",
                BON,
                BON,
                "Café Morgenrot GmbH",
                "Oranienstraße 12",
                "10999",
                "Berlin",
                "DEU",
                "29/815/08150",
                "DE123456789",
                "18,89",
                "10,00");
        row("location.csv", "Filiale Kreuzberg", "Oranienstraße 12", "10999", "Berlin", "DEU", "");
        row("cashregister.csv", "", "", KASSE, "OpenFiskal", "0.1.0", "EUR", "");
        row(
                "tse.csv",
                "1",
                HexFormat.of().formatHex(serial),
                "ecdsa-plain-SHA256",
                "unixTime",
                "UTF-8",
                Base64.getEncoder().encodeToString(point),
                certB64.substring(0, Math.min(1000, certB64.length())),
                certB64.length() > 1000 ? certB64.substring(1000) : "");
        row("vat.csv", "1", "19,00", "Regelsteuersatz");
        row("vat.csv", "2", "7,00", "Ermäßigter Steuersatz");
        row("businesscases.csv", "Umsatz", "", "", "1", "12,00000", "10,09000", "1,91000");
        row("businesscases.csv", "Umsatz", "", "", "2", "8,99000", "8,40000", "0,59000");
        row("businesscases.csv", "Rabatt", "", "", "1", "-1,20000", "-1,01000", "-0,19000");
        row("businesscases.csv", "Rabatt", "", "", "2", "-0,90000", "-0,84000", "-0,06000");
        row("payment.csv", "Bar", "", "10,00");
        row("payment.csv", "ECKarte", "girocard", "8,89");
        row("cash_per_currency.csv", "EUR", "10,00");
        row(
                "transactions.csv",
                BON,
                "4711",
                "Beleg",
                "",
                "",
                "0",
                "2025-03-14T18:04:51+01:00",
                "2025-03-14T18:05:09+01:00",
                "U7",
                "Mia Becker",
                "18,89",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "");
        row("datapayment.csv", BON, "Bar", "", "EUR", "", "10,00");
        row("datapayment.csv", BON, "ECKarte", "girocard", "EUR", "", "8,89");
        row(
                "lines.csv",
                BON,
                "1",
                "",
                "Kaffeebohnen 500g",
                "",
                "Umsatz",
                "",
                "",
                "0",
                "",
                "A-1001",
                "",
                "",
                "",
                "1,000",
                "",
                "Stück",
                "8,99000");
        row(
                "lines.csv",
                BON,
                "2",
                "",
                "Tasse",
                "",
                "Umsatz",
                "",
                "",
                "0",
                "",
                "A-2002",
                "",
                "",
                "",
                "1,000",
                "",
                "Stück",
                "12,00000");
        row("lines.csv", BON, "3", "", "Rabatt 10 %", "", "Rabatt", "", "", "0", "", "", "", "", "", "", "", "", "");
        row(
                "transactions_tse.csv",
                BON,
                "1",
                "4711",
                "2025-03-14T17:04:58.000Z",
                "2025-03-14T17:05:09.000Z",
                "Kassenbeleg-V1",
                "9876",
                sig,
                "",
                PROCESS_DATA);
        row("transactions_vat.csv", BON, "1", "10,80000", "9,08000", "1,72000");
        row("transactions_vat.csv", BON, "2", "8,09000", "7,56000", "0,53000");
        row("lines_vat.csv", BON, "1", "2", "8,99000", "8,40000", "0,59000");
        row("lines_vat.csv", BON, "2", "1", "12,00000", "10,09000", "1,91000");
        row("lines_vat.csv", BON, "3", "1", "-1,20000", "-1,01000", "-0,19000");
        row("lines_vat.csv", BON, "3", "2", "-0,90000", "-0,84000", "-0,06000");
        return this;
    }

    /** A row of {@code file}: the closing key, then the remaining columns in order. */
    void row(String file, String... rest) {
        String[] values = new String[3 + rest.length];
        values[0] = KASSE;
        values[1] = Z;
        values[2] = "42";
        System.arraycopy(rest, 0, values, 3, rest.length);
        if (values.length != schema.table(file).columns().size()) {
            throw new IllegalArgumentException(file + ": " + values.length + " values");
        }
        rows.computeIfAbsent(file, k -> new ArrayList<>()).add(values);
    }

    Sample set(String file, int row, String column, String value) {
        rows.get(file).get(row)[schema.table(file).index(column)] = value;
        return this;
    }

    String get(String file, int row, String column) {
        return rows.get(file).get(row)[schema.table(file).index(column)];
    }

    Sample remove(String file, int row) {
        rows.get(file).remove(row);
        return this;
    }

    byte[] tar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveWriter.write(out, Path.of(System.getProperty("java.io.tmpdir")), Instant.now(), (table, w) -> {
            for (String[] v : rows.getOrDefault(table.file(), List.of())) {
                w.write(Csv.line(v));
            }
        });
        return out.toByteArray();
    }

    /** The archive with one member's bytes changed ({@code null} from the function drops the member). */
    static byte[] rewrite(byte[] tar, String member, UnaryOperator<byte[]> change) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar));
                TarArchiveOutputStream o = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals(member)) {
                    bytes = change.apply(bytes);
                    if (bytes == null) {
                        continue;
                    }
                }
                TarArchiveEntry n = new TarArchiveEntry(e.getName());
                n.setSize(bytes.length);
                o.putArchiveEntry(n);
                o.write(bytes);
                o.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }
}
