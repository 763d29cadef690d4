package com.openfiskal.fiscalization.common;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Objects;

/** A postal address as stored on merchants and locations ({@code address_*} columns). */
@Embeddable
public class AddressColumns {

    @Column(name = "address_line1", nullable = false)
    public String line1;

    @Column(name = "address_line2")
    public String line2;

    @Column(name = "address_city", nullable = false)
    public String city;

    @Column(name = "address_postal_code", nullable = false)
    public String postalCode;

    @Column(name = "address_country_code", nullable = false)
    public String countryCode;

    public boolean sameAs(AddressColumns o) {
        return Objects.equals(line1, o.line1)
                && Objects.equals(line2, o.line2)
                && Objects.equals(city, o.city)
                && Objects.equals(postalCode, o.postalCode)
                && Objects.equals(countryCode, o.countryCode);
    }
}
