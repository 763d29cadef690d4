package com.openfiskal.receipts;

import com.openfiskal.local.OpenFiskalStackResource;
import io.quarkus.test.common.QuarkusTestResource;

/** Every test of this module runs against the real embedded stack (PostgreSQL and Kafka). */
@QuarkusTestResource(OpenFiskalStackResource.class)
public final class Stack {
    private Stack() {}
}
