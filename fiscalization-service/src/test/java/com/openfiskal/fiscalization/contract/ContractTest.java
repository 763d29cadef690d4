package com.openfiskal.fiscalization.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.openfiskal.local.testing.ContractCheck;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ContractTest {

    @TestHTTPResource("/")
    URL base;

    private static final Path CONTRACT = Path.of("../shared-contracts/src/main/openapi/fiscalization.yaml");

    @Test
    void shouldServeTheSharedContractAtQOpenapi() throws Exception {
        assertNull(ContractCheck.drift(base(), "/q/openapi?format=json", CONTRACT));
    }

    @Test
    void shouldServeTheSameContractAtOpenapiJson() throws Exception {
        assertNull(ContractCheck.drift(base(), "/openapi-json", CONTRACT));
    }

    @Test
    void shouldServeSwaggerUiWithoutAuthentication() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    private String base() {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
