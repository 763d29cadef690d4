package com.openfiskal.fiscalization.session;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The internal closed-sessions endpoint for the export-service (API.md §9.2): only with the service token,
 * never with an API key; and the register rules that depend on sessions and operations.
 */
@QuarkusTest
class ClosedSessionsTest {

    private static final String PATH = "/internal/v1/registers/%s/closed-sessions";

    @Test
    void shouldListClosedSessionsWithTheirClosingNumbersToTheServiceOnly() {
        Pos pos = Pos.fiscalized();
        Map<String, Object> close = Map.of("type", "SESSION_CLOSE", "register_id", pos.register(), "currency", "EUR");
        String first = pos.open("0.00").path("session_id");
        pos.post(close).then().statusCode(201);
        String second = pos.open("0.00").path("session_id");
        pos.post(close).then().statusCode(201);
        pos.open("0.00").then().statusCode(201);

        given().header("Authorization", "Bearer test-internal-token")
                .get(String.format(PATH, pos.register()))
                .then()
                .statusCode(200)
                .body("register_id", equalTo(pos.register()))
                .body("last_closing_number", equalTo(2))
                .body("sessions", hasSize(2))
                .body("sessions[0].session_id", equalTo(first))
                .body("sessions[0].closing_number", equalTo(1))
                .body("sessions[1].session_id", equalTo(second))
                .body("sessions[1].closing_number", equalTo(2));
        given().header("Authorization", "Bearer test-internal-token")
                .get(String.format(PATH, pos.register()) + "?to=2000-01-01T00:00:00Z")
                .then()
                .statusCode(200)
                .body("sessions", hasSize(0));

        assertError(given().get(String.format(PATH, pos.register())), 401, "unauthorized");
        assertError(
                given().header("Authorization", "Bearer wrong").get(String.format(PATH, pos.register())),
                401,
                "unauthorized");
        assertError(pos.tenant().as(pos.merchant()).get(String.format(PATH, pos.register())), 401, "unauthorized");
    }

    @Test
    void shouldKeepRegistersWithOperationsAndOpenSessions() {
        Pos pos = Pos.fiscalized();
        String session = pos.open("0.00").path("session_id");
        assertError(
                        pos.tenant().as(pos.merchant()).post("/v1/registers/" + pos.register() + "/decommission"),
                        409,
                        "register_invalid_fiscal_state")
                .body("details.session_id", equalTo(session));
        assertError(
                        pos.tenant()
                                .as(pos.merchant())
                                .body(Map.of("status", "inactive"))
                                .patch("/v1/registers/" + pos.register()),
                        409,
                        "session_invalid_state")
                .body("details.session_id", equalTo(session));
        pos.post(Map.of("type", "SESSION_CLOSE", "register_id", pos.register(), "currency", "EUR"))
                .then()
                .statusCode(201);
        pos.tenant()
                .as(pos.merchant())
                .post("/v1/registers/" + pos.register() + "/decommission")
                .then()
                .statusCode(200);
        assertError(
                pos.tenant().as(pos.merchant()).delete("/v1/registers/" + pos.register()),
                409,
                "register_has_dependencies");
        pos.get("/v1/registers/" + pos.register()).then().statusCode(200);
    }
}
