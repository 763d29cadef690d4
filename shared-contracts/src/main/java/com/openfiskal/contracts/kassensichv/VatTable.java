package com.openfiskal.contracts.kassensichv;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The German VAT rates a KassenSichV register accepts, with the processData slot and the DSFinV-K VAT key
 * (DSFINVK.md §7.4). One table for the validation (rule {@code vat_rate_not_supported}), the processData
 * slots, the receipt and the export, so they can never disagree. A rate is current from {@code from} on;
 * once replaced it stays acceptable (a return of a sale taxed at 16 % is still taxed at 16 %) under its
 * historical key.
 */
public final class VatTable {

    /** One rate: the DSFinV-K key while it is current, the key once historical, its slot. */
    public record Rate(BigDecimal rate, int slot, int currentKey, int historicalKey, LocalDate historicalSince) {

        /** The UST_SCHLUESSEL for a supply recorded on {@code day}. */
        public int keyOn(LocalDate day) {
            return historicalSince != null && !day.isBefore(historicalSince) ? historicalKey : currentKey;
        }
    }

    /** Slot of the gross amounts that are 0 % or not taxable, also tips and multi-purpose vouchers. */
    public static final int NOT_TAXABLE_SLOT = 5;

    private static final List<Rate> RATES = List.of(
            rate("0.19", 1, 1, 1, null),
            rate("0.07", 2, 2, 2, null),
            rate("0.078", 3, 3, 3, null),
            rate("0.055", 4, 4, 4, null),
            rate("0", 5, 5, 5, null),
            rate("0.16", 1, 21, 21, LocalDate.of(2021, 1, 1)),
            rate("0.05", 2, 22, 22, LocalDate.of(2021, 1, 1)),
            rate("0.107", 3, 13, 13, LocalDate.of(2022, 1, 1)),
            rate("0.095", 3, 23, 23, LocalDate.of(2023, 1, 1)),
            rate("0.09", 3, 33, 33, LocalDate.of(2024, 12, 6)),
            rate("0.084", 3, 43, 43, LocalDate.of(2025, 1, 1)));

    private VatTable() {}

    /** The entry for a rate, compared numerically ({@code "0.190"} is 19 %). */
    public static Optional<Rate> find(BigDecimal rate) {
        return RATES.stream().filter(r -> r.rate().compareTo(rate) == 0).findFirst();
    }

    public static List<Rate> all() {
        return RATES;
    }

    private static Rate rate(String rate, int slot, int currentKey, int historicalKey, LocalDate since) {
        return new Rate(new BigDecimal(rate), slot, currentKey, historicalKey, since);
    }
}
