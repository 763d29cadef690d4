package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Envelope.assertError;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.GroupProbe;
import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Creates written as one group (CreateGroups, GroupWriter): while the register's row is locked from
 * outside, the creates sent meanwhile queue up; released, they are written together. Each member gets its
 * own answer — a 201, a 409 for a session that is not the register's, a 422 stored under its key — and only
 * the accepted ones exist afterwards.
 */
@QuarkusTest
class CreateGroupsTest {

    private static final int ACCEPTED = 6;
    private static final int WRONG_SESSION = 3;
    private static final int WRONG_CURRENCY = 3;

    @Inject
    Pool pool;

    @Test
    void shouldAnswerEachMemberOfAGroupAsIfItRanAlone() throws Throwable {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        // the writers wait on the register while the others queue
        GroupProbe probe = GroupProbe.hold(pool, "create", "registers", pos.register());
        int n = ACCEPTED + WRONG_SESSION + WRONG_CURRENCY;
        ExecutorService tills = Executors.newFixedThreadPool(n);
        List<Future<Response>> answers = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Map<String, Object>> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> body = new HashMap<>(pos.sale("11.90", "1.90"));
            body.put("external_id", "group-" + i);
            if (i >= ACCEPTED && i < ACCEPTED + WRONG_SESSION) {
                body.put("session_id", "ses_01M00000000000000000000000");
            } else if (i >= ACCEPTED + WRONG_SESSION) {
                body.put("currency", "USD");
            }
            String key = UUID.randomUUID().toString();
            keys.add(key);
            bodies.add(body);
            answers.add(tills.submit(() -> pos.post(body, key)));
        }
        probe.awaitArrived(n);
        probe.release();
        List<Response> got = new ArrayList<>();
        for (Future<Response> f : answers) {
            got.add(f.get());
        }
        tills.shutdown();

        assertEquals(n, probe.members(), "every create went through a group");
        assertTrue(probe.groups() < probe.members(), "creates were grouped: " + probe.groups() + " groups");
        assertEquals(0, probe.alone(), "each was decided in its group, none handed to the one-by-one path");

        List<String> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Response r = got.get(i);
            if (i < ACCEPTED) {
                assertEquals(201, r.statusCode(), r.asString());
                assertEquals(
                        "/v1/operations/" + r.path("id"),
                        java.net.URI.create(r.header("Location")).getPath());
                assertEquals("\"1\"", r.header("ETag"));
                assertEquals("OPEN", r.path("status"));
                assertEquals("group-" + i, r.path("external_id"));
                created.add(r.path("id"));
                pos.get("/v1/operations/" + r.path("id")).then().statusCode(200);
            } else if (i < ACCEPTED + WRONG_SESSION) {
                assertError(r, 409, "session_invalid_state");
            } else {
                assertError(r, 422, "validation_error").body("details.rule", equalTo("currency_mismatch"));
                // stored under its key and replayed, as when it runs alone
                Response again = pos.post(bodies.get(i), keys.get(i));
                assertEquals(422, again.statusCode());
                assertEquals("true", again.header("Idempotent-Replayed"));
            }
        }
        // only the accepted ones exist: the session open and the six sales
        long operations = pool.preparedQuery("SELECT count(*) FROM operations WHERE register_id = $1")
                .execute(Tuple.of(pos.register()))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
        assertEquals(1 + ACCEPTED, operations);
        assertEquals(ACCEPTED, created.stream().distinct().count());
    }
}
