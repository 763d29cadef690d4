package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Pos.cash;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.fiscalization.support.FiscalVerifier;
import com.openfiskal.fiscalization.support.GroupProbe;
import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Completes written as one group (CompleteGroups, GroupWriter): while the register's TSS row is locked from outside,
 * the completes sent meanwhile queue up; released, they are written together in one transaction. Each
 * member still gets its own answer — a signature, a 412, a 422 stored under its key — and only the signed
 * ones change anything; the TSS's counters stay gap-free.
 */
@QuarkusTest
class CompleteGroupsTest {

    private static final int SIGNED = 6;
    private static final int STALE = 3;
    private static final int UNPAID = 3;

    @Inject
    Pool pool;

    @Test
    void shouldAnswerEachMemberOfAGroupAsIfItRanAlone() throws Throwable {
        Pos pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SIGNED + STALE + UNPAID; i++) {
            ids.add(pos.post(pos.sale("11.90", "1.90")).path("id"));
        }
        String tss = pool.preparedQuery("SELECT tss_id FROM registers WHERE id = $1")
                .execute(Tuple.of(pos.register()))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getString(0);
        // the writers wait on the TSS while the others queue
        GroupProbe probe = GroupProbe.hold(pool, "complete", "tse_tss", tss);
        ExecutorService tills = Executors.newFixedThreadPool(ids.size());
        List<Callable<Response>> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String key = UUID.randomUUID().toString();
            keys.add(key);
            long version = i < SIGNED + UNPAID ? 1 : 2;
            String amount = i < SIGNED || i >= SIGNED + UNPAID ? "11.90" : "10.00";
            calls.add(() -> complete(pos, id, version, amount, key));
        }
        List<Future<Response>> answers = new ArrayList<>();
        for (Callable<Response> c : calls) {
            answers.add(tills.submit(c));
        }
        probe.awaitArrived(ids.size());
        probe.release();

        List<Response> got = new ArrayList<>();
        for (Future<Response> f : answers) {
            got.add(f.get());
        }
        tills.shutdown();
        // the released queue was written in groups larger than one
        assertEquals(ids.size(), probe.members(), "every complete went through a group");
        assertTrue(probe.groups() < probe.members(), "completes were grouped: " + probe.groups() + " groups");
        assertEquals(0, probe.alone(), "each was decided in its group, none handed to the one-by-one path");

        long lastTransaction = 0;
        for (int i = 0; i < ids.size(); i++) {
            Response r = got.get(i);
            if (i < SIGNED) {
                assertEquals(200, r.statusCode(), r.asString());
                lastTransaction =
                        Math.max(lastTransaction, FiscalVerifier.verify(r.path("fiscal_information"), pos.publicKey()));
                assertEquals(List.of("signed"), audit(ids.get(i)));
            } else if (i < SIGNED + UNPAID) {
                assertEquals(422, r.statusCode(), r.asString());
                // stored under its key and replayed, as when it runs alone
                complete(pos, ids.get(i), 1, "10.00", keys.get(i))
                        .then()
                        .statusCode(422)
                        .header("Idempotent-Replayed", "true");
                untouched(pos, ids.get(i));
            } else {
                assertEquals(412, r.statusCode(), r.asString());
                untouched(pos, ids.get(i));
            }
        }
        Row tssRow = pool.preparedQuery("""
                        SELECT t.signature_counter, t.transaction_counter, count(l.*), max(l.signature_counter),
                               count(DISTINCT l.transaction_number)
                          FROM tse_tss t JOIN tse_log_messages l ON l.tss_id = t.id
                         WHERE t.id = $1 AND l.log_type = 'transaction'
                         GROUP BY t.signature_counter, t.transaction_counter""")
                .execute(Tuple.of(tss))
                .await()
                .indefinitely()
                .iterator()
                .next();
        // the session open and the six sales, two logs each, after the two system logs of provisioning
        assertEquals(2 + 2 * (1 + SIGNED), tssRow.getLong(0), "signature counter");
        assertEquals(1 + SIGNED, tssRow.getLong(1), "transaction counter");
        assertEquals(2 * (1 + SIGNED), tssRow.getLong(2), "transaction logs");
        assertEquals(tssRow.getLong(0), tssRow.getLong(3), "the TSS counter is the last log's");
        assertEquals(1 + SIGNED, tssRow.getLong(4), "each transaction once");
        assertEquals(tssRow.getLong(1), lastTransaction, "the last receipt carries the last transaction");
    }

    private static Response complete(Pos pos, String id, long version, String amount, String key) {
        return pos.tenant()
                .as(pos.merchant())
                .header("Idempotency-Key", key)
                .header("If-Match", "\"" + version + "\"")
                .body(Map.of("payments", List.of(cash(amount))))
                .patch("/v1/operations/" + id + "/complete");
    }

    private static void untouched(Pos pos, String id) {
        pos.get("/v1/operations/" + id)
                .then()
                .body("status", equalTo("OPEN"))
                .body("resource_version", equalTo(1))
                .body("fiscal_information", nullValue());
    }

    private List<String> audit(String id) {
        List<String> outcomes = new ArrayList<>();
        pool.preparedQuery("SELECT outcome FROM operation_audit WHERE operation_id = $1 ORDER BY id")
                .execute(Tuple.of(id))
                .await()
                .indefinitely()
                .forEach(r -> outcomes.add(r.getString(0)));
        return outcomes;
    }
}
