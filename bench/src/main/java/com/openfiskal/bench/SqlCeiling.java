package com.openfiskal.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ceiling of a sale's SQL on this machine: the statements the fiscalization-service sends PostgreSQL for the
 * create and the complete of a POS sale — the same tables in shape (indexes, foreign keys, fill factor), the same
 * row sizes, row locks and commits, as pg_stat_statements shows them for a real run (docs/performance.md) — run
 * alone against the same PostgreSQL with the services' own client, three ways:
 *
 * <ol>
 *   <li><b>one statement per round trip</b>, a transaction per request, on 8 connections (the
 *       fiscalization-service's pool): how the service sends them today, so this is the ceiling of its database
 *       work;
 *   <li><b>pipelined</b>: each transaction's statements sent without waiting for the answers (the next one does
 *       not need them here), on 8 connections;
 *   <li><b>grouped</b>: the creates of ten sales in one transaction and their completes in the next, pipelined,
 *       on two connections: a group commit.
 * </ol>
 *
 * The second and third measure what sending the same work differently would be worth, before anyone builds it.
 * The signatures, JSON and HTTP of a sale are not in it: the service's own share is the rest.
 */
final class SqlCeiling {

    record Result(String mode, double salesPerSecond, double postgresMsPerSale, double clientMsPerSale) {}

    /** As the fiscalization-service's pool (OPENFISKAL_DB_POOL_SIZE): its requests take turns on these. */
    private static final int CONNECTIONS = 8;

    private static final int GROUP = 10;
    private static final int REGISTERS = 20;

    // a sale's rows at the sizes measured in a real run
    private static final String DETAILS = text(818);
    private static final String FISCAL_INFORMATION = text(1143);
    private static final String RESPONSE = text(1750);
    private static final String EVENT = text(3000);
    private static final byte[] LOG = new byte[240];

    private static final String CLAIM =
            "INSERT INTO bench_sql.idempotency_records (scope, idempotency_key, fingerprint, request_id, created_at,"
                    + " expires_at) VALUES ('bench', $1, 'fingerprint', 'request', now(), now() + interval '1 day')"
                    + " ON CONFLICT (scope, idempotency_key) DO NOTHING";
    private static final String STORE =
            "UPDATE bench_sql.idempotency_records SET response_status = 200, response_headers = '{\"ETag\":\"1\"}',"
                    + " response_body = $2 WHERE scope = 'bench' AND idempotency_key = $1";
    private static final String LOCK_REGISTER = "SELECT * FROM bench_sql.registers WHERE id = $1 FOR UPDATE";
    private static final String READ_REGISTER = "SELECT * FROM bench_sql.registers WHERE id = $1";
    private static final String OPEN_SESSION =
            "SELECT * FROM bench_sql.sessions WHERE register_id = $1 AND status = 'open'";
    private static final String INSERT_OPERATION =
            "INSERT INTO bench_sql.operations (id, register_id, session_id, status, resource_version, details,"
                    + " created_at, updated_at) VALUES ($1, $2, $2, 'OPEN', 1, $3, now(), now())";
    private static final String LOCK_OPERATION = "SELECT * FROM bench_sql.operations WHERE id = $1 FOR UPDATE";
    private static final String LOCK_TSS = "SELECT * FROM bench_sql.tss WHERE id = $1 FOR UPDATE";
    private static final String INSERT_LOGS =
            "INSERT INTO bench_sql.tse_log_messages (tss_id, transaction_number, log_time, message)"
                    + " VALUES ($1, 1, now(), $2), ($1, 1, now(), $2)";
    private static final String INSERT_AUDIT = "INSERT INTO bench_sql.operation_audit (operation_id, action, outcome,"
            + " occurred_at) VALUES ($1, 'complete', 'signed', now())";
    private static final String COUNT_TSS = "UPDATE bench_sql.tss SET signature_counter = signature_counter + 2,"
            + " transaction_counter = transaction_counter + 1 WHERE id = $1";
    private static final String COMPLETE_OPERATION = "UPDATE bench_sql.operations SET status = 'COMPLETED',"
            + " resource_version = 2, details = $2, fiscal_information = $3, updated_at = now() WHERE id = $1";
    private static final String INSERT_EVENT = "INSERT INTO bench_sql.outbox (event_id, topic, record_key, payload,"
            + " created_at) VALUES ($1, 'operations', $2, $3, now())";

