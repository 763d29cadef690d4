package com.openfiskal.fiscalization.common;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.fiscalization.model.Address;

/** Mapping and the one rule of addresses shared by merchants and locations. */
public final class Addresses {

    private Addresses() {}

    public static AddressColumns toColumns(Address a) {
        AddressColumns c = new AddressColumns();
        c.line1 = a.getLine1();
        c.line2 = a.getLine2();
        c.city = a.getCity();
        c.postalCode = a.getPostalCode();
        c.countryCode = a.getCountryCode();
        return c;
    }

    public static Address toApi(AddressColumns c) {
        return new Address()
                .line1(c.line1)
                .line2(c.line2)
                .city(c.city)
                .postalCode(c.postalCode)
                .countryCode(c.countryCode);
    }

    /** Rule {@code address_country_mismatch}: the address lies in the resource's country. */
    public static void requireCountry(Address a, String countryCode) {
        if (a != null && !a.getCountryCode().equals(countryCode)) {
            throw ApiException.rule(
                    "address_country_mismatch",
                    "/address/country_code",
                    "address.country_code must equal country_code " + countryCode + ".");
        }
    }
}
