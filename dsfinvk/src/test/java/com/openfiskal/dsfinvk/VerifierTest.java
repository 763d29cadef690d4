package com.openfiskal.dsfinvk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.dsfinvk.verify.Finding;
import com.openfiskal.dsfinvk.verify.Verifier;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VerifierTest {

    private static final Path REFERENCE = Path.of("../../shared/reference/dsfinvk");

    @Test
    void shippedIndexAndDtdAreTheReferenceCopiesByteForByte() throws Exception {
        assertArrayEquals(
                Files.readAllBytes(REFERENCE.resolve("index.xml")),
                Schema.official().indexXml());
        assertArrayEquals(Files.readAllBytes(REFERENCE.resolve("gdpdu-01-09-2004.dtd")), Schema.dtd());
        assertEquals(20, Schema.official().tables().size());
        assertEquals("cashpointclosing.csv", Schema.official().tables().get(0).file());
        assertEquals("Z_GV_Typ", Schema.official().table("businesscases.csv").name());
        assertEquals(23, Schema.official().table("transactions.csv").columns().size());
        assertEquals(
                5, Schema.official().table("lines_vat.csv").columns().get(6).accuracy());
    }

    @Test
    void theWorkedExamplePassesWithItsSignatureRecomputed() throws Exception {
        Verifier.Report report = verify(Sample.valid().tar());
        assertTrue(report.ok(), report.findings().toString());
        assertEquals(0, report.findings().size(), report.findings().toString());
        assertEquals(1, report.signaturesVerified());
        assertEquals(1, report.bons());
    }

    @Test
    void csvDialectRules() throws Exception {
        byte[] tar = Sample.valid().tar();
        expect(
                Sample.rewrite(
                        tar,
                        "lines.csv",
                        b -> new String(b, StandardCharsets.UTF_8)
                                .replace("\r\n", "\n")
                                .getBytes(StandardCharsets.UTF_8)),
                "D-CRLF",
                "lines.csv");
        expect(
                Sample.rewrite(tar, "vat.csv", b -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b)),
                "D-BOM",
                "vat.csv");
        expect(
                Sample.rewrite(
                        tar,
                        "payment.csv",
                        b -> new String(b, StandardCharsets.UTF_8)
                                .replace("ZAHLART_TYP;ZAHLART_NAME", "ZAHLART_NAME;ZAHLART_TYP")
                                .getBytes(StandardCharsets.UTF_8)),
                "D-HEADER",
                "payment.csv");
        expect(
                Sample.rewrite(
                        tar,
                        "payment.csv",
                        b -> new String(b, StandardCharsets.UTF_8)
                                .replace(";10,00\r\n", ";10,00;\r\n")
                                .getBytes(StandardCharsets.UTF_8)),
                "D-COLUMNS",
                "payment.csv");
        expect(
                Sample.rewrite(tar, "location.csv", b -> concat(b, new byte[] {'x', (byte) 0xC3})),
                "D-ENCODING",
                "location.csv");
        expect(Sample.rewrite(tar, "index.xml", b -> null), "A-MEMBERS", "index.xml");
        expect(Sample.rewrite(tar, "gdpdu-01-09-2004.dtd", b -> null), "A-DTD", "gdpdu-01-09-2004.dtd");
        expect(
                Sample.rewrite(
                        tar,
                        "index.xml",
                        b -> new String(b, StandardCharsets.UTF_8)
                                .replace("gdpdu-01-09-2004.dtd", "gdpdu-01-08-2002.dtd")
                                .getBytes(StandardCharsets.UTF_8)),
                "A-DTD",
                "index.xml");
    }

    @Test
    void typesLengthsAndCodeLists() throws Exception {
        expect(Sample.valid().set("payment.csv", 0, "Z_ZAHLART_BETRAG", "1.010,00"), "T-NUMERIC", "payment.csv");
        expect(Sample.valid().set("transactions.csv", 0, "BON_NR", "4711,0"), "T-NUMERIC", "transactions.csv");
        expect(
                Sample.valid().set("cash_per_currency.csv", 0, "ZAHLART_BETRAG_WAEH", "10,000"),
                "T-ACCURACY",
                "cash_per_currency.csv");
        expect(Sample.valid().set("lines.csv", 0, "ART_NR", "A".repeat(51)), "T-LENGTH", "lines.csv");
        expect(Sample.valid().set("datapayment.csv", 1, "ZAHLART_TYP", "GuthabenKarte"), "T-ENUM", "datapayment.csv");
        expect(Sample.valid().set("transactions.csv", 0, "BON_TYP", "AVLeergut"), "T-ENUM", "transactions.csv");
        expect(Sample.valid().set("transactions.csv", 0, "BEDIENER_ID", ""), "T-MANDATORY", "transactions.csv");
        expect(
                Sample.valid().set("transactions.csv", 0, "BON_START", "14.03.2025 18:04"),
                "T-TIME",
                "transactions.csv");
    }

    @Test
    void keysAndReferencesBetweenFiles() throws Exception {
        expect(
                Sample.valid().set("cashpointclosing.csv", 0, "STNR", "").set("cashpointclosing.csv", 0, "USTID", ""),
                "I-5",
                "cashpointclosing.csv");
        expect(Sample.valid().remove("cashregister.csv", 0), "I-5", "cashpointclosing.csv");
        expect(Sample.valid().set("lines_vat.csv", 0, "Z_NR", "43"), "I-1", "lines_vat.csv");
        expect(Sample.valid().set("datapayment.csv", 0, "BON_ID", "K-001-999"), "I-6", "datapayment.csv");
        expect(Sample.valid().set("lines_vat.csv", 0, "POS_ZEILE", "9"), "I-6", "lines_vat.csv");
        expect(Sample.valid().remove("vat.csv", 1), "I-7", "transactions_vat.csv");
        expect(Sample.valid().set("transactions_tse.csv", 0, "TSE_ID", "2"), "I-7", "transactions_tse.csv");
        expect(
                Sample.valid().set("cashpointclosing.csv", 0, "Z_ENDE_ID", "K-001-000122"),
                "I-4",
                "cashpointclosing.csv");
        Sample dup = Sample.valid();
        dup.rows.get("lines.csv").add(dup.rows.get("lines.csv").get(2).clone());
        expect(dup, "I-3", "lines.csv");
        expect(Sample.valid().remove("transactions_tse.csv", 0), "I-17", "transactions.csv");
    }

    @Test
    void amountInvariants() throws Exception {
        expect(Sample.valid().set("lines_vat.csv", 1, "POS_NETTO", "10,10000"), "I-8", "lines_vat.csv");
        expect(Sample.valid().set("transactions.csv", 0, "UMS_BRUTTO", "18,90"), "I-9", "transactions.csv");
        expect(
                Sample.valid()
                        .set("lines_vat.csv", 0, "POS_BRUTTO", "9,00000")
                        .set("lines_vat.csv", 0, "POS_NETTO", "8,41000"),
                "I-10",
                "transactions.csv");
        expect(
                Sample.valid()
                        .set("datapayment.csv", 0, "BASISWAEH_BETRAG", "11,00")
                        .set("payment.csv", 0, "Z_ZAHLART_BETRAG", "11,00")
                        .set("cash_per_currency.csv", 0, "ZAHLART_BETRAG_WAEH", "11,00")
                        .set("cashpointclosing.csv", 0, "Z_SE_ZAHLUNGEN", "19,89")
                        .set("cashpointclosing.csv", 0, "Z_SE_BARZAHLUNGEN", "11,00"),
                "I-11",
                "transactions.csv");
        expect(
                Sample.valid()
                        .set("businesscases.csv", 0, "Z_UMS_BRUTTO", "12,01000")
                        .set("businesscases.csv", 0, "Z_UMS_NETTO", "10,10000"),
                "I-12",
                "businesscases.csv");
        expect(Sample.valid().set("payment.csv", 1, "ZAHLART_NAME", "Visa"), "I-13", "payment.csv");
        expect(
                Sample.valid().set("cashpointclosing.csv", 0, "Z_SE_BARZAHLUNGEN", "8,89"),
                "I-13",
                "cashpointclosing.csv");
        expect(
                Sample.valid().set("cash_per_currency.csv", 0, "ZAHLART_BETRAG_WAEH", "18,89"),
                "I-15",
                "cash_per_currency.csv");
        expect(Sample.valid().set("transactions.csv", 0, "BON_STORNO", "1"), "I-16", "transactions.csv");
        expect(
                Sample.valid().set("transactions.csv", 0, "BON_ENDE", "2025-03-14T22:00:01+01:00"),
                "I-20",
                "transactions.csv");
    }

    @Test
    void tseRulesAndSignatures() throws Exception {
        expect(Sample.valid().set("tse.csv", 0, "TSE_SERIAL", "00".repeat(32)), "I-19", "tse.csv");
        Sample sig = Sample.valid();
        String s = sig.get("transactions_tse.csv", 0, "TSE_TA_SIG");
        sig.set("transactions_tse.csv", 0, "TSE_TA_SIG", (s.charAt(0) == 'A' ? "B" : "A") + s.substring(1));
        expect(sig, "SIG", "transactions_tse.csv");
        expect(Sample.valid().set("transactions_tse.csv", 0, "TSE_TA_SIGZ", "9877"), "SIG", "transactions_tse.csv");
        expect(
                Sample.valid().set("transactions_tse.csv", 0, "TSE_TA_ENDE", "2025-03-14T17:05:10.000Z"),
                "SIG",
                "transactions_tse.csv");
        expect(
                Sample.valid()
                        .set(
                                "transactions_tse.csv",
                                0,
                                "TSE_VORGANGSDATEN",
                                "Beleg^10.80_8.09_0.00_0.00_0.00^18.89:Bar"),
                "I-18",
                "transactions_tse.csv");
        expect(
                Sample.valid().set("transactions_tse.csv", 0, "TSE_TA_START", "2025-03-14T17:06:00.000Z"),
                "I-17",
                "transactions_tse.csv");

        Verifier.Report unverifiable = verify(Sample.valid()
                .set("transactions_tse.csv", 0, "TSE_VORGANGSDATEN", "")
                .tar());
        assertTrue(unverifiable.ok(), "a missing processData is not an error of the archive");
        assertEquals(0, unverifiable.signaturesVerified());
        assertEquals(
                1,
                unverifiable.count(Finding.Severity.UNVERIFIABLE),
                unverifiable.findings().toString());
    }

    @Test
    void closingNumbersHaveNoGapsAndTimesNeverDecrease() throws Exception {
        Sample gap = Sample.valid();
        String[] later = gap.rows.get("cashpointclosing.csv").get(0).clone();
        later[2] = "44";
        gap.rows.get("cashpointclosing.csv").add(later);
        expect(gap, "I-2", "cashpointclosing.csv");
        Sample earlier = Sample.valid();
        String[] next = earlier.rows.get("cashpointclosing.csv").get(0).clone();
        next[1] = "2025-03-13T22:00:00+01:00";
        next[2] = "43";
        earlier.rows.get("cashpointclosing.csv").add(next);
        expect(earlier, "I-2", "cashpointclosing.csv");
    }

    @Test
    void bonTypeAndTerminalRules() throws Exception {
        expect(Sample.valid().set("transactions.csv", 0, "BON_TYP", "AVSonstige"), "I-16", "transactions.csv");
        expect(Sample.valid().set("transactions.csv", 0, "TERMINAL_ID", "T-9"), "I-7", "transactions.csv");
        expect(Sample.valid().set("lines.csv", 0, "AGENTUR_ID", "3"), "I-7", "lines.csv");
    }

    @Test
    void aSignatureThatCannotBeRebuiltIsUnverifiableNeverPassed() throws Exception {
        Verifier.Report other = verify(
                Sample.valid().set("tse.csv", 0, "TSE_ZEITFORMAT", "utcTime").tar());
        assertEquals(0, other.signaturesVerified());
        assertTrue(
                other.findings().stream()
                        .anyMatch(f -> f.severity() == Finding.Severity.UNVERIFIABLE
                                && f.rule().equals("SIG")),
                other.findings().toString());
    }

    @Test
    void referencesMustResolve() throws Exception {
        Sample ref = Sample.valid();
        ref.row("references.csv", Sample.BON, "", "Transaktion", "", Sample.Z, Sample.KASSE, "42", "K-001-000001");
        expect(ref, "I-21", "references.csv");
        Sample ok = Sample.valid();
        ok.row("references.csv", Sample.BON, "", "Transaktion", "", Sample.Z, Sample.KASSE, "42", Sample.BON);
        assertTrue(verify(ok.tar()).ok());
        Sample external = Sample.valid();
        external.row("references.csv", Sample.BON, "", "ExterneSonstige", "", "", "", "", "R-77");
        expect(external, "I-21", "references.csv");
    }

    private static void expect(Sample sample, String rule, String file) throws Exception {
        expect(sample.tar(), rule, file);
    }

    private static void expect(byte[] tar, String rule, String file) throws Exception {
        Verifier.Report report = verify(tar);
        assertFalse(report.ok(), "expected an error " + rule + " in " + file);
        String all = report.findings().stream().map(Finding::toString).collect(Collectors.joining("\n"));
        assertTrue(
                report.findings().stream()
                        .anyMatch(f -> f.severity() == Finding.Severity.ERROR
                                && f.rule().equals(rule)
                                && f.file().equals(file)),
                "expected " + rule + " in " + file + ", got:\n" + all);
    }

    private static Verifier.Report verify(byte[] tar) throws Exception {
        return Verifier.verify(new ByteArrayInputStream(tar));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
