package com.openfiskal.export.closing;

import com.fasterxml.jackson.databind.JsonNode;
import com.openfiskal.contracts.kassensichv.Vat;
import com.openfiskal.contracts.kassensichv.VatTable;
import com.openfiskal.dsfinvk.Csv;
import com.openfiskal.dsfinvk.Row;
import com.openfiskal.dsfinvk.Schema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns one closed session into the rows of its DSFinV-K cashpoint closing, by the mapping of DSFINVK.md §11:
 * every operation of the session becomes a Bon (sales, returns and exchanges a {@code Beleg} with item,
 * {@code Rabatt}, tip and voucher-redemption lines; a void an {@code AVBelegabbruch}; each session event a
 * {@code Beleg} with its cash business case), with its VAT rows as the receipt prints them, its payments,
 * its TSE transaction and references; then the closing module (business cases, payment types, cash per
 * currency) is summed from the Belege and the master data is written from the snapshot taken at close.
 * Pure: the same inputs give the same rows, which is what makes compilation idempotent.
 */
public final class ClosingCompiler {

    /** A TSS as the register events describe it (tse.csv). */
    public record Tss(String serial, String publicKey, String certificate, String algorithm, String timeFormat) {}

    /** Where an earlier Bon lives, for {@code references.csv}. */
    public record BonRef(String kasseId, String erstellung, long closingNumber) {}

    /** The rows, as CSV lines per table file in index.xml order, and the Bons written (operation ids). */
    public record Result(Map<String, List<String>> lines, List<String> bonIds, BonRef closing) {}

    static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    static final int NOT_TAXABLE = 5;
    private static final String SOFTWARE = "OpenFiskal";

    private final Schema schema = Schema.official();
    private final JsonNode session;
    private final JsonNode masterData;
    private final List<JsonNode> operations;
    private final Function<String, Tss> tssBySerial;
    private final Function<String, Optional<BonRef>> earlierBons;
    private final String registerSerial;
    private final Map<String, List<String>> out = new LinkedHashMap<>();
    private final String kasse;
    private final String erstellung;
    private final long zNr;
    private final ZoneId zone;
    private final Instant closedAt;
    private final Map<String, Integer> tseIds = new LinkedHashMap<>();
    private final Map<Integer, BigDecimal> vatRates = new TreeMap<>();
    private final Map<String, BigDecimal[]> businessCases = new LinkedHashMap<>();
    private final Map<String, BigDecimal> paymentTypes = new LinkedHashMap<>();
    private BigDecimal cash = BigDecimal.ZERO;
    private long failedSequence;

    /**
     * @param closed the {@code data} of the {@code session.closed} event
     * @param operations every operation the event counts, as their events carried them
     * @param registerSerial the register's TSS, named for a Bon whose signing failed
     */
    public ClosingCompiler(
            JsonNode closed,
            List<JsonNode> operations,
            String registerSerial,
            Function<String, Tss> tssBySerial,
            Function<String, Optional<BonRef>> earlierBons) {
        this.registerSerial = registerSerial;
        this.session = closed.path("session");
        this.masterData = closed.path("master_data");
        this.operations = new ArrayList<>(operations);
        this.operations.sort(Comparator.comparing(o -> o.path("id").asText()));
        this.tssBySerial = tssBySerial;
        this.earlierBons = earlierBons;
        for (Schema.Table t : schema.tables()) {
            out.put(t.file(), new ArrayList<>());
        }
        this.kasse = masterData.path("register").path("client_serial_number").asText();
        this.zone = ZoneId.of(masterData.path("location").path("timezone").asText("Europe/Berlin"));
        this.closedAt = Instant.parse(session.path("closed_at").asText());
        this.erstellung = Csv.localTime(closedAt, zone);
        this.zNr = session.path("closing_number").asLong();
    }

