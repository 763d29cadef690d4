package com.openfiskal.receipts;

import com.openfiskal.local.testing.ReplicatedAuthContract;
import io.quarkus.test.junit.QuarkusTest;

/** Authentication from the replicated identity topic, against a route of the Receipts API. */
@QuarkusTest
class ReplicatedAuthTest extends ReplicatedAuthContract {

    @Override
    protected String merchantScopedPath() {
        return "/v1/receipts/rcpt_01KKNXF92M4PQBMJDKYXCNX67C";
    }

    /** An authorised caller asking for a receipt that does not exist. */
    @Override
    protected int authorisedStatus() {
        return 404;
    }
}
