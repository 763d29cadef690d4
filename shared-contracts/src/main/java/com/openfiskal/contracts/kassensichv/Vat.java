package com.openfiskal.contracts.kassensichv;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * VAT derived from a gross amount, the one calculation that the session totals, the receipt and the
 * DSFinV-K export share (API.md §2.7): tax = gross × rate ÷ (1 + rate), half-up to 2 decimals.
 */
public final class Vat {

    private Vat() {}

    public static BigDecimal taxOf(BigDecimal gross, BigDecimal rate) {
        if (rate.signum() == 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return gross.multiply(rate)
                .divide(BigDecimal.ONE.add(rate), MathContext.DECIMAL128)
                .setScale(2, RoundingMode.HALF_UP);
    }

    /** The expected tax of one line tax entry (API.md §2.7): 8 decimals half-up over the sum of the line's rates. */
    public static BigDecimal lineTax(BigDecimal lineGross, BigDecimal rate, BigDecimal sumOfRates) {
        return lineGross
                .multiply(rate)
                .divide(BigDecimal.ONE.add(sumOfRates), MathContext.DECIMAL128)
                .setScale(8, RoundingMode.HALF_UP);
    }
}
