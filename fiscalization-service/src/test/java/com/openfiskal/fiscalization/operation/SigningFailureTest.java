package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static com.openfiskal.fiscalization.support.Pos.cash;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.FiscalVerifier;
import com.openfiskal.fiscalization.support.Pos;
import com.openfiskal.fiscalization.tse.SoftwareTse;
import com.openfiskal.fiscalization.tse.TseConfig;
import com.openfiskal.local.testing.Metrics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TSE failures on complete, void and session events (API.md §7.2, §8.5), made real by the software TSE's
 * fault injection: phase 1 leaves everything as it was, phase 2 records the started transaction and the
 * retry (or a void) finishes that same transaction; every attempt is audited; session events still happen
 * and carry {@code fiscal_error}.
 */
@QuarkusTest
class SigningFailureTest {

    @Inject
    SoftwareTse tse;

    @AfterEach
    void healTheTse() {
        tse.injectFault(TseConfig.Fault.NONE);
    }

    @Test
    void shouldLeaveTheOperationUntouchedInPhase1AndSignOnRetry() throws Throwable {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        String id = pos.post(pos.sale("11.90", "1.90")).path("id");
        Map<String, String> refused = Map.of("type", "SALE", "outcome", "tse_failed_phase_1");
        Map<String, String> completed = Map.of("type", "SALE", "source", "POS", "outcome", "completed");
        Map<String, String> failedStarts = Map.of("step", "start", "outcome", "failed");
        double refusedBefore = Metrics.value("openfiskal_operations_total", refused);
        double completedBefore = Metrics.value("openfiskal_operations_total", completed);
        double failedStartsBefore = Metrics.value("openfiskal_tse_signing_seconds_count", failedStarts);

        tse.injectFault(TseConfig.Fault.FAIL_BEFORE_START);
        String key = "complete-" + id;
        Response failed = complete(pos, id, key);
        assertError(failed, 422, "regime_validation_failed")
                .body("details.rule", equalTo("tse_signing_failed_phase_1"))
                .body("details.phase", equalTo(1))
                .body("details.tse_transaction_number", nullValue());
        pos.get("/v1/operations/" + id)
                .then()
                .body("status", equalTo("OPEN"))
                .body("resource_version", equalTo(1))
                .body("fiscal_information", nullValue());
        // the old key replays the decision, also once the TSE is back
        tse.injectFault(TseConfig.Fault.NONE);
        complete(pos, id, key)
                .then()
                .statusCode(422)
                .header("Idempotent-Replayed", "true")
                .body("details.rule", equalTo("tse_signing_failed_phase_1"));

        Response done = pos.complete(id, 1, List.of(cash("11.90")));
        done.then().statusCode(200).body("status", equalTo("COMPLETED"));
        assertEquals(2, FiscalVerifier.verify(done.path("fiscal_information"), pos.publicKey()));
        assertEquals(List.of("failed", "signed"), audit(id));
        // what the operator sees: one refusal, one completion, one failed StartTransaction
        assertEquals(refusedBefore + 1, Metrics.value("openfiskal_operations_total", refused));
        assertEquals(completedBefore + 1, Metrics.value("openfiskal_operations_total", completed));
        assertEquals(failedStartsBefore + 1, Metrics.value("openfiskal_tse_signing_seconds_count", failedStarts));
        assertTrue(
                Metrics.value("openfiskal_tse_signing_seconds_bucket", Map.of("step", "finish", "outcome", "signed"))
                        > 0,
                "signing latency is a histogram");
    }

