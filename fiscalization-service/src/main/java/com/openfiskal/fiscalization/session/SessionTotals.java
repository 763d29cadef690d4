package com.openfiskal.fiscalization.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.kassensichv.Money;
import com.openfiskal.contracts.kassensichv.Vat;
import com.openfiskal.contracts.kassensichv.VatTable;
import com.openfiskal.fiscalization.operation.OperationEntity;
import com.openfiskal.fiscalization.operation.OperationJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The totals of a session (API.md §11.3 {@code session.closed}, §7.6): completed goods movements by type,
 * voids, tips, payments by method, and gross and VAT per rate. VAT per rate is derived from the gross per
 * rate by the shared {@link Vat} calculation, as the receipt and the export derive it.
 */
@ApplicationScoped
public class SessionTotals {

    private final OperationJson json;
    private final ObjectMapper mapper;

    public SessionTotals(OperationJson json, ObjectMapper mapper) {
        this.json = json;
        this.mapper = mapper;
    }

    public ObjectNode of(List<OperationEntity> operations) {
        BigDecimal[][] byType = new BigDecimal[3][2];
        int[] counts = new int[3];
        for (BigDecimal[] row : byType) {
            row[0] = BigDecimal.ZERO;
            row[1] = BigDecimal.ZERO;
        }
        int voided = 0;
        BigDecimal tips = BigDecimal.ZERO;
        Map<String, BigDecimal> byMethod = new TreeMap<>();
        Map<BigDecimal, BigDecimal> grossByRate = new TreeMap<>();
        for (OperationEntity o : operations) {
            if (o.isSessionEvent()) {
                continue;
            }
            if ("VOIDED".equals(o.status)) {
                voided++;
                continue;
            }
            if (!"COMPLETED".equals(o.status)) {
                continue;
            }
            int t = switch (o.type) {
                case "SALE" -> 0;
                case "RETURN" -> 1;
                default -> 2;
            };
            counts[t]++;
            byType[t][0] = byType[t][0].add(o.totalAmount);
            byType[t][1] = byType[t][1].add(o.taxAmount);
            tips = tips.add(o.tipAmount);
            ObjectNode details = json.details(o);
            for (JsonNode p : details.path("payments")) {
                byMethod.merge(
                        p.path("method").asText(),
                        new BigDecimal(p.path("amount").asText()),
                        BigDecimal::add);
            }
            for (JsonNode line : details.path("line_items")) {
                JsonNode taxes = line.path("taxes");
                if (taxes.size() == 1) {
                    BigDecimal rate =
                            canonical(new BigDecimal(taxes.get(0).path("rate").asText()));
                    grossByRate.merge(
                            rate, new BigDecimal(line.path("total_amount").asText()), BigDecimal::add);
                }
            }
        }
        ObjectNode n = mapper.createObjectNode();
        String[] names = {"sales", "returns", "exchanges"};
        for (int t = 0; t < 3; t++) {
            n.putObject(names[t])
                    .put("count", counts[t])
                    .put("total_amount", Money.format(byType[t][0]))
                    .put("tax_amount", Money.format(byType[t][1]));
        }
        n.put("voided_count", voided);
        n.put("tip_amount", Money.format(tips));
        byMethod.forEach((method, amount) -> n.withArray("payments_by_method")
                .addObject()
                .put("method", method)
                .put("amount", Money.format(amount)));
        n.withArray("payments_by_method");
        grossByRate.forEach((rate, gross) -> n.withArray("taxes_by_rate")
                .addObject()
                .put("rate", rate.toPlainString())
                .put("gross_amount", Money.format(gross))
                .put("tax_amount", Money.format(Vat.taxOf(gross, rate))));
        n.withArray("taxes_by_rate");
        return n;
    }

    /** One key per rate however it was written ("0.190" and "0.19" are one rate). */
    private static BigDecimal canonical(BigDecimal rate) {
        return VatTable.find(rate).map(VatTable.Rate::rate).orElse(rate.stripTrailingZeros());
    }
}
