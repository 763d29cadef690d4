package com.openfiskal.fiscalization.operation;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.fiscalization.model.CartDiscountInput;
import com.openfiskal.contracts.fiscalization.model.GoodsMovementCreate;
import com.openfiskal.contracts.fiscalization.model.LineItemInput;
import com.openfiskal.contracts.fiscalization.model.PaymentInput;
import com.openfiskal.contracts.fiscalization.model.TaxInput;
import com.openfiskal.contracts.kassensichv.Vat;
import com.openfiskal.contracts.kassensichv.VatTable;
import java.math.BigDecimal;
import java.util.List;

/**
 * The semantic rules of goods movements that need no database (API.md §6.3 rows 1–3 and 9–15, §6.6), each
 * failing with its status, code and {@code details.rule}. The caller runs them in the numbered order.
 */
final class GoodsMovementRules {

    private GoodsMovementRules() {}

    /** Rows 1–3: register presence by source, related-operation presence by type. */
    static void shape(String type, boolean pos, GoodsMovementCreate in) {
        if (pos && in.getRegisterId() == null) {
            throw ApiException.rule("register_id_required", "/register_id", "A POS operation needs a register_id.");
        }
        if (!pos && in.getRegisterId() != null) {
            throw ApiException.rule(
                    "register_id_not_allowed", "/register_id", "An ONLINE operation must not send a register_id.");
        }
        boolean related = in.getRelatedOperationId() != null;
        boolean external = in.getExternalRelatedOperation() != null;
        if ("SALE".equals(type) && (related || external)) {
            throw ApiException.rule(
                    "related_operation_not_allowed",
                    related ? "/related_operation_id" : "/external_related_operation",
                    "A SALE has no related operation.");
        }
        if (!"SALE".equals(type) && related == external) {
            throw ApiException.rule(
                    "related_operation_exclusive",
                    null,
                    "A " + type + " needs exactly one of related_operation_id and external_related_operation.");
        }
    }