    private final PgConnectOptions database;
    private final AtomicLong ids = new AtomicLong();

    /** {@code jdbcUrl}: the database the rest of the benchmark uses ({@code --jdbc}), in its JDBC form. */
    SqlCeiling(String jdbcUrl, String user, String password) {
        this.database = PgConnectOptions.fromUri(jdbcUrl.replaceFirst("^jdbc:", ""))
                .setUser(user)
                .setPassword(password)
                // as the services have it (quarkus.datasource.reactive.cache-prepared-statements)
                .setCachePreparedStatements(true);
    }

    /** The three ways, {@code seconds} each, in a schema of their own that is dropped afterwards. */
    List<Result> run(int seconds) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            PgConnection admin = await(PgConnection.connect(vertx, database));
            try {
                for (String ddl : SCHEMA) {
                    await(admin.query(ddl).execute());
                }
                List<Result> out = new ArrayList<>();
                out.add(measure(vertx, "one statement per round trip", CONNECTIONS, seconds, this::oneByOne));
                out.add(measure(vertx, "pipelined per transaction", CONNECTIONS, seconds, this::pipelined));
                out.add(measure(vertx, GROUP + " sales per transaction, pipelined", 2, seconds, this::grouped));
                return out;
            } finally {
                await(admin.query("DROP SCHEMA IF EXISTS bench_sql CASCADE").execute());
                await(admin.close());
            }
        } finally {
            await(vertx.close());
        }
    }

    /** Sales of one loop per connection; returns how many sales one call completed. */
    private interface Loop {
        Future<Integer> sales(PgConnection c);
    }

    private Result measure(Vertx vertx, String mode, int connections, int seconds, Loop loop) throws Exception {
        List<PgConnection> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(await(PgConnection.connect(vertx, database)));
        }
        try {
            // unmeasured first: this process's JIT, and PostgreSQL's caches of the new tables
            drive(vertx, open, loop, Math.max(2, seconds / 3), mode);
            CpuAccount cpu = CpuAccount.start();
            long sales = drive(vertx, open, loop, seconds, mode);
            // read while the connections (the backends that did the work) are still open
            Map<String, Double> perSale = cpu.perSale(sales);
            return new Result(
                    mode,
                    sales / (double) seconds,
                    perSale.getOrDefault("PostgreSQL", Double.NaN),
                    perSale.getOrDefault("load generator", Double.NaN));
        } finally {
            for (PgConnection c : open) {
                await(c.close());
            }
        }
    }

    /** Runs {@code loop} on every connection for {@code seconds}; returns the sales completed. */
    private static long drive(Vertx vertx, List<PgConnection> open, Loop loop, int seconds, String mode)
            throws Exception {
        AtomicLong sales = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (PgConnection c : open) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loops.add(done);
            vertx.runOnContext(v -> repeat(c, loop, end, sales, failure, done));
        }
        for (CompletableFuture<Void> l : loops) {
            l.get(seconds + 60L, TimeUnit.SECONDS);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the SQL ceiling (" + mode + ") failed", failure.get());
        }
        return sales.get();
    }

    private static void repeat(
            PgConnection c,
            Loop loop,
            long end,
            AtomicLong sales,
            AtomicReference<Throwable> failure,
            CompletableFuture<Void> done) {
        if (System.nanoTime() >= end || failure.get() != null) {
            done.complete(null);
            return;
        }
        loop.sales(c).onComplete(r -> {
            if (r.succeeded()) {
                sales.addAndGet(r.result());
            } else {
                failure.compareAndSet(null, r.cause());
            }
            repeat(c, loop, end, sales, failure, done);
        });
    }

    // --- the three ways ---------------------------------------------------------------------------

    private Future<Integer> oneByOne(PgConnection c) {
        Sale s = new Sale(ThreadLocalRandom.current().nextInt(1, REGISTERS + 1));
        return inSequence(c, s.create())
                .compose(x -> inSequence(c, s.complete()))
                .map(1);
    }

    private Future<Integer> pipelined(PgConnection c) {
        Sale s = new Sale(ThreadLocalRandom.current().nextInt(1, REGISTERS + 1));
        return inPipeline(c, s.create())
                .compose(x -> inPipeline(c, s.complete()))
                .map(1);
    }

    /**
     * Ten sales on ten different registers, in register order: the row locks of concurrent groups are then
     * taken in one order and cannot deadlock.
     */
    private Future<Integer> grouped(PgConnection c) {
        int first = ThreadLocalRandom.current().nextInt(REGISTERS);
        List<Sale> group = new ArrayList<>();
        for (int i = 0; i < GROUP; i++) {
            group.add(new Sale((first + i) % REGISTERS + 1));
        }
        group.sort((a, b) -> Integer.compare(a.register, b.register));
        List<Statement> creates = new ArrayList<>();
        List<Statement> completes = new ArrayList<>();
        for (Sale s : group) {
            creates.addAll(s.create());
            completes.addAll(s.complete());
        }
        return inPipeline(c, creates).compose(x -> inPipeline(c, completes)).map(GROUP);
    }

    // --- a sale's statements ----------------------------------------------------------------------

    private record Statement(String sql, Tuple parameters) {}

    /** One POS sale on a register, whose TSS and open session carry the register's number. */
    private final class Sale {
        final int register;
        final String operation = "op_" + ids.incrementAndGet();

        Sale(int register) {
            this.register = register;
        }

        List<Statement> create() {
            String key = UUID.randomUUID().toString();
            return List.of(
                    new Statement(CLAIM, Tuple.of(key)),
                    new Statement(LOCK_REGISTER, Tuple.of(register)),
                    new Statement(OPEN_SESSION, Tuple.of(register)),
                    new Statement(INSERT_OPERATION, Tuple.of(operation, register, DETAILS)),
                    new Statement(STORE, Tuple.of(key, RESPONSE)));
        }

        List<Statement> complete() {
            String key = UUID.randomUUID().toString();
            return List.of(
                    new Statement(CLAIM, Tuple.of(key)),
                    new Statement(LOCK_OPERATION, Tuple.of(operation)),
                    new Statement(READ_REGISTER, Tuple.of(register)),
                    new Statement(LOCK_TSS, Tuple.of(register)),
                    new Statement(INSERT_LOGS, Tuple.of(register, Buffer.buffer(LOG))),
                    new Statement(INSERT_AUDIT, Tuple.of(operation)),
                    new Statement(COUNT_TSS, Tuple.of(register)),
                    new Statement(COMPLETE_OPERATION, Tuple.of(operation, DETAILS, FISCAL_INFORMATION)),
                    new Statement(INSERT_EVENT, Tuple.of(UUID.randomUUID().toString(), "reg_" + register, EVENT)),
                    new Statement(STORE, Tuple.of(key, RESPONSE)));
        }
    }

    /** BEGIN, each statement after the answer to the one before, COMMIT. */
    private static Future<Void> inSequence(PgConnection c, List<Statement> statements) {
        Future<?> f = c.query("BEGIN").execute();
        for (Statement s : statements) {
            f = f.compose(x -> c.preparedQuery(s.sql()).execute(s.parameters()));
        }
        return f.compose(x -> c.query("COMMIT").execute()).mapEmpty();
    }

    /** BEGIN, every statement and COMMIT sent at once; the client's pipelining keeps their order. */
    private static Future<Void> inPipeline(PgConnection c, List<Statement> statements) {
        List<Future<?>> all = new ArrayList<>();
        all.add(c.query("BEGIN").execute());
        for (Statement s : statements) {
            all.add(c.preparedQuery(s.sql()).execute(s.parameters()));
        }
        all.add(c.query("COMMIT").execute());
        return Future.all(all).mapEmpty();
    }

    private static final List<String> SCHEMA = List.of(
            "DROP SCHEMA IF EXISTS bench_sql CASCADE",
            "CREATE SCHEMA bench_sql",
            "CREATE TABLE bench_sql.tss (id int PRIMARY KEY, signature_counter bigint NOT NULL,"
                    + " transaction_counter bigint NOT NULL, state text NOT NULL, public_key bytea)",
            "CREATE TABLE bench_sql.registers (id int PRIMARY KEY, name text NOT NULL, status text NOT NULL,"
                    + " tss_id int NOT NULL REFERENCES bench_sql.tss, updated_at timestamptz)",
            "CREATE TABLE bench_sql.sessions (id int PRIMARY KEY, register_id int NOT NULL REFERENCES"
                    + " bench_sql.registers, status text NOT NULL)",
            "CREATE TABLE bench_sql.operations (id text PRIMARY KEY, register_id int NOT NULL REFERENCES"
                    + " bench_sql.registers, session_id int NOT NULL REFERENCES bench_sql.sessions, status text NOT NULL,"
                    + " resource_version int NOT NULL, details text NOT NULL, fiscal_information text,"
                    + " created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL) WITH (fillfactor = 50)",
            "CREATE INDEX ON bench_sql.operations (register_id, id DESC)",
            "CREATE INDEX ON bench_sql.operations (session_id, id)",
            "CREATE TABLE bench_sql.idempotency_records (scope text, idempotency_key text, fingerprint text NOT NULL,"
                    + " request_id text, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,"
                    + " response_status int, response_headers text, response_body text,"
                    + " PRIMARY KEY (scope, idempotency_key)) WITH (toast_tuple_target = 8160)",
            "CREATE INDEX ON bench_sql.idempotency_records (expires_at)",
            "CREATE TABLE bench_sql.tse_log_messages (tss_id int NOT NULL REFERENCES bench_sql.tss,"
                    + " signature_counter bigserial, transaction_number bigint, log_time timestamptz NOT NULL,"
                    + " message bytea NOT NULL, PRIMARY KEY (tss_id, signature_counter))",
            "CREATE INDEX ON bench_sql.tse_log_messages (tss_id, transaction_number)",
            "CREATE TABLE bench_sql.operation_audit (id bigserial PRIMARY KEY, operation_id text NOT NULL"
                    + " REFERENCES bench_sql.operations, action text NOT NULL, outcome text NOT NULL,"
                    + " occurred_at timestamptz NOT NULL)",
            "CREATE INDEX ON bench_sql.operation_audit (operation_id, id)",
            "CREATE TABLE bench_sql.outbox (seq bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE,"
                    + " topic text NOT NULL, record_key text NOT NULL, payload text NOT NULL,"
                    + " created_at timestamptz NOT NULL) WITH (toast_tuple_target = 8160)",
            "INSERT INTO bench_sql.tss SELECT g, 0, 0, 'INITIALIZED', decode(repeat('04', 65), 'hex')"
                    + " FROM generate_series(1, " + REGISTERS + ") g",
            "INSERT INTO bench_sql.registers SELECT g, 'Kasse ' || g, 'active', g, now()" + " FROM generate_series(1, "
                    + REGISTERS + ") g",
            "INSERT INTO bench_sql.sessions SELECT g, g, 'open' FROM generate_series(1, " + REGISTERS + ") g");

    /** Text of {@code n} characters that, like JSON, does not compress to nothing. */
    private static String text(int n) {
        StringBuilder b = new StringBuilder(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (b.length() < n) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static String describe(Result r) {
        return String.format(
                Locale.ROOT,
                "%-38s %7.0f sales/s, PostgreSQL %.2f ms and client %.2f ms of CPU per sale",
                r.mode() + ":",
                r.salesPerSecond(),
                r.postgresMsPerSale(),
                r.clientMsPerSale());
    }
}
