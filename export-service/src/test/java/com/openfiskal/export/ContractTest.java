package com.openfiskal.export;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
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

    @Test
    void shouldServeTheSharedContract() throws Exception {
        String b = base.toString().replaceAll("/$", "");
        assertNull(ContractCheck.drift(b, "/q/openapi?format=json",
                Path.of("../shared-contracts/src/main/openapi/reporting.yaml")));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void shouldBeReadyWithItsDatabaseAndKafkaAndExposeMetrics() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("Database connections health check"))
                .body(containsString("SmallRye Reactive Messaging - readiness check"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }

    @Test
    void shouldAnswerUnknownRoutesWithTheEnvelope() {
        given().get("/v1/nothing").then().statusCode(404).body("code", equalTo("not_found"))
                .header("X-Request-Id", org.hamcrest.Matchers.matchesPattern("^req_[0-9a-f]{20}$"));
    }
}
