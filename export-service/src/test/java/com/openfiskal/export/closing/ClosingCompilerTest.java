package com.openfiskal.export.closing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.kassensichv.ProcessData;
import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import com.openfiskal.dsfinvk.ArchiveWriter;
import com.openfiskal.dsfinvk.verify.Finding;
import com.openfiskal.dsfinvk.verify.Verifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
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
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping of DSFINVK.md §11 on the edge cases the end-to-end test does not reach, each Bon signed by a
 * real key exactly as the TSE would (processData from the shared {@link ProcessData}), and every compiled
 * closing checked by the verifier with its signatures recomputed.
 */
class ClosingCompilerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTER = "reg_01KJPW8P00S2NPZ59C22QQK9F9";

    private KeyPair pair;
    private String serial;
    private ClosingCompiler.Tss tss;
    private long counter;
    private long transaction;
    private int sequence;
    private Instant clock;

    @BeforeEach
    void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        pair = g.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        serial = HexFormat.of().formatHex(TseKeys.serialNumber(pub));
        X500Name name = new X500Name("CN=UNCERTIFIED TEST TSE");
        byte[] cert = new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.TEN,
                        Date.from(Instant.now()),
                        Date.from(Instant.now().plus(Duration.ofDays(30))),
                        name,
                        pub)
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()))
                .getEncoded();
        tss = new ClosingCompiler.Tss(
                serial,
                Base64.getEncoder().encodeToString(TseKeys.uncompressedPoint(pub)),
                Base64.getEncoder().encodeToString(cert),
                "ecdsa-plain-SHA256",
                "unixTime");
        counter = 100;
        transaction = 40;
        clock = Instant.parse("2026-03-14T08:00:00Z");
    }

    @Test
    void edgeCasesCompileToAClosingThatPassesTheVerifier() throws Exception {
        List<JsonNode> ops = new ArrayList<>();
        ops.add(sessionEvent("SESSION_OPEN", "opening_balance_amount", "100.00", null));
        // a gift card sold (MehrzweckgutscheinKauf) with a 16 % item recorded in 2026 (historical key 21)
        ObjectNode giftSale = goods(
                "SALE",
                List.of(
                        line("Geschenkkarte", "1", "25.00", "25.00", null, "gift_card"),
                        line("Altbestand", "1", "11.60", "11.60", "0.16", null)),
                "0.00");
        ops.add(complete(giftSale, List.of(leg("cash", "36.60", null))));
        // weighed goods: 0.333 kg × 8.99 = 2.99367, rounded to 2.99, not a discount
        ObjectNode weighed = goods("SALE", List.of(line("Käse", "0.333", "8.99", "2.99", "0.07", null)), "0.00");
        ops.add(complete(weighed, List.of(leg("digital_wallet", "2.99", "PayPal"))));
        // paid entirely by a voucher: no payment type, Keine 0,00
        ObjectNode voucherPaid = goods("SALE", List.of(line("Kuchen", "1", "4.50", "4.50", "0.07", null)), "0.00");
        ops.add(complete(voucherPaid, List.of(leg("voucher", "4.50", null))));
        // an exchange within the session, referencing the weighed sale
        ObjectNode exchange = goods(
                "EXCHANGE",
                List.of(
                        line("Käse", "0.333", "8.99", "-2.99", "0.07", null),
                        line("Wein", "1", "9.90", "9.90", "0.19", null)),
                "0.00");
        exchange.put("related_operation_id", weighed.path("id").asText());
        ops.add(complete(exchange, List.of(leg("card", "6.91", "girocard"))));
        // a return of a sale made elsewhere (migration): external reference
        ObjectNode external = goods("RETURN", List.of(line("Tasse", "2", "6.00", "-12.00", "0.19", null)), "0.00");
        external.putObject("external_related_operation").put("external_operation_id", "ALT-4711");
        ops.add(complete(external, List.of(leg("cash", "-12.00", null))));
        // a session event whose signing failed: recorded with TSE_TA_FEHLER
        ops.add(sessionEvent("SESSION_CASH_ADJUSTMENT", "amount", "-50.00", "private_withdrawal"));
        ObjectNode failed = (ObjectNode) sessionEvent("SESSION_CASH_ADJUSTMENT", "amount", "10.00", "pay_in");
        failed.putNull("fiscal_information");
        failed.putObject("fiscal_error").put("phase", 1).put("message", "TSE unreachable");
        ops.add(failed);
        ops.add(sessionEvent("SESSION_CLOSE", "closing_transfer_amount", "-74.60", null));

        ClosingCompiler.Result result = compile(ops, 7);
        Verifier.Report report = verify(result);
        assertTrue(report.ok(), report.findings().toString());
        assertEquals(9, report.bons());
        assertEquals(8, report.signaturesVerified());
        assertEquals(
                0,
                report.count(Finding.Severity.UNVERIFIABLE),
                report.findings().toString());

        String lines = String.join("", result.lines().get("lines.csv"));
        assertTrue(lines.contains(";MehrzweckgutscheinKauf;"), lines);
        assertTrue(lines.contains(";MehrzweckgutscheinEinloesung;"), lines);
        assertTrue(lines.contains(";Privatentnahme;"), lines);
        assertTrue(lines.contains(";Einzahlung;"), lines);
        assertTrue(lines.contains(";0,333;;;8,99000"), "weighed goods at quantity × unit price: " + lines);
        assertTrue(lines.contains(";-2,000;;;6,00000"), "a return has MENGE < 0, STK_BR > 0: " + lines);
        String vat = String.join("", result.lines().get("vat.csv"));
        assertTrue(vat.contains(";21;16,00;"), "16 % recorded in 2026 is historical key 21: " + vat);
        String payments = String.join("", result.lines().get("datapayment.csv"));
        assertTrue(payments.contains(";Keine;;EUR;;0,00"), payments);
        assertTrue(payments.contains(";ElZahlungsdienstleister;PayPal;"), payments);
        assertTrue(payments.contains(";ECKarte;girocard;"), payments);
        String tse = String.join("", result.lines().get("transactions_tse.csv"));
        assertTrue(tse.contains("TSE-Ausfall: TSE unreachable"), tse);
        String refs = String.join("", result.lines().get("references.csv"));
        assertTrue(refs.contains(";ExterneSonstige;Ursprungsbeleg;;;;ALT-4711"), refs);
        assertTrue(refs.contains(";Transaktion;"), refs);
        assertEquals(
                result.bonIds(), ops.stream().map(o -> o.path("id").asText()).toList());
    }

    @Test
    void compilingIsDeterministic() throws Exception {
        List<JsonNode> ops = new ArrayList<>();
        ops.add(sessionEvent("SESSION_OPEN", "opening_balance_amount", "0.00", null));
        ObjectNode sale = goods("SALE", List.of(line("Brot", "1", "3.20", "3.20", "0.07", null)), "0.00");
        ops.add(complete(sale, List.of(leg("cash", "3.20", null))));
        ops.add(sessionEvent("SESSION_CLOSE", "closing_transfer_amount", "-3.20", null));
        List<JsonNode> reversed = new ArrayList<>(ops);
        java.util.Collections.reverse(reversed);
        assertEquals(compile(ops, 1).lines(), compile(reversed, 1).lines());
    }

    @Test
    void anOverlongValueFailsTheClosingInsteadOfBeingTruncated() throws Exception {
        List<JsonNode> ops = new ArrayList<>();
        ObjectNode sale = goods("SALE", List.of(line("Brot", "1", "3.20", "3.20", "0.07", null)), "0.00");
        ((ObjectNode) sale.path("line_items").get(0)).put("article_number", "A".repeat(51));
        ops.add(complete(sale, List.of(leg("cash", "3.20", null))));
        assertThrows(IllegalArgumentException.class, () -> compile(ops, 1));
    }

    // --- building operations as the fiscalization-service publishes them ---------------------------

    private ClosingCompiler.Result compile(List<JsonNode> ops, long closingNumber) {
        ObjectNode closed = JSON.createObjectNode();
        ObjectNode session = closed.putObject("session");
        session.put("id", "ses_01KKNNMNTJMYHVMRZV2QJJRXWX");
        session.put("register_id", REGISTER);
        session.put("currency", "EUR");
        session.put("closing_number", closingNumber);
        session.put("closed_at", clock.plusSeconds(60).toString());
        ObjectNode md = closed.putObject("master_data");
        ObjectNode m = md.putObject("merchant");
        m.put("legal_name", "Café Morgenrot GmbH")
                .put("tax_number", "29/815/08150")
                .putNull("vat_id");
        address(m.putObject("address"));
        ObjectNode l = md.putObject("location");
        l.put("name", "Filiale Kreuzberg").put("timezone", "Europe/Berlin");
        address(l.putObject("address"));
        md.putObject("register").put("name", "Kasse 1").put("client_serial_number", REGISTER);
        return new ClosingCompiler(closed, ops, serial, s -> s.equals(serial) ? tss : null, id -> Optional.empty())
                .compile();
    }

    private static void address(ObjectNode a) {
        a.put("line1", "Oranienstraße 12")
                .putNull("line2")
                .put("city", "Berlin")
                .put("postal_code", "10999");
        a.put("country_code", "DEU");
    }

    private Verifier.Report verify(ClosingCompiler.Result result) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveWriter.write(out, Path.of(System.getProperty("java.io.tmpdir")), Instant.now(), (table, w) -> {
            for (String line : result.lines().get(table.file())) {
                w.write(line);
            }
        });
        return Verifier.verify(new ByteArrayInputStream(out.toByteArray()));
    }

    private String nextId() {
        return "op_01KKNXF0CGJ6D58XA6TB7MG" + String.format("%03d", ++sequence);
    }

    private ObjectNode goods(String type, List<ObjectNode> items, String tip) {
        ObjectNode op = JSON.createObjectNode();
        op.put("id", nextId()).put("type", type).put("source", "POS").put("status", "COMPLETED");
        op.put("currency", "EUR").put("register_id", REGISTER).put("tip_amount", tip);
        clock = clock.plusSeconds(30);
        op.put("created_at", clock.toString());
        ArrayNode li = op.putArray("line_items");
        items.forEach(li::add);
        return op;
    }

    private static ObjectNode line(String title, String qty, String unit, String total, String rate, String type) {
        ObjectNode l = JSON.createObjectNode();
        l.put("title", title)
                .put("quantity", new BigDecimal(qty))
                .put("unit_price", unit)
                .put("total_amount", total);
        l.put("type", type);
        ArrayNode taxes = l.putArray("taxes");
        if (rate != null) {
            taxes.addObject().put("rate", rate).put("tax_amount", "0.00");
        }
        return l;
    }

    private static ObjectNode leg(String method, String amount, String brandOrId) {
        ObjectNode p = JSON.createObjectNode();
        p.put("method", method).put("status", "captured").put("amount", amount).put("currency", "EUR");
        switch (method) {
            case "card" -> p.put("card_brand", brandOrId);
            case "digital_wallet" -> p.put("processor", brandOrId);
            case "gift_card" -> p.put("gift_card_id", brandOrId);
            default -> {}
        }
        return p;
    }

    private JsonNode complete(ObjectNode op, List<ObjectNode> legs) throws Exception {
        ArrayNode payments = op.putArray("payments");
        legs.forEach(payments::add);
        List<ProcessData.Line> lines = new ArrayList<>();
        for (JsonNode l : op.path("line_items")) {
            JsonNode taxes = l.path("taxes");
            lines.add(new ProcessData.Line(
                    new BigDecimal(l.path("total_amount").asText()),
                    taxes.isEmpty()
                            ? null
                            : new BigDecimal(taxes.get(0).path("rate").asText()),
                    "gift_card".equals(l.path("type").asText())));
        }
        List<ProcessData.Leg> pd = legs.stream()
                .map(p -> new ProcessData.Leg(
                        p.path("method").asText(),
                        new BigDecimal(p.path("amount").asText())))
                .toList();
        String processData =
                ProcessData.receipt(lines, new BigDecimal(op.path("tip_amount").asText()), pd);
        clock = clock.plusSeconds(10);
        op.put("completed_at", clock.toString());
        sign(op, processData);
        return op;
    }

    private JsonNode sessionEvent(String type, String field, String amount, String kind) throws Exception {
        ObjectNode op = JSON.createObjectNode();
        op.put("id", nextId()).put("type", type).put("source", "POS").put("status", "COMPLETED");
        op.put("currency", "EUR").put("register_id", REGISTER).put(field, amount);
        if (kind != null) {
            op.put("kind", kind);
        }
        clock = clock.plusSeconds(30);
        op.put("created_at", clock.toString());
        sign(op, ProcessData.sessionEvent(new BigDecimal(amount)));
        return op;
    }

    private void sign(ObjectNode op, String processData) throws Exception {
        LogMessageWriter writer = new LogMessageWriter(
                HexFormat.of().parseHex(serial), TseAlgorithms.ECDSA_PLAIN_SHA256, pair.getPrivate());
        long number = ++transaction;
        Instant start = clock;
        byte[] startLog =
                writer.transactionLog("StartTransaction", REGISTER, new byte[0], "", number, ++counter, start);
        Instant end = clock.plusSeconds(1);
        long finishCounter = ++counter;
        byte[] finish = writer.transactionLog(
                "FinishTransaction",
                REGISTER,
                processData.getBytes(StandardCharsets.UTF_8),
                ProcessData.PROCESS_TYPE,
                number,
                finishCounter,
                end);
        ObjectNode fi = op.putObject("fiscal_information");
        fi.put("regime", "KassenSichV").put("tse_certified", false).put("tss_serial_number", serial);
        fi.put("pos_client_serial_number", REGISTER).put("document_number", number);
        fi.put("signature_algorithm", "ecdsa-plain-SHA256").put("time_format", "unixTime");
        fi.putObject("start_event")
                .put("signed_at", start.toString())
                .put("transaction_counter", finishCounter - 1)
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(LogMessage.parse(startLog).signatureValue()));
        fi.putObject("end_event")
                .put("signed_at", end.toString())
                .put("transaction_counter", finishCounter)
                .put(
                        "signature",
                        Base64.getEncoder()
                                .encodeToString(LogMessage.parse(finish).signatureValue()));
        fi.put("process_type", ProcessData.PROCESS_TYPE).put("process_data", processData);
        fi.putObject("verification").put("qr_data", "");
        op.putNull("fiscal_error");
    }
}
