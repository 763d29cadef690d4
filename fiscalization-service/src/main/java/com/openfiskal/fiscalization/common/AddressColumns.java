package com.openfiskal.fiscalization.common;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

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
}
