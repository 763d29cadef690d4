package com.openfiskal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator of docs/performance.md, a process of its own. {@code sales} drives create + complete of
 * POS sales across N fiscalized registers of a running stack, closed loop (C sales in flight: the maximum
 * throughput) or open loop (a fixed rate: the latency at that rate), and reports throughput and p50/p95/p99
 * of create and of complete. {@code ceiling} measures, on the same machine, the raw work a sale needs at its
 * least: ECDSA P-256 signatures per second (two per sale) and small write transactions per second on the
 * same PostgreSQL. {@code all} runs both in one go and prints the ratios.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, String> options;
    private final String base;
    private final String key;
    private final Http http = new Http();

    private Bench(Map<String, String> options) throws IOException {
        this.options = options;
        this.base = options.getOrDefault("url", "http://localhost:8080");
        this.key = options.getOrDefault("key", secrets().getProperty("bootstrap-api-key"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench/run all|sales|ceiling|export [--registers N] [--concurrency C] "
                    + "[--duration SECONDS] [--warmup SECONDS] [--rate SALES_PER_SECOND] [--timeline on] [--url URL] "
                    + "[--key API_KEY]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Bench bench = new Bench(options);
        switch (args[0]) {
            case "sales" -> bench.sales(bench.setUp());
            case "ceiling" -> bench.ceiling();
            case "all" -> bench.all();
            case "export" -> new ExportBench(bench).run();
            case "export-year" -> new ExportBench(bench).year();
            case "receipts" -> new ReceiptsBench(bench).run();
            default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
        }
        System.exit(0);
    }

    // --- one run with everything, for the ratios ------------------------------------------------

    private void all() throws Exception {
        Ceiling c = ceiling();
        List<String> registers = setUp();
        warmUp(registers);
        int seconds = intOption("duration", 60);
        Result max = run(registers, intOption("concurrency", 32), 0, seconds);
        Result paced = run(registers, intOption("concurrency", 32) * 4, intOption("rate", 250), seconds);
        System.out.println();
        System.out.println("== summary ==");
        System.out.printf(
                Locale.ROOT,
                "max throughput        %8.1f completed sales/s (%d s, %d registers)%n",
                max.salesPerSecond(),
                seconds,
                registers.size());
        System.out.printf(
                Locale.ROOT,
                "at %d sales/s         create p99 %6.1f ms   complete p99 %6.1f ms%n",
                intOption("rate", 250),
                paced.create().p(99),
                paced.complete().p(99));
        System.out.printf(
                Locale.ROOT,
                "ceiling: signatures   %8.0f /s on %d threads -> %8.0f sales/s (2 per sale)%n",
                c.signaturesPerSecond(),
                c.threads(),
                c.signaturesPerSecond() / 2);
        System.out.printf(
                Locale.ROOT,
                "ceiling: PG writes    %8.0f tx/s                -> ratio sales/tx %.3f%n",
                c.transactionsPerSecond(),
                max.salesPerSecond() / c.transactionsPerSecond());
        System.out.printf(
                Locale.ROOT, "ratio to signing ceiling %.3f%n", max.salesPerSecond() / (c.signaturesPerSecond() / 2));
        for (SqlCeiling.Result r : c.sql()) {
            System.out.printf(
                    Locale.ROOT,
                    "ratio to a sale's SQL, %-38s %.3f%n",
                    r.mode() + ":",
                    max.salesPerSecond() / r.salesPerSecond());
        }
    }

    // --- sales ------------------------------------------------------------------------------------

    private void sales(List<String> registers) throws Exception {
        warmUp(registers);
        run(registers, intOption("concurrency", 32), intOption("rate", 0), intOption("duration", 60));
    }

    /** A merchant, a location and N fiscalized registers, each with a session open. */
    List<String> setUp() throws Exception {
        int n = intOption("registers", 20);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String merchant = post(
                        "/v1/merchants",
                        null,
                        Map.of(
                                "legal_name",
                                "Bench GmbH " + suffix,
                                "country_code",
                                "DEU",
                                "address",
                                address(),
                                "fiscal_identities",
                                List.of(Map.of(
                                        "country_code", "DEU", "tax_number", "2981508150", "vat_id", "DE123456789"))))
                .path("id")
                .asText();
        String location = post(
                        "/v1/locations",
                        merchant,
                        Map.of(
                                "name",
                                "Filiale " + suffix,
                                "country_code",
                                "DEU",
                                "timezone",
                                "Europe/Berlin",
                                "address",
                                address()))
                .path("id")
                .asText();
        List<String> registers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = post("/v1/registers", merchant, Map.of("location_id", location, "name", "Kasse " + i))
                    .path("id")
                    .asText();
            post("/v1/registers/" + id + "/fiscalize", merchant, Map.of());
            registers.add(id);
        }
        for (String id : registers) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!"fiscalized"
                    .equals(get("/v1/registers/" + id, merchant)
                            .path("fiscalization_status")
                            .asText())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("register " + id + " was not fiscalized within 60 s");
                }
                Thread.sleep(200);
            }
            post(
                    "/v1/operations",
                    merchant,
                    Map.of(
                            "type",
                            "SESSION_OPEN",
                            "register_id",
                            id,
                            "currency",
                            "EUR",
                            "opening_balance_amount",
                            "100.00"));
        }
        this.merchant = merchant;
        System.out.printf("set up %d fiscalized registers with open sessions (merchant %s)%n", n, merchant);
        return registers;
    }

    String merchant;

    /**
     * Unmeasured closed-loop sales before the measured runs ({@code --warmup}, 30 s by default, 0 for none).
     * The load generator shares the machine: while its own JIT still compiles (minutes of C2 work on two
     * cores, in a new process every run) it takes CPU from the services and the measured minute is
     * the generator's warm-up rather than the platform's steady state.
     */
    private void warmUp(List<String> registers) throws Exception {
        int seconds = intOption("warmup", 30);
        if (seconds > 0) {
            System.out.printf("warm-up (not measured): %d s%n", seconds);
            run(registers, intOption("concurrency", 32), 0, seconds, false);
        }
    }

    Http http() {
        return http;
    }

    /** Sales across the registers for {@code seconds}: closed loop when rate is 0, else paced at rate. */
    private Result run(List<String> registers, int concurrency, int rate, int seconds) throws Exception {
        return run(registers, concurrency, rate, seconds, true);
    }

    private Result run(List<String> registers, int concurrency, int rate, int seconds, boolean report)
            throws Exception {
        Histogram create = new Histogram();
        Histogram complete = new Histogram();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicLong next = new AtomicLong();
        CpuAccount cpu = CpuAccount.start();
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long interval = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
        long sent = 0;
        while (System.nanoTime() < end) {
            if (interval > 0) {
                long due = start + sent * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                continue;
            }
            sent++;
            String register = registers.get((int) (next.getAndIncrement() % registers.size()));
            sale(register, create, complete).whenComplete((ok, e) -> {
                inFlight.release();
                if (e == null && ok == null) {
                    done.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    if (errors.size() < 5) {
                        errors.add(e != null ? e.toString() : ok);
                    }
                }
            });
        }
        inFlight.acquire(concurrency);
        inFlight.release(concurrency);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Result r = new Result(done.get() / elapsed, create, complete);
        if (!report) {
            System.out.printf("  warm-up done: %d sales, %d failed%n", done.get(), failed.get());
            errors.forEach(e -> System.out.println("  error: " + e));
            return r;
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %d sales completed, %d failed in %.1f s -> %.1f completed sales/s%n",
                rate == 0 ? "closed loop, " + concurrency + " in flight" : "open loop at " + rate + " sales/s",
                done.get(),
                failed.get(),
                elapsed,
                r.salesPerSecond());
        System.out.println("  create   " + create.summary());
        System.out.println("  complete " + complete.summary());
        if (options.containsKey("timeline")) {
            // one character per second: '.' none, 1-9 calls, '+' ten or more; the wall clock of the first
            // second, to lay the line beside the services' logs
            System.out.println("  calls over 50 ms in each second from " + startedAt.truncatedTo(ChronoUnit.SECONDS)
                    + " ('.' none, '+' ten or more):");
            System.out.println("  create   " + create.slowPerSecond(start, seconds));
            System.out.println("  complete " + complete.slowPerSecond(start, seconds));
        }
        cpu.report(done.get()).ifPresent(System.out::println);
        errors.forEach(e -> System.out.println("  error: " + e));
        return r;
    }

    /** Completes with null on success, or with the failure's description. */
    private CompletableFuture<String> sale(String register, Histogram create, Histogram complete) {
        Map<String, Object> body = Map.of(
                "type",
                "SALE",
                "source",
                "POS",
                "register_id",
                register,
                "currency",
                "EUR",
                "pretax_amount",
                "10.00",
                "tax_amount",
                "1.90",
                "total_amount",
                "11.90",
                "line_items",
                List.of(Map.of(
                        "title", "Café Latte",
                        "quantity", 2,
                        "unit_price", "5.95",
                        "total_amount", "11.90",
                        "taxes", List.of(Map.of("rate", "0.19", "tax_amount", "1.90")))));
        return sell(body, cashAndCard("5.00", "6.90", null), create, complete);
    }

    /** Split tender: cash and a card (brand optional), both captured, in EUR. */
    static List<Map<String, Object>> cashAndCard(String cash, String card, String brand) {
        Map<String, Object> cardLeg =
                new HashMap<>(Map.of("method", "card", "status", "captured", "amount", card, "currency", "EUR"));
        if (brand != null) {
            cardLeg.put("card_brand", brand);
        }
        return List.of(Map.of("method", "cash", "status", "captured", "amount", cash, "currency", "EUR"), cardLeg);
    }

    /**
     * Creates a goods movement and completes it with these payments, timing each call when histograms are
     * given; completes with null on success, or with the failure's description.
     */
    CompletableFuture<String> sell(
            Map<String, Object> body, List<Map<String, Object>> payments, Histogram create, Histogram complete) {
        long t0 = System.nanoTime();
        return api(http.post(base + "/v1/operations", body), merchant).send().thenCompose(created -> {
            if (create != null) {
                create.record(System.nanoTime() - t0);
            }
            if (created.status() != 201) {
                return CompletableFuture.completedFuture("create " + created.status() + " " + created.body());
            }
            String id = read(created.body()).path("id").asText();
            if (id.isEmpty()) {
                return CompletableFuture.completedFuture(
                        "create 201 without an id: '" + created.body() + "' (" + created.exchange() + ")");
            }
            long t1 = System.nanoTime();
            return complete(id, payments).thenApply(done -> {
                if (complete != null) {
                    complete.record(System.nanoTime() - t1);
                }
                return done.status() == 200 ? null : "complete " + done.status() + " " + done.body();
            });
        });
    }

    // --- ceiling ----------------------------------------------------------------------------------

    record Ceiling(
            int threads, double signaturesPerSecond, double transactionsPerSecond, List<SqlCeiling.Result> sql) {}

    /** The raw limits of this machine for the work of a sale, measured now, beside the sales. */
    private Ceiling ceiling() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        int seconds = intOption("ceiling-seconds", 10);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        // the exact work of the software TSE: a TR-03151 transaction log, encoded and signed
        LogMessageWriter writer = new LogMessageWriter(
                TseKeys.serialNumber((ECPublicKey) pair.getPublic()),
                TseAlgorithms.ECDSA_PLAIN_SHA256,
                pair.getPrivate());
        byte[] processData = "Beleg^10.00_0.00_0.00_0.00_0.00^5.00:Bar_5.00:Unbar".getBytes(StandardCharsets.UTF_8);
        AtomicLong signatures = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    writer.transactionLog(
                            "FinishTransaction", "reg_bench", processData, "Kassenbeleg-V1", ++n, n, Instant.now());
                    signatures.incrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 10, TimeUnit.SECONDS);
        double signaturesPerSecond = signatures.get() / (double) seconds;
        System.out.printf(
                Locale.ROOT,
                "ceiling: %.0f signed TSE log messages/s (ECDSA P-256) on %d threads%n",
                signaturesPerSecond,
                threads);

        double tps = pgTransactions(seconds);
        System.out.printf(
                Locale.ROOT, "ceiling: %.0f PostgreSQL write transactions/s (insert + update, commit)%n", tps);

        System.out.println("ceiling: a sale's SQL (create + complete) alone, sent three ways:");
        List<SqlCeiling.Result> sql = new SqlCeiling(
                        jdbcUrl(),
                        options.getOrDefault("db-user", "postgres"),
                        options.getOrDefault("db-password", "postgres"))
                .run(seconds);
        sql.forEach(r -> System.out.println("  " + SqlCeiling.describe(r)));
        return new Ceiling(threads, signaturesPerSecond, tps, sql);
    }

    /** The local stack's PostgreSQL (./openfiskal up), or --jdbc. */
    String jdbcUrl() {
        return options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:" + pgPort() + "/openfiskal");
    }

    private static int pgPort() {
        return Integer.parseInt(System.getenv().getOrDefault("OPENFISKAL_LOCAL_PG_PORT", "54320"));
    }

    /** pgbench-like: each transaction inserts a row and updates a counter row, on 8 connections. */
    private double pgTransactions(int seconds) throws Exception {
        String url = jdbcUrl();
        String user = options.getOrDefault("db-user", "postgres");
        String password = options.getOrDefault("db-password", "postgres");
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("CREATE TABLE IF NOT EXISTS bench.counters (id int PRIMARY KEY, n bigint NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS bench.rows (id bigserial PRIMARY KEY, counter int, payload text)");
            s.execute("INSERT INTO bench.counters SELECT g, 0 FROM generate_series(1, 20) g ON CONFLICT DO NOTHING");
        }
        int connections = 8;
        AtomicLong tx = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        for (int t = 0; t < connections; t++) {
            int worker = t;
            pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url, user, password)) {
                    c.setAutoCommit(false);
                    PreparedStatement insert =
                            c.prepareStatement("INSERT INTO bench.rows (counter, payload) VALUES (?, ?)");
                    PreparedStatement update = c.prepareStatement("UPDATE bench.counters SET n = n + 1 WHERE id = ?");
                    long i = 0;
                    while (System.nanoTime() < end) {
                        int counter = (int) ((worker * 7 + i++) % 20) + 1;
                        insert.setInt(1, counter);
                        insert.setString(2, "x".repeat(200));
                        insert.executeUpdate();
                        update.setInt(1, counter);
                        update.executeUpdate();
                        c.commit();
                        tx.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 30, TimeUnit.SECONDS);
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA bench CASCADE");
        }
        return tx.get() / (double) seconds;
    }

    // --- HTTP -------------------------------------------------------------------------------------

    JsonNode post(String path, String merchant, Object body) throws Exception {
        Http.Response r = api(http.post(base + path, body), merchant).call();
        // seen three times at the start of a run and once in a sale (cause unknown): a 2xx without the created
        // resource; say what came back, and what the service announced
        if (r.status() >= 300 || r.body().isBlank()) {
            throw new IllegalStateException(
                    "POST " + path + " answered " + r.status() + ": '" + r.body() + "' (" + r.exchange() + ")");
        }
        return read(r.body());
    }

    JsonNode get(String path, String merchant) throws Exception {
        return read(api(http.get(base + path), merchant).call().body());
    }

    /** PATCH …/complete of an operation at version 1 with these payments. */
    CompletableFuture<Http.Response> complete(String operation, List<Map<String, Object>> payments) {
        return api(
                        http.patch(base + "/v1/operations/" + operation + "/complete", Map.of("payments", payments)),
                        merchant)
                .header("If-Match", "\"1\"")
                .send();
    }

    /** A request with the API key, a fresh Idempotency-Key on writes and, when given, the merchant header. */
    Http.Request api(Http.Request r, String merchant) {
        r.header("Authorization", "Bearer " + key);
        if (r.hasBody()) {
            r.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        return merchant == null ? r : r.header("X-OpenFiskal-Merchant", merchant);
    }

    static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> address() {
        return Map.of("line1", "Oranienstraße 12", "city", "Berlin", "postal_code", "10999", "country_code", "DEU");
    }

    int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
    }

    private static Properties secrets() throws IOException {
        Properties p = new Properties();
        Path file = Path.of(System.getenv().getOrDefault("OPENFISKAL_DATA_DIR", ".openfiskal"), "secrets.properties");
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    // --- results ----------------------------------------------------------------------------------

    record Result(double salesPerSecond, Histogram create, Histogram complete) {}

    /** Latencies in microseconds; percentiles by sorting (a run has at most a few hundred thousand samples). */
    static final class Histogram {
        private final ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        /** When each slow call ended (System.nanoTime), for {@link #slowPerSecond}. */
        private final ConcurrentLinkedQueue<Long> slowEnds = new ConcurrentLinkedQueue<>();

        private static final long SLOW_MICROS = 50_000;

        void record(long nanos) {
            long us = nanos / 1000;
            micros.add(us);
            if (us > SLOW_MICROS) {
                slowEnds.add(System.nanoTime());
            }
        }

        /**
         * Calls over 50 ms (the p99 bound) by the second of the run in which they ended: whether a tail
         * is spread evenly or comes in bursts (a pause somewhere) says where to look for it.
         */
        String slowPerSecond(long start, int seconds) {
            int[] counts = new int[seconds + 1];
            for (long ended : slowEnds) {
                int second = (int) ((ended - start) / 1_000_000_000L);
                counts[Math.max(0, Math.min(second, seconds))]++;
            }
            StringBuilder b = new StringBuilder();
            for (int c : counts) {
                b.append(c == 0 ? "." : c < 10 ? String.valueOf(c) : "+");
            }
            return b.toString();
        }

        double p(double percentile) {
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1000.0;
        }

        String summary() {
            return String.format(
                    Locale.ROOT,
                    "n=%d p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms",
                    micros.size(),
                    p(50),
                    p(95),
                    p(99),
                    p(100));
        }
    }
}
