package com.openfiskal.fiscalization.operation;

import static com.openfiskal.fiscalization.support.Pos.cash;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openfiskal.fiscalization.support.Pos;
import com.openfiskal.fiscalization.support.Tenants;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * 20 registers under parallel load, three tills' worth of threads per register: afterwards every TSS has
 * signature counters 1..n and transaction numbers 1..m without a gap or a repeat, and every started
 * transaction was finished exactly once.
 */
@QuarkusTest
class ParallelSigningTest {

    private static final int REGISTERS = 20;
    private static final int THREADS_PER_REGISTER = 3;
    private static final int SALES_PER_THREAD = 5;

    @Test
    void shouldKeepCountersGapFreePerTss() throws Throwable {
        Tenants.Tenant t = Tenants.create();
        String merchant = Tenants.merchant(t);
        String location = Tenants.location(t, merchant);
        List<Pos> tills = new ArrayList<>();
        for (int i = 0; i < REGISTERS; i++) {
            String register = Tenants.register(t, merchant, location);
            t.as(merchant)
                    .post("/v1/registers/" + register + "/fiscalize")
                    .then()
                    .statusCode(202);
            tills.add(new Pos(t, merchant, location, register, null));
        }
        for (Pos p : tills) {
            Tenants.awaitFiscalizationStatus(t, merchant, p.register(), "fiscalized");
            p.open("100.00").then().statusCode(201);
        }

        ExecutorService pool = Executors.newFixedThreadPool(REGISTERS * THREADS_PER_REGISTER);
        List<Callable<Integer>> work = new ArrayList<>();
        for (Pos p : tills) {
            for (int th = 0; th < THREADS_PER_REGISTER; th++) {
                work.add(() -> {
                    int done = 0;
                    for (int s = 0; s < SALES_PER_THREAD; s++) {
                        Response created = p.post(p.sale("11.90", "1.90"));
                        assertEquals(201, created.statusCode(), created.asString());
                        Response completed = p.complete(created.path("id"), 1, List.of(cash("11.90")));
                        assertEquals(200, completed.statusCode(), completed.asString());
                        done++;
                    }
                    return done;
                });
            }
        }
        int sales = 0;
        for (Future<Integer> f : pool.invokeAll(work)) {
            sales += f.get();
        }
        pool.shutdown();
        assertEquals(REGISTERS * THREADS_PER_REGISTER * SALES_PER_THREAD, sales);

        for (Pos p : tills) {
            Object[] row = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Panache.getSession()
                    .flatMap(s -> s.createNativeQuery("""
                    SELECT count(*), min(l.signature_counter), max(l.signature_counter),
                           count(*) FILTER (WHERE l.operation_type = 'StartTransaction'),
                           count(DISTINCT l.transaction_number) FILTER (WHERE l.operation_type = 'StartTransaction'),
                           max(l.transaction_number),
                           count(*) FILTER (WHERE l.operation_type = 'FinishTransaction'),
                           count(DISTINCT l.transaction_number) FILTER (WHERE l.operation_type = 'FinishTransaction'),
                           max(t.signature_counter), max(t.transaction_counter)
                      FROM tse_log_messages l JOIN tse_tss t ON t.id = l.tss_id
                     WHERE t.register_id = ?1""", Object[].class)
                            .setParameter(1, p.register())
                            .getSingleResult())));
            long logs = ((Number) row[0]).longValue();
            long transactions = 1 + THREADS_PER_REGISTER * SALES_PER_THREAD; // the session open, then the sales
            assertEquals(1L, ((Number) row[1]).longValue(), "counters start at 1");
            assertEquals(logs, ((Number) row[2]).longValue(), "signature counters have no gap");
            assertEquals(transactions, ((Number) row[3]).longValue());
            assertEquals(transactions, ((Number) row[4]).longValue(), "no transaction number repeats");
            assertEquals(transactions, ((Number) row[5]).longValue(), "transaction numbers have no gap");
            assertEquals(transactions, ((Number) row[6]).longValue(), "every transaction is finished");
            assertEquals(transactions, ((Number) row[7]).longValue(), "and finished once");
            assertEquals(logs, ((Number) row[8]).longValue(), "the TSS counter is the last log's");
            assertEquals(transactions, ((Number) row[9]).longValue());
        }
    }
}
