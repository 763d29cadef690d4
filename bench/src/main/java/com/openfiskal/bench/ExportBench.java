package com.openfiskal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.openfiskal.dsfinvk.ArchiveWriter;
import com.openfiskal.dsfinvk.Schema;
import com.openfiskal.dsfinvk.verify.Verifier;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench/run export}: one busy register over a "year" (365 closed sessions of 275 receipts with three
 * lines each by default: 100,375 receipts, 301,125 lines) fed through the real path (the fiscalization API,
 * the TSE, the outbox, Kafka, the export-service's projections), then one DSFinV-K export of the whole year.
 * It reports the build time, archive size and the export-service's peak heap during the build, the
 * event-to-closing lag of every session, and, side by side on the same compiled rows in this JVM, the
 * streaming writer against a naive one that first loads every row into memory.
 */
final class ExportBench {

    private final Bench bench;
    private final String exportBase;

    ExportBench(Bench bench) {
        this.bench = bench;
        this.exportBase = bench.options.getOrDefault("export-url", "http://localhost:8081");
    }

    void run() throws Exception {
        int sessions = bench.intOption("sessions", 365);
        int perSession = bench.intOption("receipts-per-session", 275);
        int concurrency = bench.intOption("concurrency", 16);
        Instant from = Instant.now().minusSeconds(60);
        bench.options.putIfAbsent("registers", "1");
        String register = bench.setUp().get(0); // one fiscalized register, its first session open
        long t0 = System.nanoTime();
        AtomicLong receipts = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        for (int s = 0; s < sessions; s++) {
            if (s > 0) {
                event(register, Map.of("type", "SESSION_OPEN", "opening_balance_amount", "0.00"));
            }
            Semaphore inFlight = new Semaphore(concurrency);
            for (int i = 0; i < perSession; i++) {
                inFlight.acquire();
                receipt(register).whenComplete((error, e) -> {
                    inFlight.release();
                    if (e != null || error != null) {
                        failure.compareAndSet(null, e != null ? e.toString() : error);
                    } else {
                        receipts.incrementAndGet();
                    }
                });
            }
            inFlight.acquire(concurrency);
            if (failure.get() != null) {
                throw new IllegalStateException("a receipt failed: " + failure.get());
            }
            event(register, Map.of("type", "SESSION_CLOSE", "closing_transfer_amount", "0.00"));
            if ((s + 1) % 10 == 0 || s + 1 == sessions) {
                System.out.printf(
                        Locale.ROOT,
                        "  %d/%d sessions closed, %d receipts, %.0f receipts/s%n",
                        s + 1,
                        sessions,
                        receipts.get(),
                        receipts.get() / ((System.nanoTime() - t0) / 1e9));
            }
        }
        double feedSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT, "fed %d receipts in %d sessions in %.0f s%n", receipts.get(), sessions, feedSeconds);

        try (Connection db = DriverManager.getConnection(bench.jdbcUrl(), "postgres", "postgres")) {
            awaitBuilt(db, register, sessions);
            List<Double> lags = lags(db, register);
            System.out.printf(
                    Locale.ROOT,
                    "event-to-closing lag over %d sessions: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    lags.size(),
                    percentile(lags, 50),
                    percentile(lags, 99),
                    lags.get(lags.size() - 1));

            JsonNode created = exportPost(Map.of(
                    "type",
                    "dsfinvk",
                    "register_id",
                    register,
                    "from",
                    from.toString(),
                    "to",
                    Instant.now().plusSeconds(60).toString()));
            String id = created.path("id").asText();
            long peak = 0;
            JsonNode job;
            do {
                peak = Math.max(peak, heapUsed());
                Thread.sleep(100);
                job = exportGet("/v1/exports/" + id);
            } while ("pending".equals(job.path("status").asText()));
            if (!"completed".equals(job.path("status").asText())) {
                throw new IllegalStateException("export failed: " + job);
            }
            double build = Duration.between(
                                    Instant.parse(job.path("created_at").asText()),
                                    Instant.parse(job.path("completed_at").asText()))
                            .toMillis()
                    / 1000.0;
            long size = job.path("size_bytes").asLong();
            System.out.printf(
                    Locale.ROOT,
                    "export of %d closings: built in %.1f s, %.1f MB, export-service heap peak %.0f MB (sampled every 100 ms)%n",
                    job.path("session_ids").size(),
                    build,
                    size / 1e6,
                    peak / 1e6);

            Path tar = Files.createTempFile("openfiskal-bench-", ".tar");
            int download = bench.http().get(job.path("download_url").asText()).download(tar);
            if (download != 200) {
                throw new IllegalStateException("download answered " + download);
            }
            verify(tar);
            Files.delete(tar);

            sideBySide(db, register);
        }
    }

    private static void verify(Path tar) throws Exception {
        long v0 = System.nanoTime();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
            Verifier.Report report = Verifier.verify(in);
            System.out.printf(
                    Locale.ROOT,
                    "verify-export: %s, %d Bons, %d signatures verified, %d findings (%.1f s)%n",
                    report.ok() ? "PASSED" : "FAILED",
                    report.bons(),
                    report.signaturesVerified(),
                    report.findings().size(),
                    (System.nanoTime() - v0) / 1e9);
            report.findings().stream().limit(10).forEach(f -> System.out.println("  " + f));
        }
    }

    /**
     * {@code bench/run export-year}: the year written to Kafka by {@link YearFeed} as the fiscalization-service
     * would publish it (the register's own API throughput would take hours to produce 100,000 receipts), so the
     * export-service's event path, closings and export build are measured at full size. The export job is
     * queued directly in its table: the synthetic register is unknown to the fiscalization-service, whose
     * closed-session check the API would ask.
     */
    void year() throws Exception {
        int sessions = bench.intOption("sessions", 365);
        int perSession = bench.intOption("receipts-per-session", 275);
        int rate = bench.intOption("feed-rate", 0);
        String bootstrap = bench.options.getOrDefault(
                "kafka", "127.0.0.1:" + System.getenv().getOrDefault("OPENFISKAL_LOCAL_KAFKA_PORT", "19092"));
        YearFeed feed = new YearFeed(bootstrap);
        long t0 = System.nanoTime();
        feed.publish(Instant.parse("2025-01-01T00:00:00Z"), sessions, perSession, rate);
        double fed = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "published %d sessions, %d receipts (%d lines) in %.1f s (%.0f receipts/s)%n",
                sessions,
                (long) sessions * perSession,
                (long) sessions * perSession * 3,
                fed,
                sessions * perSession / fed);
        try (Connection db = DriverManager.getConnection(bench.jdbcUrl(), "postgres", "postgres")) {
            awaitBuilt(db, feed.register, sessions);
            System.out.printf(
                    Locale.ROOT,
                    "all %d closings compiled %.1f s after the feed started%n",
                    sessions,
                    (System.nanoTime() - t0) / 1e9);
            List<Double> lags = new ArrayList<>();
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT session_id, built_at FROM reporting.closed_sessions WHERE register_id = ?")) {
                s.setString(1, feed.register);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Instant sent = feed.closedSent.get(rs.getString(1));
                        lags.add((double)
                                Duration.between(sent, rs.getTimestamp(2).toInstant())
                                        .toMillis());
                    }
                }
            }
            lags.sort(Double::compare);
            System.out.printf(
                    Locale.ROOT,
                    "event-to-closing lag (session.closed sent -> closing compiled): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    percentile(lags, 50),
                    percentile(lags, 99),
                    lags.get(lags.size() - 1));

            String id = com.openfiskal.contracts.ids.Ids.next(com.openfiskal.contracts.ids.Ids.EXPORT);
            List<String> numbers = new ArrayList<>();
            for (int i = 1; i <= sessions; i++) {
                numbers.add(Integer.toString(i));
            }
            try (PreparedStatement s = db.prepareStatement("""
                    INSERT INTO reporting.exports (id, tenant_id, merchant_id, register_id, type, status, window_from,
                        window_to, effective_from, effective_to, session_ids, closing_numbers, timezone, created_at)
                    VALUES (?, 'ten_bench', ?, ?, 'dsfinvk', 'pending', '2025-01-01', '2026-01-01', '2025-01-01',
                        '2026-01-01', ?, ?, 'Europe/Berlin', now())""")) {
                s.setString(1, id);
                s.setString(2, feed.merchant);
                s.setString(3, feed.register);
                s.setString(4, String.join(",", feed.sessionIds));
                s.setString(5, String.join(",", numbers));
                s.executeUpdate();
            }
            long peak = 0;
            String status;
            String artifact;
            double build;
            long size;
            while (true) {
                peak = Math.max(peak, heapUsed());
                Thread.sleep(100);
                try (PreparedStatement s = db.prepareStatement(
                        "SELECT status, artifact, extract(epoch FROM completed_at - created_at), size_bytes, error FROM reporting.exports WHERE id = ?")) {
                    s.setString(1, id);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        status = rs.getString(1);
                        artifact = rs.getString(2);
                        build = rs.getDouble(3);
                        size = rs.getLong(4);
                        if ("failed".equals(status)) {
                            throw new IllegalStateException("export failed: " + rs.getString(5));
                        }
                    }
                }
                if ("completed".equals(status)) {
                    break;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "export of %d closings: built in %.1f s, %.1f MB, export-service heap peak %.0f MB (-Xmx256m, sampled every 100 ms)%n",
                    sessions,
                    build,
                    size / 1e6,
                    peak / 1e6);
            Path tar = Path.of(bench.options.getOrDefault("artifact-dir", ".openfiskal/exports"))
                    .resolve(artifact);
            verify(tar);
            sideBySide(db, feed.register);
        }
    }

    /** The streaming writer and a naive in-memory one over the same rows, in this JVM, one after the other. */
    private void sideBySide(Connection db, String register) throws Exception {
        Schema schema = Schema.official();
        Path out = Files.createTempFile("openfiskal-bench-", ".tar");
        System.gc();
        resetPeaks();
        long s0 = System.nanoTime();
        db.setAutoCommit(false);
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out))) {
            ArchiveWriter.write(o, out.getParent(), Instant.now(), (table, w) -> {
                try (PreparedStatement s = db.prepareStatement(
                        "SELECT line FROM reporting.closing_rows WHERE register_id = ? AND file_no = ? ORDER BY closing_number, seq")) {
                    s.setFetchSize(2000);
                    s.setString(1, register);
                    s.setShort(2, (short) schema.tables().indexOf(table));
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            w.write(rs.getString(1));
                        }
                    }
                } catch (java.sql.SQLException e) {
                    throw new java.io.IOException(e);
                }
            });
        }
        db.commit();
        double streaming = (System.nanoTime() - s0) / 1e9;
        long streamingPeak = peakHeap();

        System.gc();
        resetPeaks();
        long n0 = System.nanoTime();
        Map<Integer, List<String>> all = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT file_no, line FROM reporting.closing_rows WHERE register_id = ? ORDER BY closing_number, file_no, seq")) {
            s.setFetchSize(2000);
            s.setString(1, register);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    all.computeIfAbsent((int) rs.getShort(1), k -> new ArrayList<>())
                            .add(rs.getString(2));
                }
            }
        }
        db.commit();
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out))) {
            ArchiveWriter.write(o, out.getParent(), Instant.now(), (table, w) -> {
                for (String line : all.getOrDefault(schema.tables().indexOf(table), List.of())) {
                    w.write(line);
                }
            });
        }
        double naive = (System.nanoTime() - n0) / 1e9;
        long naivePeak = peakHeap();
        all.clear();
        Files.delete(out);
        System.out.printf(
                Locale.ROOT,
                "side by side in one JVM: streaming %.1f s, heap peak %.0f MB | naive (all rows in memory first) %.1f s, heap peak %.0f MB | ratio time %.2f, memory %.1f%n",
                streaming,
                streamingPeak / 1e6,
                naive,
                naivePeak / 1e6,
                naive / streaming,
                naivePeak / (double) streamingPeak);
    }

    // --- the feed -------------------------------------------------------------------------------------

    /** A receipt: three lines (19 %, 7 %, 19 %), paid part cash, part card; null on success. */
    private CompletableFuture<String> receipt(String register) {
        Map<String, Object> body = Map.of(
                "type", "SALE",
                "source", "POS",
                "register_id", register,
                "currency", "EUR",
                "pretax_amount", "14.00",
                "tax_amount", "2.04",
                "total_amount", "16.04",
                "line_items",
                        List.of(
                                line("Café Latte", 2, "5.95", "11.90", "0.19", "1.90"),
                                line("Croissant", 1, "2.14", "2.14", "0.07", "0.14"),
                                line("Wasser", 1, "2.00", "2.00", "0", "0.00")));
        return bench.sell(body, Bench.cashAndCard("6.04", "10.00", "girocard"), null, null);
    }

    private static Map<String, Object> line(String title, int qty, String unit, String total, String rate, String tax) {
        return Map.of(
                "title", title,
                "quantity", qty,
                "unit_price", unit,
                "total_amount", total,
                "taxes", List.of(Map.of("rate", rate, "tax_amount", tax)));
    }

    private void event(String register, Map<String, Object> fields) throws Exception {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("register_id", register);
        body.put("currency", "EUR");
        bench.post("/v1/operations", bench.merchant, body);
    }

    // --- measurements ---------------------------------------------------------------------------------

    private static void awaitBuilt(Connection db, String register, int sessions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT count(*) FROM reporting.closed_sessions WHERE register_id = ? AND state = 'built'")) {
                s.setString(1, register);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= sessions) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("not every closing was compiled within 5 minutes");
    }

    /** built_at − closed_at of every session, sorted, in ms. */
    private static List<Double> lags(Connection db, String register) throws Exception {
        List<Double> lags = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("""
                SELECT extract(epoch FROM built_at - closed_at) * 1000 FROM reporting.closed_sessions
                 WHERE register_id = ? ORDER BY 1""")) {
            s.setString(1, register);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    lags.add(rs.getDouble(1));
                }
            }
        }
        return lags;
    }

    private static double percentile(List<Double> sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    /** The export-service's heap in use, from its Prometheus endpoint (sum over the heap pools). */
    private long heapUsed() throws Exception {
        String metrics = bench.http().get(exportBase + "/q/metrics").call().body();
        long sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private JsonNode exportPost(Map<String, Object> body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Http.Response r = bench.api(bench.http().post(exportBase + "/v1/exports", body), bench.merchant)
                    .call();
            if (r.status() == 202) {
                return Bench.read(r.body());
            }
            if (r.status() != 422 || attempt > 60) {
                throw new IllegalStateException("POST /v1/exports answered " + r.status() + ": " + r.body());
            }
            Thread.sleep(1000); // build pending
        }
    }

    private JsonNode exportGet(String path) throws Exception {
        return Bench.read(bench.api(bench.http().get(exportBase + path), bench.merchant)
                .call()
                .body());
    }
}
