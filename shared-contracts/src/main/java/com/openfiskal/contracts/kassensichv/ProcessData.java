package com.openfiskal.contracts.kassensichv;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The processData of a {@code Kassenbeleg-V1} transaction (API.md §8.3, DSFINVK.md "processData"):
 * {@code <Vorgangstyp>^<five gross amounts>^<payments>}. One implementation for the signature, the
 * receipt and the export.
 */
public final class ProcessData {

    public static final String PROCESS_TYPE = "Kassenbeleg-V1";
    public static final String RECEIPT = "Beleg";
    public static final String ABORT = "AVBelegabbruch";

    /** Payment methods that redeem a multi-purpose voucher: not a payment, subtracted from slot 5. */
    public static final Set<String> VOUCHER_METHODS = Set.of("gift_card", "voucher", "store_credit");

    /** A line as signed: its gross total, its single tax rate ({@code null} = no taxes) and gift-card flag. */
    public record Line(BigDecimal grossAmount, BigDecimal rate, boolean giftCard) {}

    /** A payment leg: method and amount. */
    public record Leg(String method, BigDecimal amount) {}

    private ProcessData() {}

    /** A completed goods movement. */
    public static String receipt(List<Line> lines, BigDecimal tip, List<Leg> legs) {
        BigDecimal[] slots = grossSlots(lines, tip);
        BigDecimal cash = BigDecimal.ZERO;
        BigDecimal nonCash = BigDecimal.ZERO;
        for (Leg leg : legs) {
            if (VOUCHER_METHODS.contains(leg.method())) {
                slots[VatTable.NOT_TAXABLE_SLOT - 1] = slots[VatTable.NOT_TAXABLE_SLOT - 1].subtract(leg.amount());
            } else if ("cash".equals(leg.method())) {
                cash = cash.add(leg.amount());
            } else {
                nonCash = nonCash.add(leg.amount());
            }
        }
        return RECEIPT + "^" + join(slots) + "^" + payments(cash, nonCash);
    }

    /** A void that finishes a started transaction: the operation's gross amounts and no payments. */
    public static String abort(List<Line> lines, BigDecimal tip) {
        return ABORT + "^" + join(grossSlots(lines, tip)) + "^";
    }

    /** A session event: its amount in slot 5, paid in cash. */
    public static String sessionEvent(BigDecimal amount) {
        BigDecimal[] slots = zeroSlots();
        slots[VatTable.NOT_TAXABLE_SLOT - 1] = amount;
        return RECEIPT + "^" + join(slots) + "^" + payments(amount, BigDecimal.ZERO);
    }

    /** Gross amount per slot: each line by its rate (untaxed and gift-card lines to slot 5), the tip to slot 5. */
    static BigDecimal[] grossSlots(List<Line> lines, BigDecimal tip) {
        BigDecimal[] slots = zeroSlots();
        for (Line line : lines) {
            int slot = line.giftCard() || line.rate() == null
                    ? VatTable.NOT_TAXABLE_SLOT
                    : VatTable.find(line.rate())
                            .map(VatTable.Rate::slot)
                            .orElseThrow(() ->
                                    new IllegalArgumentException("rate " + line.rate() + " is not in the VAT table"));
            slots[slot - 1] = slots[slot - 1].add(line.grossAmount());
        }
        if (tip != null) {
            slots[VatTable.NOT_TAXABLE_SLOT - 1] = slots[VatTable.NOT_TAXABLE_SLOT - 1].add(tip);
        }
        return slots;
    }

    private static BigDecimal[] zeroSlots() {
        BigDecimal[] slots = new BigDecimal[5];
        java.util.Arrays.fill(slots, BigDecimal.ZERO);
        return slots;
    }

    private static String join(BigDecimal[] slots) {
        List<String> parts = new ArrayList<>(5);
        for (BigDecimal s : slots) {
            parts.add(Money.truncated(s));
        }
        return String.join("_", parts);
    }

    /** {@code <cash>:Bar_<other>:Unbar}; a class whose sum is zero is left out. */
    private static String payments(BigDecimal cash, BigDecimal nonCash) {
        List<String> parts = new ArrayList<>(2);
        if (cash.signum() != 0) {
            parts.add(Money.truncated(cash) + ":Bar");
        }
        if (nonCash.signum() != 0) {
            parts.add(Money.truncated(nonCash) + ":Unbar");
        }
        return String.join("_", parts);
    }
}
