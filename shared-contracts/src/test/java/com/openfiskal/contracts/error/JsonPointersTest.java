package com.openfiskal.contracts.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonPointersTest {

    @Test
    void shouldTurnBeanPathsIntoJsonPointers() {
        assertEquals("/fiscal_identities/0/vat_id", JsonPointers.fromBeanPath("fiscalIdentities[0].vatId"));
        assertEquals("/address/postal_code", JsonPointers.fromBeanPath("address.postalCode"));
        assertEquals("/line_items/2/taxes/0/tax_amount", JsonPointers.fromBeanPath("lineItems[2].taxes[0].taxAmount"));
    }
}
