package com.openfiskal.local.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.restassured.RestAssured;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What every consuming service serves whatever its features: its shared-contracts document at
 * {@code /q/openapi}, Swagger UI, liveness, readiness on its database and its Kafka consumers, Prometheus
 * metrics, and the 404 envelope for unknown routes.
 */
public abstract class ServiceBasicsContract {

    /** The source document, e.g. {@code reporting.yaml}. */
    protected abstract String contractFile();

    @Test
    void shouldServeTheSharedContract() throws Exception {
        String base = RestAssured.baseURI + ":" + RestAssured.port;
        assertNull(ContractCheck.drift(
                base, "/q/openapi?format=json", Path.of("../shared-contracts/src/main/openapi/" + contractFile())));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void shouldBeReadyWithItsDatabaseAndKafkaAndExposeMetrics() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Database connections health check"))
                .body(containsString("SmallRye Reactive Messaging - readiness check"))
                .body(containsString("identity replica"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }

    @Test
    void shouldAnswerUnknownRoutesWithTheEnvelope() {
        given().get("/v1/nothing")
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"))
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"));
    }
}
