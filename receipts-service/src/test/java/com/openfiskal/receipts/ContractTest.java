package com.openfiskal.receipts;

import com.openfiskal.local.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ContractTest extends ServiceBasicsContract {

    @Override
    protected String contractFile() {
        return "receipts.yaml";
    }
}
