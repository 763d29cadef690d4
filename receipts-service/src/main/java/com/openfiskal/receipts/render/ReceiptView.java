package com.openfiskal.receipts.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.i18n.Localized;
import io.quarkus.qute.i18n.MessageBundles;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * A receipt as a person reads it, in one language: every amount, date and label already written out. The
 * hosted page, the PDF and the e-mail render this one view, so they cannot disagree.
 */
public record ReceiptView(
        String lang,
        String title,
        String legalName,
        String locationName,
        String registerName,
        List<String> address,
        String taxId,
        String issued,
        String issuedUtc,
        String externalReference,
        String relatedOperationId,
        List<Line> lines,
        List<Discount> discounts,
        List<Tax> taxes,
        boolean hasExempt,
        String totalGross,
        String totalNet,
        String totalTax,
        String taxedGross,
        String tip,
        List<Payment> payments,
        Fiscal fiscal,
        String fileName) {

    public record Line(String quantity, String description, String unitPrice, String amount, String rate) {}

    public record Discount(String description, String amount) {}

    public record Tax(String rate, String net, String tax, String gross) {}

    public record Payment(String method, String detail, String amount) {}

    /** The TSE block; null for ONLINE receipts. */
    public record Fiscal(
            boolean certified,
            String start,
            String startUtc,
            String end,
            String endUtc,
            String transactionNumber,
            String signatureCounter,
            String clientSerial,
            String tssSerial,
            String signature,
            String signatureAlgorithm,
            String timeFormat,
            String publicKey,
            String qrData) {}

    public static final List<String> LANGUAGES = List.of("de", "en");

    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** The bundle of labels for a language of {@link #LANGUAGES}. */
    public static Messages messages(String lang) {
        return MessageBundles.get(Messages.class, Localized.Literal.of(lang));
    }

    /** The view of a receipt document (API.md §10.1) in "de" or "en". */
    public static ReceiptView of(JsonNode r, String lang) {
        Messages m = messages(lang);
        Locale locale = "en".equals(lang) ? Locale.UK : Locale.GERMANY;
        NumberFormat money = NumberFormat.getCurrencyInstance(locale);
        try {
            money.setCurrency(Currency.getInstance(r.path("currency").asText("EUR")));
        } catch (IllegalArgumentException e) {
            // an unknown code keeps the locale's currency symbol out: amounts alone are still correct
        }
        NumberFormat number = NumberFormat.getNumberInstance(locale);
        number.setMaximumFractionDigits(4);
        JsonNode issuer = r.path("issuer");
        ZoneId zone = zone(issuer.path("timezone").asText(null));
        DateTimeFormatter local = DateTimeFormatter.ofPattern(
                        "en".equals(lang) ? "d MMM yyyy, HH:mm:ss" : "dd.MM.yyyy, HH:mm:ss", locale)
                .withZone(zone);

        List<Line> lines = new ArrayList<>();
        boolean exempt = false;
        for (JsonNode l : r.path("line_items")) {
            boolean taxable = !l.path("tax_rate").isNull();
            exempt |= !taxable;
            lines.add(new Line(
                    number.format(new BigDecimal(l.path("quantity").asText("0"))),
                    l.path("description").asText(),
                    amount(money, l.path("unit_price")),
                    amount(money, l.path("total_amount")),
                    taxable ? percent(number, l.path("tax_rate").asText(), lang) : "*"));
        }
        List<Discount> discounts = new ArrayList<>();
        for (JsonNode d : r.path("discounts")) {
            discounts.add(new Discount(d.path("description").asText(m.discount()), amount(money, d.path("amount"))));
        }
        List<Tax> taxes = new ArrayList<>();
        BigDecimal taxedGross = BigDecimal.ZERO;
        for (JsonNode t : r.path("tax_breakdown")) {
            taxedGross = taxedGross.add(new BigDecimal(t.path("gross_amount").asText("0")));
            taxes.add(new Tax(
                    percent(number, t.path("tax_rate").asText(), lang),
                    amount(money, t.path("net_amount")),
                    amount(money, t.path("tax_amount")),
                    amount(money, t.path("gross_amount"))));
        }
        List<Payment> payments = new ArrayList<>();
        for (JsonNode p : r.path("payments")) {
            JsonNode details = p.path("details");
            List<String> detail = new ArrayList<>();
            if (details.hasNonNull("card_brand")) {
                detail.add(details.path("card_brand").asText());
            }
            if (details.hasNonNull("gift_card_last4")) {
                detail.add("…" + details.path("gift_card_last4").asText());
            }
            payments.add(new Payment(
                    method(m, p.path("method").asText()), String.join(" ", detail), amount(money, p.path("amount"))));
        }
        JsonNode totals = r.path("totals");
        JsonNode tip = totals.path("tip_amount");
        boolean hasTip = tip.isTextual() && new BigDecimal(tip.asText()).signum() != 0;

        return new ReceiptView(
                lang,
                m.receipt() + " – " + type(m, r.path("operation_type").asText()),
                issuer.path("legal_name").asText(),
                issuer.path("location_name").asText(null),
                issuer.path("register_name").asText(null),
                address(issuer.path("address")),
                issuer.path("tax_id").asText(null),
                local.format(instant(r.path("issued_at"))),
                UTC.format(instant(r.path("issued_at"))),
                r.path("external_reference").asText(null),
                r.path("related_operation_id").asText(null),
                lines,
                discounts,
                taxes,
                exempt,
                amount(money, totals.path("total_gross")),
                amount(money, totals.path("total_net")),
                amount(money, totals.path("total_tax")),
                money.format(taxedGross),
                hasTip ? amount(money, tip) : null,
                payments,
                fiscal(r.path("fiscal"), local),
                "beleg-" + fileStem(r) + ".pdf");
    }

    private static Fiscal fiscal(JsonNode f, DateTimeFormatter local) {
        if (!f.isObject()) {
            return null;
        }
        Instant start = instant(f.path("transaction_start"));
        Instant end = instant(f.path("transaction_end"));
        return new Fiscal(
                f.path("tse_certified").asBoolean(false),
                local.format(start),
                UTC.format(start),
                local.format(end),
                UTC.format(end),
                f.path("document_number").asText(),
                f.path("signature_counter").asText(),
                f.path("pos_client_serial_number").asText(),
                f.path("tss_serial_number").asText(),
                f.path("signature").asText(),
                f.path("signature_algorithm").asText(),
                f.path("time_format").asText(),
                f.path("public_key").asText(null),
                f.path("qr_data").asText());
    }

    private static String fileStem(JsonNode r) {
        JsonNode number = r.path("fiscal").path("document_number");
        return number.isNumber() ? number.asText() : r.path("operation_id").asText();
    }

    private static List<String> address(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (!a.isObject()) {
            return out;
        }
        for (String field : List.of("line1", "line2")) {
            if (a.hasNonNull(field) && !a.path(field).asText().isBlank()) {
                out.add(a.path(field).asText());
            }
        }
        out.add((a.path("postal_code").asText("") + " " + a.path("city").asText("")).trim());
        if (!"DEU".equals(a.path("country_code").asText())) {
            out.add(a.path("country_code").asText());
        }
        return out;
    }

    private static String type(Messages m, String type) {
        return switch (type) {
            case "RETURN" -> m.typeReturn();
            case "EXCHANGE" -> m.typeExchange();
            default -> m.typeSale();
        };
    }

    private static String method(Messages m, String method) {
        return switch (method) {
            case "cash" -> m.paymentCash();
            case "card" -> m.paymentCard();
            case "voucher" -> m.paymentVoucher();
            case "gift_card" -> m.paymentGiftCard();
            case "bank_transfer" -> m.paymentBankTransfer();
            case "digital_wallet" -> m.paymentDigitalWallet();
            case "store_credit" -> m.paymentStoreCredit();
            default -> m.paymentOther();
        };
    }

    private static String amount(NumberFormat money, JsonNode value) {
        return money.format(new BigDecimal(value.asText("0")));
    }

    /** "0.19" as "19 %" (German typesetting, with a space) or "19%" (English). */
    private static String percent(NumberFormat number, String rate, String lang) {
        String value = number.format(new BigDecimal(rate).movePointRight(2));
        return "en".equals(lang) ? value + "%" : value + "\u00a0%";
    }

    private static Instant instant(JsonNode timestamp) {
        return Instant.parse(timestamp.asText());
    }

    private static ZoneId zone(String id) {
        try {
            return id == null ? ZoneId.of("Europe/Berlin") : ZoneId.of(id);
        } catch (RuntimeException e) {
            return ZoneId.of("Europe/Berlin");
        }
    }
}