    public Result compile() {
        List<String> bonIds = new ArrayList<>();
        for (JsonNode op : operations) {
            if (!"POS".equals(op.path("source").asText("POS"))) {
                continue; // ONLINE operations are outside DSFinV-K (F-9)
            }
            bon(op);
            bonIds.add(op.path("id").asText());
        }
        closingModule(bonIds);
        return new Result(out, bonIds, new BonRef(kasse, erstellung, zNr));
    }

    // --- one Bon ------------------------------------------------------------------------------------

    /** A line before VAT allocation: business case, text, VAT key and rate, gross, item details. */
    private record Line(
            String gvTyp,
            String text,
            int key,
            BigDecimal rate,
            BigDecimal gross,
            BigDecimal quantity,
            BigDecimal unitPrice,
            String articleNumber,
            String gtin,
            String voucher) {}

    private void bon(JsonNode op) {
        String id = op.path("id").asText();
        String type = op.path("type").asText();
        boolean voided = "VOIDED".equals(op.path("status").asText());
        LocalDate day = instant(op.path("created_at")).atZone(zone).toLocalDate();
        List<Line> lines = new ArrayList<>();
        Map<String, BigDecimal> payments = new LinkedHashMap<>();
        String bonTyp = voided ? "AVBelegabbruch" : "Beleg";
        switch (type) {
            case "SESSION_OPEN" -> cashEvent(lines, payments, "Anfangsbestand", amount(op, "opening_balance_amount"));
            case "SESSION_CASH_ADJUSTMENT" ->
                cashEvent(lines, payments, cashCase(op.path("kind").asText()), amount(op, "amount"));
            case "SESSION_CASH_COUNT" -> cashEvent(lines, payments, "DifferenzSollIst", amount(op, "variance_amount"));
            case "SESSION_CLOSE" -> cashEvent(lines, payments, "Geldtransit", amount(op, "closing_transfer_amount"));
            default -> goods(op, day, lines, payments, voided);
        }

        Row header = row("transactions.csv").text("BON_ID", id);
        JsonNode fi = op.path("fiscal_information");
        boolean signed = fi.isObject();
        header.integer("BON_NR", signed ? fi.path("document_number").asLong() : 900_000_000L + ++failedSequence);
        header.text("BON_TYP", bonTyp).text("BON_STORNO", "0");
        Instant start = min(instant(op.path("created_at")), closedAt);
        JsonNode endNode = voided ? op.path("voided_at") : op.path("completed_at");
        Instant end = min(endNode.isTextual() ? instant(endNode) : instant(op.path("created_at")), closedAt);
        header.text("BON_START", Csv.localTime(start, zone)).text("BON_ENDE", Csv.localTime(end, zone));
        JsonNode operator = op.path("operator");
        if (operator.isObject() && operator.hasNonNull("id")) {
            header.text("BEDIENER_ID", operator.path("id").asText()).text("BEDIENER_NAME", text(operator.path("name")));
        } else {
            // no cashier given: the register itself operates (DSFINVK.md §11.1a)
            header.text("BEDIENER_ID", op.path("register_id").asText())
                    .text("BEDIENER_NAME", text(masterData.path("register").path("name")));
        }
        header.text("BON_NOTIZ", truncate(text(op.path("note")), 255));

        // VAT per key as the receipt prints it, then allocated to the lines so the sums match to the cent
        Map<Integer, List<Integer>> byKey = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            byKey.computeIfAbsent(lines.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        BigDecimal[] lineTax = new BigDecimal[lines.size()];
        BigDecimal total = BigDecimal.ZERO;
        for (Map.Entry<Integer, List<Integer>> e : byKey.entrySet()) {
            BigDecimal rate = lines.get(e.getValue().get(0)).rate();
            BigDecimal gross = BigDecimal.ZERO;
            for (int i : e.getValue()) {
                gross = gross.add(lines.get(i).gross());
            }
            BigDecimal tax = Vat.taxOf(gross, rate);
            allocate(lines, e.getValue(), rate, tax, lineTax);
            vatRates.put(e.getKey(), rate);
            row("transactions_vat.csv")
                    .text("BON_ID", id)
                    .integer("UST_SCHLUESSEL", e.getKey())
                    .number("BON_BRUTTO", gross.setScale(5))
                    .number("BON_NETTO", gross.subtract(tax).setScale(5))
                    .number("BON_UST", tax.setScale(5))
                    .appendTo(out);
            total = total.add(gross);
        }
        header.number("UMS_BRUTTO", total.setScale(2));
        header.appendTo(out);

        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String pos = Integer.toString(i + 1);
            Row line = row("lines.csv")
                    .text("BON_ID", id)
                    .text("POS_ZEILE", pos)
                    .text("GUTSCHEIN_NR", truncate(l.voucher(), 50))
                    .text("ARTIKELTEXT", truncate(l.text(), 255))
                    .text("GV_TYP", l.gvTyp())
                    .text("P_STORNO", "0")
                    .text("ART_NR", l.articleNumber())
                    .text("GTIN", l.gtin());
            if (l.quantity() != null) {
                line.number("MENGE", l.quantity()).number("STK_BR", l.unitPrice());
            }
            line.appendTo(out);
            row("lines_vat.csv")
                    .text("BON_ID", id)
                    .text("POS_ZEILE", pos)
                    .integer("UST_SCHLUESSEL", l.key())
                    .number("POS_BRUTTO", l.gross().setScale(5))
                    .number("POS_NETTO", l.gross().subtract(lineTax[i]).setScale(5))
                    .number("POS_UST", lineTax[i].setScale(5))
                    .appendTo(out);
            if ("Beleg".equals(bonTyp)) {
                String group = l.gvTyp() + "|" + l.key();
                BigDecimal[] sums = businessCases.computeIfAbsent(
                        group, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
                sums[0] = sums[0].add(l.gross());
                sums[1] = sums[1].add(l.gross().subtract(lineTax[i]));
                sums[2] = sums[2].add(lineTax[i]);
            }
        }

        if ("Beleg".equals(bonTyp)) {
            if (payments.isEmpty()) {
                payments.put("Keine|", BigDecimal.ZERO.setScale(2));
            }
            for (Map.Entry<String, BigDecimal> p : payments.entrySet()) {
                String[] tn = p.getKey().split("\\|", -1);
                row("datapayment.csv")
                        .text("BON_ID", id)
                        .text("ZAHLART_TYP", tn[0])
                        .text("ZAHLART_NAME", tn[1])
                        .text("ZAHLWAEH_CODE", op.path("currency").asText("EUR"))
                        .number("BASISWAEH_BETRAG", p.getValue().setScale(2))
                        .appendTo(out);
                paymentTypes.merge(p.getKey(), p.getValue(), BigDecimal::add);
                if (tn[0].equals("Bar")) {
                    cash = cash.add(p.getValue());
                }
            }
        }

        tse(op, id, fi);
        references(op, id);
    }

    private void goods(JsonNode op, LocalDate day, List<Line> lines, Map<String, BigDecimal> payments, boolean voided) {
        Map<Integer, BigDecimal> discount = new TreeMap<>();
        Map<Integer, BigDecimal> discountRate = new TreeMap<>();
        for (JsonNode li : op.path("line_items")) {
            BigDecimal total = amount(li, "total_amount");
            BigDecimal quantity = new BigDecimal(li.path("quantity").asText());
            BigDecimal unit = amount(li, "unit_price");
            boolean giftCard = "gift_card".equals(li.path("type").asText());
            BigDecimal rate = giftCard || li.path("taxes").isEmpty()
                    ? BigDecimal.ZERO
                    : new BigDecimal(li.path("taxes").get(0).path("rate").asText());
            int key = giftCard || li.path("taxes").isEmpty() ? NOT_TAXABLE : vatKey(rate, day);
            // DSFINVK.md §11.1a: MENGE × STK_BR has the sign of the line; returns send positive quantities
            BigDecimal menge = total.signum() < 0 && quantity.signum() > 0 ? quantity.negate() : quantity;
            BigDecimal stk = menge.signum() == 0
                    ? unit
                    : unit.abs().multiply(BigDecimal.valueOf(total.signum() * menge.signum()));
            if (total.signum() == 0) {
                stk = unit;
            }
            BigDecimal before = menge.multiply(stk);
            BigDecimal gross = total;
            // F-11: an item is written before discount and the discount as a Rabatt line of its VAT key,
            // unless the difference is only the rounding of quantity × unit price
            if (!giftCard
                    && before.subtract(total).abs().compareTo(new BigDecimal("0.01")) >= 0
                    && before.scale() <= 5) {
                gross = before;
                discount.merge(key, total.subtract(before), BigDecimal::add);
                discountRate.put(key, rate);
            }
            lines.add(new Line(
                    giftCard ? "MehrzweckgutscheinKauf" : "Umsatz",
                    li.path("title").asText(),
                    key,
                    rate,
                    gross,
                    menge.setScale(3, RoundingMode.UNNECESSARY),
                    stk.setScale(5, RoundingMode.HALF_UP),
                    articleNumber(li),
                    text(li.path("gtin")),
                    null));
        }
        String discountText = discountText(op);
        for (Map.Entry<Integer, BigDecimal> d : discount.entrySet()) {
            if (d.getValue().signum() != 0) {
                lines.add(new Line(
                        "Rabatt",
                        discountText,
                        d.getKey(),
                        discountRate.get(d.getKey()),
                        d.getValue(),
                        null,
                        null,
                        null,
                        null,
                        null));
            }
        }
        BigDecimal tip = amount(op, "tip_amount");
        if (tip.signum() != 0) {
            lines.add(new Line(
                    "TrinkgeldAN", "Trinkgeld", NOT_TAXABLE, BigDecimal.ZERO, tip, null, null, null, null, null));
        }
        if (voided) {
            return; // an aborted transaction carries no payment (I-16)
        }
        for (JsonNode p : op.path("payments")) {
            String method = p.path("method").asText();
            BigDecimal amount = amount(p, "amount");
            switch (method) {
                case "gift_card", "voucher", "store_credit" ->
                    lines.add(new Line(
                            "MehrzweckgutscheinEinloesung",
                            "Gutscheineinlösung",
                            NOT_TAXABLE,
                            BigDecimal.ZERO,
                            amount.negate(),
                            null,
                            null,
                            null,
                            null,
                            text(p.path("gift_card_id"))));
                default -> payments.merge(paymentType(p), amount, BigDecimal::add);
            }
        }
    }

    private void cashEvent(List<Line> lines, Map<String, BigDecimal> payments, String gvTyp, BigDecimal amount) {
        lines.add(new Line(gvTyp, gvTyp, NOT_TAXABLE, BigDecimal.ZERO, amount, null, null, null, null, null));
        if (amount.signum() != 0) {
            payments.put("Bar|", amount);
        }
    }

    private void tse(JsonNode op, String id, JsonNode fi) {
        Row r = row("transactions_tse.csv").text("BON_ID", id);
        if (fi.isObject()) {
            String serial = fi.path("tss_serial_number").asText();
            r.integer("TSE_ID", tseId(serial))
                    .integer("TSE_TANR", fi.path("document_number").asLong())
                    .text(
                            "TSE_TA_START",
                            Csv.tseTime(instant(fi.path("start_event").path("signed_at"))))
                    .text(
                            "TSE_TA_ENDE",
                            Csv.tseTime(instant(fi.path("end_event").path("signed_at"))))
                    .text("TSE_TA_VORGANGSART", fi.path("process_type").asText())
                    .integer(
                            "TSE_TA_SIGZ",
                            fi.path("end_event").path("transaction_counter").asLong())
                    .text("TSE_TA_SIG", fi.path("end_event").path("signature").asText())
                    .text("TSE_VORGANGSDATEN", fi.path("process_data").asText());
        } else {
            // signing failed (a session event is recorded best effort): the Bon says why (I-17)
            r.integer("TSE_ID", tseId(registerSerial));
            JsonNode error = op.path("fiscal_error");
            String why = error.isObject() ? error.path("message").asText() : "not signed by the TSE";
            r.text("TSE_TA_FEHLER", truncate("TSE-Ausfall: " + why, 200));
        }
        r.appendTo(out);
    }

    private void references(JsonNode op, String id) {
        String related = text(op.path("related_operation_id"));
        if (related != null) {
            Optional<BonRef> ref = earlierBons.apply(related);
            boolean here =
                    operations.stream().anyMatch(o -> o.path("id").asText().equals(related));
            if (here) {
                ref = Optional.of(new BonRef(kasse, erstellung, zNr));
            }
            ref.ifPresent(b -> row("references.csv")
                    .text("BON_ID", id)
                    .text("REF_TYP", "Transaktion")
                    .text("REF_DATUM", b.erstellung())
                    .text("REF_Z_KASSE_ID", b.kasseId())
                    .integer("REF_Z_NR", b.closingNumber())
                    .text("REF_BON_ID", related)
                    .appendTo(out));
        }
        JsonNode external = op.path("external_related_operation");
        if (external.isObject()) {
            String number = external.path("external_operation_id").asText();
            if (Csv.length(number) <= 40) {
                row("references.csv")
                        .text("BON_ID", id)
                        .text("REF_TYP", "ExterneSonstige")
                        .text(
                                "REF_NAME",
                                truncate(
                                        external.hasNonNull("description")
                                                ? external.path("description").asText()
                                                : "Ursprungsbeleg",
                                        40))
                        .text("REF_BON_ID", number)
                        .appendTo(out);
            }
        }
    }

    // --- the closing module and master data ---------------------------------------------------------

    private void closingModule(List<String> bonIds) {
        for (Map.Entry<String, BigDecimal[]> e : businessCases.entrySet()) {
            String[] k = e.getKey().split("\\|");
            row("businesscases.csv")
                    .text("GV_TYP", k[0])
                    .integer("UST_SCHLUESSEL", Integer.parseInt(k[1]))
                    .number("Z_UMS_BRUTTO", e.getValue()[0].setScale(5))
                    .number("Z_UMS_NETTO", e.getValue()[1].setScale(5))
                    .number("Z_UST", e.getValue()[2].setScale(5))
                    .appendTo(out);
        }
        BigDecimal allPayments = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> e : paymentTypes.entrySet()) {
            String[] tn = e.getKey().split("\\|", -1);
            row("payment.csv")
                    .text("ZAHLART_TYP", tn[0])
                    .text("ZAHLART_NAME", tn[1])
                    .number("Z_ZAHLART_BETRAG", e.getValue().setScale(2))
                    .appendTo(out);
            allPayments = allPayments.add(e.getValue());
        }
        String currency = session.path("currency").asText("EUR");
        row("cash_per_currency.csv")
                .text("ZAHLART_WAEH", currency)
                .number("ZAHLART_BETRAG_WAEH", cash.setScale(2))
                .appendTo(out);

        JsonNode merchant = masterData.path("merchant");
        JsonNode address = merchant.path("address");
        row("cashpointclosing.csv")
                .text("TAXONOMIE_VERSION", "2.4")
                .text("Z_START_ID", bonIds.isEmpty() ? "" : bonIds.get(0))
                .text("Z_ENDE_ID", bonIds.isEmpty() ? "" : bonIds.get(bonIds.size() - 1))
                .text("NAME", text(merchant.path("legal_name")))
                .text("STRASSE", street(address))
                .text("PLZ", text(address.path("postal_code")))
                .text("ORT", text(address.path("city")))
                .text("LAND", text(address.path("country_code")))
                .text("STNR", text(merchant.path("tax_number")))
                .text("USTID", text(merchant.path("vat_id")))
                .number("Z_SE_ZAHLUNGEN", allPayments.setScale(2))
                .number("Z_SE_BARZAHLUNGEN", cash.setScale(2))
                .appendTo(out);
        JsonNode location = masterData.path("location");
        JsonNode la = location.path("address");
        row("location.csv")
                .text("LOC_NAME", text(location.path("name")))
                .text("LOC_STRASSE", street(la))
                .text("LOC_PLZ", text(la.path("postal_code")))
                .text("LOC_ORT", text(la.path("city")))
                .text("LOC_LAND", text(la.path("country_code")))
                .appendTo(out);
        row("cashregister.csv")
                .text("KASSE_SERIENNR", kasse)
                .text("KASSE_SW_BRAND", SOFTWARE)
                .text("KASSE_BASISWAEH_CODE", currency)
                .appendTo(out);
        for (Map.Entry<String, Integer> e : tseIds.entrySet()) {
            Tss tss = tssBySerial.apply(e.getKey());
            String cert = tss.certificate() == null ? "" : tss.certificate();
            if (cert.length() > 2000) {
                throw new IllegalArgumentException("the TSE certificate needs more than TSE_ZERTIFIKAT_I and _II");
            }
            row("tse.csv")
                    .integer("TSE_ID", e.getValue())
                    .text("TSE_SERIAL", tss.serial())
                    .text("TSE_SIG_ALGO", tss.algorithm())
                    .text("TSE_ZEITFORMAT", tss.timeFormat())
                    .text("TSE_PD_ENCODING", "UTF-8")
                    .text("TSE_PUBLIC_KEY", tss.publicKey())
                    .text("TSE_ZERTIFIKAT_I", cert.substring(0, Math.min(1000, cert.length())))
                    .text("TSE_ZERTIFIKAT_II", cert.length() > 1000 ? cert.substring(1000) : "")
                    .appendTo(out);
        }
        for (Map.Entry<Integer, BigDecimal> e : vatRates.entrySet()) {
            row("vat.csv")
                    .integer("UST_SCHLUESSEL", e.getKey())
                    .number("UST_SATZ", e.getValue().multiply(HUNDRED).setScale(2, RoundingMode.UNNECESSARY))
                    .text("UST_BESCHR", vatDescription(e.getKey()))
                    .appendTo(out);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** A row of {@code file} with the closing key filled. */
    private Row row(String file) {
        return Row.of(schema.table(file))
                .text("Z_KASSE_ID", kasse)
                .text("Z_ERSTELLUNG", erstellung)
                .integer("Z_NR", zNr);
    }

    private int tseId(String serial) {
        if (!tseIds.containsKey(serial) && tssBySerial.apply(serial) == null) {
            throw new IllegalStateException("TSS " + serial + " is not known yet");
        }
        return tseIds.computeIfAbsent(serial, s -> tseIds.size() + 1);
    }

    /**
     * The tax of each line of one VAT key: its own share half-up, and the cent that rounding leaves over
     * goes to the largest line, so Σ lines = the Bon's printed tax exactly (I-10).
     */
    private static void allocate(
            List<Line> lines, List<Integer> idx, BigDecimal rate, BigDecimal tax, BigDecimal[] out) {
        BigDecimal sum = BigDecimal.ZERO;
        int largest = idx.get(0);
        for (int i : idx) {
            out[i] = Vat.taxOf(lines.get(i).gross(), rate);
            sum = sum.add(out[i]);
            if (lines.get(i).gross().abs().compareTo(lines.get(largest).gross().abs()) > 0) {
                largest = i;
            }
        }
        out[largest] = out[largest].add(tax.subtract(sum));
    }

    static int vatKey(BigDecimal rate, LocalDate day) {
        return VatTable.find(rate)
                .map(r -> r.keyOn(day))
                .orElseThrow(() -> new IllegalArgumentException("VAT rate " + rate + " is not in the VAT table"));
    }

    static String vatDescription(int key) {
        return switch (key) {
            case 1 -> "Regelsteuersatz";
            case 2 -> "Ermäßigter Steuersatz";
            case 3 -> "Durchschnittsatz (§ 24 Abs. 1 Nr. 3 UStG)";
            case 4 -> "Durchschnittsatz (§ 24 Abs. 1 Nr. 1 UStG)";
            case 5 -> "Nicht Steuerbar";
            case 6 -> "Umsatzsteuerfrei";
            default -> "Historischer Steuersatz (Schlüssel " + key + ")";
        };
    }

    /** The DSFinV-K business case of a cash adjustment kind (API.md §7.4, DSFINVK.md F-4). */
    static String cashCase(String kind) {
        return switch (kind) {
            case "pay_in" -> "Einzahlung";
            case "pay_out" -> "Auszahlung";
            case "drop", "transfer_in" -> "Geldtransit";
            case "private_withdrawal" -> "Privatentnahme";
            case "private_deposit" -> "Privateinlage";
            case "wage_payment" -> "Lohnzahlung";
            case "tip_payout" -> "TrinkgeldAN";
            case "correction" -> "DifferenzSollIst";
            default -> throw new IllegalArgumentException("unknown cash adjustment kind " + kind);
        };
    }

    /** ZAHLART_TYP|ZAHLART_NAME of a payment leg (DSFINVK.md §11.2, F-8). */
    static String paymentType(JsonNode p) {
        String brand = text(p.path("card_brand"));
        return switch (p.path("method").asText()) {
            case "cash" -> "Bar|";
            case "card" -> {
                if (brand == null) {
                    yield "Unbar|Karte";
                }
                String b = brand.toLowerCase(java.util.Locale.ROOT);
                boolean debit = b.contains("giro")
                        || b.contains("maestro")
                        || b.contains("v pay")
                        || b.contains("vpay")
                        || b.contains("debit")
                        || b.equals("ec");
                yield (debit ? "ECKarte|" : "Kreditkarte|") + truncate(brand, 60);
            }
            case "digital_wallet" ->
                "ElZahlungsdienstleister|"
                        + truncate(
                                Optional.ofNullable(text(p.path("processor"))).orElse("Zahlungsdienstleister"), 60);
            case "bank_transfer" -> "Unbar|Überweisung";
            default -> "Unbar|Sonstige";
        };
    }

    private static String articleNumber(JsonNode li) {
        String given = text(li.path("article_number"));
        if (given != null) {
            return given;
        }
        // the spec wants an article number for articles: a stable one derived from the title
        return "T-" + Integer.toHexString(li.path("title").asText().hashCode());
    }

    private static String discountText(JsonNode op) {
        List<String> parts = new ArrayList<>();
        for (JsonNode d : op.path("cart_level_discounts")) {
            if (d.hasNonNull("description")) {
                parts.add(d.path("description").asText());
            }
        }
        return parts.isEmpty() ? "Rabatt" : truncate(String.join(", ", parts), 255);
    }

    private static String street(JsonNode address) {
        String l1 = text(address.path("line1"));
        String l2 = text(address.path("line2"));
        return l2 == null ? l1 : l1 + ", " + l2;
    }

    private static BigDecimal amount(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? BigDecimal.ZERO : new BigDecimal(v.asText());
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    private static String truncate(String s, int max) {
        if (s == null || Csv.length(s) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max));
    }

    private static Instant instant(JsonNode n) {
        return Instant.parse(n.asText());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isAfter(b) ? b : a;
    }
}