    /** Rows 9–13 and the fiscal precision rule of §2.7. */
    static void amounts(String type, boolean kassenSichV, GoodsMovementCreate in) {
        List<CartDiscountInput> discounts = in.getCartLevelDiscounts();
        if (discounts != null && !"SALE".equals(type)) {
            throw ApiException.rule(
                    "cart_level_discounts_sale_only",
                    "/cart_level_discounts",
                    "Cart-level discounts are for SALE only.");
        }
        if (discounts != null) {
            for (int i = 0; i < discounts.size(); i++) {
                if (dec(discounts.get(i).getAmount()).signum() <= 0) {
                    throw ApiException.rule(
                            "discount_amount_not_positive",
                            "/cart_level_discounts/" + i + "/amount",
                            "A cart-level discount amount must be greater than zero.");
                }
            }
        }
        BigDecimal pretax = dec(in.getPretaxAmount());
        BigDecimal tax = dec(in.getTaxAmount());
        BigDecimal tip = in.getTipAmount() == null ? BigDecimal.ZERO : dec(in.getTipAmount());
        BigDecimal total = dec(in.getTotalAmount());
        if (pretax.add(tax).add(tip).compareTo(total) != 0) {
            throw ApiException.rule(
                    "amount_sum_mismatch",
                    "/total_amount",
                    "pretax_amount + tax_amount + tip_amount must equal total_amount exactly.");
        }
        List<LineItemInput> lines = in.getLineItems() == null ? List.of() : in.getLineItems();
        sign(type, total, "/total_amount");
        for (int i = 0; i < lines.size(); i++) {
            sign(type, dec(lines.get(i).getTotalAmount()), "/line_items/" + i + "/total_amount");
        }
        for (int i = 0; i < lines.size(); i++) {
            LineItemInput line = lines.get(i);
            BigDecimal q = line.getQuantity();
            if (q.signum() == 0 || q.stripTrailingZeros().scale() > 3) {
                throw ApiException.rule(
                        "quantity_invalid",
                        "/line_items/" + i + "/quantity",
                        "A quantity must be non-zero with at most 3 fraction digits.");
            }
            List<TaxInput> taxes = line.getTaxes() == null ? List.of() : line.getTaxes();
            for (int t = 0; t < taxes.size(); t++) {
                BigDecimal rate = dec(taxes.get(t).getRate());
                if (rate.signum() < 0 || rate.compareTo(BigDecimal.ONE) >= 0) {
                    throw ApiException.rule(
                            "tax_rate_invalid",
                            "/line_items/" + i + "/taxes/" + t + "/rate",
                            "A tax rate is a fraction from 0 (inclusive) to 1 (exclusive).");
                }
            }
            if (line.getType() == LineItemInput.TypeEnum.GIFT_CARD && !taxes.isEmpty()) {
                throw ApiException.rule(
                        "gift_card_line_taxed",
                        "/line_items/" + i + "/taxes",
                        "A gift_card line (multi-purpose voucher sale) carries no taxes.");
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            LineItemInput line = lines.get(i);
            List<TaxInput> taxes = line.getTaxes() == null ? List.of() : line.getTaxes();
            BigDecimal sumOfRates = taxes.stream().map(t -> dec(t.getRate())).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal gross = dec(line.getTotalAmount());
            for (int t = 0; t < taxes.size(); t++) {
                BigDecimal expected = Vat.lineTax(gross, dec(taxes.get(t).getRate()), sumOfRates);
                if (expected.compareTo(dec(taxes.get(t).getTaxAmount())) != 0) {
                    throw ApiException.rule(
                            "tax_amount_precision_invalid",
                            "/line_items/" + i + "/taxes/" + t + "/tax_amount",
                            "tax_amount must be "
                                    + expected.stripTrailingZeros().toPlainString()
                                    + " (line total × rate ÷ (1 + sum of the line's rates), 8 decimals).");
                }
            }
        }
        if (kassenSichV) {
            precision(in.getTotalAmount(), "/total_amount");
            precision(in.getPretaxAmount(), "/pretax_amount");
            precision(in.getTipAmount(), "/tip_amount");
            for (int i = 0; i < lines.size(); i++) {
                precision(lines.get(i).getTotalAmount(), "/line_items/" + i + "/total_amount");
            }
            if (discounts != null) {
                for (int i = 0; i < discounts.size(); i++) {
                    precision(discounts.get(i).getAmount(), "/cart_level_discounts/" + i + "/amount");
                }
            }
        }
    }

    /** Row 15: the KassenSichV rules of a POS operation on a KassenSichV register. */
    static void regime(GoodsMovementCreate in, String currency) {
        KassenSichVRules.eurOnly(currency);
        List<LineItemInput> lines = in.getLineItems() == null ? List.of() : in.getLineItems();
        for (int i = 0; i < lines.size(); i++) {
            List<TaxInput> taxes =
                    lines.get(i).getTaxes() == null ? List.of() : lines.get(i).getTaxes();
            if (taxes.size() > 1) {
                throw ApiException.rule(
                        ErrorCode.REGIME_VALIDATION_FAILED,
                        "multiple_vat_rates_per_line",
                        "/line_items/" + i + "/taxes",
                        "A line on a KassenSichV register carries at most one VAT rate.");
            }
            if (taxes.size() == 1 && VatTable.find(dec(taxes.get(0).getRate())).isEmpty()) {
                throw ApiException.rule(
                        ErrorCode.REGIME_VALIDATION_FAILED,
                        "vat_rate_not_supported",
                        "/line_items/" + i + "/taxes/0/rate",
                        "The rate " + taxes.get(0).getRate() + " is not a German VAT rate.");
            }
        }
    }

    /** The payment rules of complete (API.md §6.6), after the state checks. */
    static void payments(OperationEntity o, boolean hasLines, List<PaymentInput> payments, boolean kassenSichV) {
        if (o.isPos() && o.registerId == null) {
            throw ApiException.rule("register_id_required", null, "A POS operation needs a register.");
        }
        if (!hasLines) {
            throw ApiException.rule(
                    "goods_movement_details_missing",
                    "/line_items",
                    "The operation has no line items; it cannot be completed.");
        }
        for (int i = 0; i < payments.size(); i++) {
            sign(o.type, dec(payments.get(i).getAmount()), "/payments/" + i + "/amount");
        }
        for (int i = 0; i < payments.size(); i++) {
            if (!o.currency.equals(payments.get(i).getCurrency())) {
                throw ApiException.rule(
                        "currency_mismatch",
                        "/payments/" + i + "/currency",
                        "A payment's currency must be the operation's currency " + o.currency + ".");
            }
        }
        for (int i = 0; i < payments.size(); i++) {
            PaymentInput p = payments.get(i);
            if (p.getMethod() == PaymentInput.MethodEnum.GIFT_CARD
                    && (p.getGiftCardId() == null || p.getGiftCardId().isBlank())) {
                throw ApiException.rule(
                        "gift_card_id_required",
                        "/payments/" + i + "/gift_card_id",
                        "A gift_card payment needs a non-blank gift_card_id.");
            }
        }
        BigDecimal sum = payments.stream().map(p -> dec(p.getAmount())).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (sum.compareTo(o.totalAmount) != 0) {
            throw ApiException.rule(
                    "payment_sum_mismatch",
                    "/payments",
                    "The payments sum to " + sum.toPlainString() + " but total_amount is "
                            + o.totalAmount.toPlainString() + ".");
        }
        if (kassenSichV) {
            for (int i = 0; i < payments.size(); i++) {
                precision(payments.get(i).getAmount(), "/payments/" + i + "/amount");
            }
        }
    }

    /** Row 11: SALE ≥ 0, RETURN ≤ 0, EXCHANGE either sign. */
    static void sign(String type, BigDecimal amount, String field) {
        boolean wrong = "SALE".equals(type) && amount.signum() < 0 || "RETURN".equals(type) && amount.signum() > 0;
        if (wrong) {
            throw ApiException.rule(
                    "amount_sign_mismatch",
                    field,
                    "SALE amounts must not be negative and RETURN amounts must not be positive.");
        }
    }

    /** §2.7 fiscal precision: what is signed and exported has 2 decimals. */
    static void precision(String amount, String field) {
        KassenSichVRules.precision(amount == null ? null : dec(amount), field);
    }

    static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }
}
