package com.openfiskal.fiscalization.operation;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.kassensichv.Money;
import java.math.BigDecimal;

/** The rules every POS operation of a KassenSichV register obeys, goods movements and session events alike. */
public final class KassenSichVRules {

    private KassenSichVRules() {}

    /** Rule {@code currency_not_eur} (R). */
    public static void eurOnly(String currency) {
        if (!"EUR".equals(currency)) {
            throw ApiException.rule(
                    ErrorCode.REGIME_VALIDATION_FAILED,
                    "currency_not_eur",
                    "/currency",
                    "A KassenSichV register records EUR only.");
        }
    }

    /** API.md §2.7 fiscal precision: what is signed and exported has 2 decimals, counted as sent. */
    public static void precision(BigDecimal amount, String field) {
        if (amount != null && Money.fractionDigits(amount) > 2) {
            throw ApiException.rule(
                    "amount_precision_invalid", field, "On a KassenSichV register amounts have at most 2 decimals.");
        }
    }
}
