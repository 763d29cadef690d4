package com.openfiskal.contracts.kassensichv;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Decimal amounts as API.md §2.7 writes them: exact inside, 2 decimals half-up outside, never {@code -0.00}. */
public final class Money {

    private Money() {}

    /** An amount field as output: rounded half-up to 2 decimals; {@code -0.00} is written as {@code 0.00}. */
    public static String format(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        if (rounded.signum() == 0) {
            return "0.00";
        }
        return rounded.toPlainString();
    }

    /** Digits after the decimal point as sent ({@code "1.500"} has 3). */
    public static int fractionDigits(BigDecimal amount) {
        return Math.max(amount.scale(), 0);
    }

    /**
     * A processData amount (API.md §8.3): exactly 2 decimals with a point, further digits truncated, no
     * grouping, negative values allowed.
     */
    public static String truncated(BigDecimal amount) {
        BigDecimal t = amount.setScale(2, RoundingMode.DOWN);
        return t.signum() == 0 ? "0.00" : t.toPlainString();
    }
}
