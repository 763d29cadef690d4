package com.openfiskal.fiscalization.merchant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.fiscalization.model.FiscalIdentityInput;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The merchant's fiscal identities (API.md §3.1): their rules, and their stored JSON form. */
@ApplicationScoped
public class FiscalIdentities {

    /** Only Germany is supported (API.md §12). */
    static final Set<String> SUPPORTED = Set.of("DEU");

    private static final Pattern VAT_ID = Pattern.compile("^DE[0-9]{9}$");
    private static final Pattern TAX_DIGITS = Pattern.compile("^[0-9]{10,13}$");

    @RegisterForReflection
    public record Identity(
            @JsonProperty("country_code") String countryCode,
            @JsonProperty("tax_number") String taxNumber,
            @JsonProperty("vat_id") String vatId) {}

    private final ObjectMapper mapper;

    public FiscalIdentities(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Validates in list order and returns the canonical form ({@code country} read as {@code country_code}). */
    public List<Identity> validate(List<FiscalIdentityInput> input, String merchantCountry) {
        List<Identity> out = new ArrayList<>();
        if (input == null) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < input.size(); i++) {
            FiscalIdentityInput in = input.get(i);
            String base = "/fiscal_identities/" + i;
            if (in == null) {
                throw ApiException.invalid(base, "Field " + base + " must be an object.");
            }
            String country = in.getCountryCode() != null ? in.getCountryCode() : in.getCountry();
            if (country == null) {
                throw ApiException.invalid(base + "/country_code", "Field " + base + "/country_code is required.");
            }
            if (!country.matches("^[A-Z]{3}$")) {
                throw ApiException.invalid(
                        base + "/country_code", "Field " + base + "/country_code must be an ISO 3166-1 alpha-3 code.");
            }
            if (!SUPPORTED.contains(country)) {
                throw ApiException.rule(
                        "fiscal_identity_country_unsupported",
                        base + "/country_code",
                        "Fiscal identities are supported for DEU only.");
            }
            if (!country.equals(merchantCountry)) {
                throw ApiException.rule(
                        "fiscal_identity_country_mismatch",
                        base + "/country_code",
                        "The fiscal identity's country must equal the merchant's country " + merchantCountry + ".");
            }
            if (!seen.add(country)) {
                throw ApiException.rule(
                        "fiscal_identity_duplicate",
                        base + "/country_code",
                        "At most one fiscal identity per country.");
            }
            String digits = in.getTaxNumber().replace("/", "").replace(" ", "");
            if (!TAX_DIGITS.matcher(digits).matches()) {
                throw ApiException.rule(
                        "tax_number_invalid",
                        base + "/tax_number",
                        "tax_number must have 10 to 13 digits once '/' and spaces are removed.");
            }
            if (!VAT_ID.matcher(in.getVatId()).matches()) {
                throw ApiException.rule("vat_id_invalid", base + "/vat_id", "vat_id must match ^DE[0-9]{9}$.");
            }
            out.add(new Identity(country, in.getTaxNumber(), in.getVatId()));
        }
        return out;
    }

    public String toJson(List<Identity> identities) {
        try {
            return mapper.writeValueAsString(identities);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Identity> fromJson(String json) {
        try {
            return mapper.readValue(json, new TypeReference<List<Identity>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
