package com.openfiskal.export;

import com.openfiskal.local.testing.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ContractTest extends ServiceBasicsContract {

    @Override
    protected String contractFile() {
        return "reporting.yaml";
    }
}