    @Test
    void shouldResumeTheStartedTransactionAfterPhase2() throws Throwable {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        String id = pos.post(pos.sale("11.90", "1.90")).path("id");

        tse.injectFault(TseConfig.Fault.FAIL_AFTER_START);
        assertError(pos.complete(id, 1, List.of(cash("11.90"))), 422, "regime_validation_failed")
                .body("details.rule", equalTo("tse_signing_failed_phase_2"))
                .body("details.phase", equalTo(2))
                .body("details.tse_transaction_number", equalTo(2));
        pos.get("/v1/operations/" + id).then().body("status", equalTo("OPEN")).body("resource_version", equalTo(1));
        // still failing: the same started transaction is tried again, no new one is started
        assertError(pos.complete(id, 1, List.of(cash("11.90"))), 422, "regime_validation_failed")
                .body("details.tse_transaction_number", equalTo(2));

        tse.injectFault(TseConfig.Fault.NONE);
        Response done = pos.complete(id, 1, List.of(cash("11.90")));
        done.then().statusCode(200).body("fiscal_information.document_number", equalTo(2));
        assertEquals(2, FiscalVerifier.verify(done.path("fiscal_information"), pos.publicKey()));
        assertEquals(List.of("failed", "failed", "signed"), audit(id));

        // the next sale gets the next transaction number: nothing was skipped
        String next = pos.post(pos.sale("1.19", "0.19")).path("id");
        pos.complete(next, 1, List.of(cash("1.19")))
                .then()
                .statusCode(200)
                .body("fiscal_information.document_number", equalTo(3));
    }

    @Test
    void shouldFinishAStartedTransactionAsAnAbortWhenVoided() throws Throwable {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        String id = pos.post(pos.sale("2.50", "0.39915966")).path("id");
        tse.injectFault(TseConfig.Fault.FAIL_AFTER_START);
        pos.complete(id, 1, List.of(cash("2.50"))).then().statusCode(422);
        tse.injectFault(TseConfig.Fault.NONE);
        Response voided = pos.voidIt(id, 1, "payment_failed");
        voided.then()
                .statusCode(200)
                .body("status", equalTo("VOIDED"))
                .body("fiscal_information.document_number", equalTo(2))
                .body("fiscal_information.process_data", equalTo("AVBelegabbruch^2.50_0.00_0.00_0.00_0.00^"));
        FiscalVerifier.verify(voided.path("fiscal_information"), pos.publicKey());
    }

    @Test
    void shouldStillMoveTheSessionWhenSigningASessionEventFails() {
        Pos pos = Pos.fiscalized();
        tse.injectFault(TseConfig.Fault.UNREACHABLE);
        pos.open("50.00")
                .then()
                .statusCode(201)
                .body("status", equalTo("COMPLETED"))
                .body("fiscal_information", nullValue())
                .body("fiscal_error.phase", equalTo(1))
                .body("fiscal_error.message", notNullValue())
                .body("fiscal_error.occurred_at", notNullValue());
        tse.injectFault(TseConfig.Fault.FAIL_AFTER_START);
        pos.post(Map.of("type", "SESSION_CLOSE", "register_id", pos.register(), "currency", "EUR"))
                .then()
                .statusCode(201)
                .body("closing_number", equalTo(1))
                .body("fiscal_error.phase", equalTo(2));
        pos.get("/v1/registers/" + pos.register()).then().body("open_session_id", nullValue());
    }

    @Test
    void shouldFailTheRegisterWhenItsTssIsGone() throws Throwable {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        String id = pos.post(pos.sale("11.90", "1.90")).path("id");
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE tse_tss SET state = 'DISABLED' WHERE register_id = ?1")
                        .setParameter(1, pos.register())
                        .executeUpdate())));
        assertError(pos.complete(id, 1, List.of(cash("11.90"))), 422, "regime_validation_failed")
                .body("details.rule", equalTo("tse_client_missing"));
        pos.get("/v1/registers/" + pos.register())
                .then()
                .body("fiscalization_status", equalTo("failed"))
                .body("fiscalization.error.message", notNullValue());
        assertError(pos.complete(id, 1, List.of(cash("11.90"))), 409, "register_invalid_fiscal_state");
    }

    private static Response complete(Pos pos, String id, String key) {
        return pos.tenant()
                .as(pos.merchant())
                .header("Idempotency-Key", key)
                .header("If-Match", "\"1\"")
                .body(Map.of("payments", List.of(cash("11.90"))))
                .patch("/v1/operations/" + id + "/complete");
    }

    @SuppressWarnings("unchecked")
    private static List<String> audit(String operationId) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT outcome FROM operation_audit WHERE operation_id = ?1 ORDER BY id", String.class)
                        .setParameter(1, operationId)
                        .getResultList())));
    }
}
