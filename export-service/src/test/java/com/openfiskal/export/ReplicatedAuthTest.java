package com.openfiskal.export;

import com.openfiskal.local.testing.ReplicatedAuthContract;
import io.quarkus.test.junit.QuarkusTest;

/** Authentication from the replicated identity topic, against a route of the Export API. */
@QuarkusTest
class ReplicatedAuthTest extends ReplicatedAuthContract {

    @Override
    protected String merchantScopedPath() {
        return "/v1/exports";
    }

    /** An authorised caller gets its (empty) list of exports. */
    @Override
    protected int authorisedStatus() {
        return 200;
    }
}
