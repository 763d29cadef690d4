package com.openfiskal.export.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.auth.SecurityConfig;
import com.openfiskal.dsfinvk.ArchiveWriter;
import com.openfiskal.dsfinvk.Schema;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Builds export jobs in the background, off the API's threads. A job is claimed with a lease
 * ({@code FOR UPDATE SKIP LOCKED}), so several instances and several workers never build the same job, and
 * a job whose builder died (a crash, SIGKILL) is claimed again once its lease runs out. The archive is
 * written to a temporary name, its SHA-256 computed on the way, and renamed once complete; the job turns
 * {@code completed} in the same step that records size and checksum.
 */
@ApplicationScoped
@Startup
public class ExportWorker {

    private static final Logger LOG = Logger.getLogger(ExportWorker.class);

    private final DataSource db;
    private final ExportConfig config;
    private final ObjectMapper mapper;
    private final ExecutorService pool;
    private final Semaphore slots;
    private final Schema schema = Schema.official();

    private final MeterRegistry registry;

    public ExportWorker(
            DataSource db, ExportConfig config, ObjectMapper mapper, SecurityConfig security, MeterRegistry registry) {
        this.registry = registry;
        if (config.testPausePerTable().isPresent() && "live".equals(security.environment())) {
            throw new IllegalStateException(
                    "openfiskal.export.test-pause-per-table is for tests; a live deployment refuses it");
        }
        this.db = db;
        this.config = config;
        this.mapper = mapper;
        this.pool = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "export-worker");
            t.setDaemon(true);
            return t;
        });
        this.slots = new Semaphore(config.workers());
    }

    void stop(@Observes ShutdownEvent e) {
        pool.shutdownNow();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        while (slots.tryAcquire()) {
            Job job;
            try {
                job = claim();
            } catch (SQLException e) {
                slots.release();
                LOG.warnf("claiming an export job failed: %s", e.getMessage());
                return;
            }
            if (job == null) {
                slots.release();
                return;
            }
            pool.submit(() -> {
                try {
                    run(job);
                } finally {
                    slots.release();
                }
            });
        }
    }

    record Job(String id, String registerId, long[] closings, String[] sessions, int attempts, Instant createdAt) {}

    private Job claim() throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        UPDATE exports SET lease_until = now() + make_interval(secs => ?), attempts = attempts + 1
                         WHERE id = (SELECT id FROM exports WHERE status = 'pending'
                                        AND (lease_until IS NULL OR lease_until < now())
                                      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                        RETURNING id, register_id, closing_numbers, session_ids, attempts, created_at""")) {
            s.setLong(1, config.lease().toSeconds());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Job(
                        rs.getString(1),
                        rs.getString(2),
                        Arrays.stream(rs.getString(3).split(","))
                                .mapToLong(Long::parseLong)
                                .toArray(),
                        rs.getString(4).split(","),
                        rs.getInt(5),
                        rs.getTimestamp(6).toInstant());
            }
        }
    }

    void run(Job job) {
        try {
            if (job.attempts() > config.maxAttempts()) {
                fail(job, "The export failed after " + config.maxAttempts() + " attempts.", Map.of());
                return;
            }
            if (Instant.now().isAfter(job.createdAt().plus(config.maxRuntime()))) {
                fail(
                        job,
                        "The export did not finish within "
                                + config.maxRuntime().toMinutes() + " minutes.",
                        Map.of());
                return;
            }
            String failedSession = failedSession(job);
            if (failedSession != null) {
                fail(
                        job,
                        "Build pipeline failed for session " + failedSession + ".",
                        Map.of("session_id", failedSession));
                return;
            }
            build(job);
        } catch (Exception e) {
            // an internal error: the lease runs out and the job is tried again, up to maxAttempts
            LOG.errorf(e, "export %s failed (attempt %d)", job.id(), job.attempts());
            release(job);
        }
    }

    private void build(Job job) throws IOException, SQLException {
        Files.createDirectories(config.artifactDir());
        Path part = config.artifactDir().resolve(job.id() + ".tar.part");
        Path done = config.artifactDir().resolve(job.id() + ".tar");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Instant now = Instant.now();
        long started = System.nanoTime();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false); // a cursor: rows stream from PostgreSQL in batches, never all at once
            c.setReadOnly(true);
            Array closings = c.createArrayOf(
                    "bigint", Arrays.stream(job.closings()).boxed().toArray());
            try (OutputStream out =
                    new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(part), 1 << 16), sha)) {
                List<Schema.Table> tables = schema.tables();
                ArchiveWriter.write(out, config.artifactDir(), now, (table, w) -> {
                    try (PreparedStatement s = c.prepareStatement("""
                            SELECT line FROM closing_rows WHERE register_id = ? AND closing_number = ANY (?) AND file_no = ?
                             ORDER BY closing_number, seq""")) {
                        s.setFetchSize(2000);
                        s.setString(1, job.registerId());
                        s.setArray(2, closings);
                        s.setShort(3, (short) tables.indexOf(table));
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                w.write(rs.getString(1));
                            }
                        }
                    } catch (SQLException e) {
                        throw new IOException(e);
                    }
                    extendLease(job);
                    pauseForTests();
                });
            }
            c.commit();
        }
        Files.move(part, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        UPDATE exports SET status = 'completed', artifact = ?, size_bytes = ?, sha256 = ?,
                               completed_at = ?, expires_at = ?, lease_until = NULL
                         WHERE id = ? AND status = 'pending'""")) {
            Instant completed = Instant.now();
            s.setString(1, done.getFileName().toString());
            s.setLong(2, Files.size(done));
            s.setString(3, HexFormat.of().formatHex(sha.digest()));
            s.setTimestamp(4, Timestamp.from(completed));
            s.setTimestamp(5, Timestamp.from(completed.plus(config.retention())));
            s.setString(6, job.id());
            s.executeUpdate();
        }
        long size = Files.size(done);
        Timer.builder("openfiskal.export.build")
                .description("Building one DSFinV-K archive, from claim to rename")
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - started));
        DistributionSummary.builder("openfiskal.export.size")
                .description("Size of a completed DSFinV-K archive")
                .baseUnit("bytes")
                .register(registry)
                .record(size);
        LOG.infof("export %s completed (%d closings, %d bytes)", job.id(), job.closings().length, size);
    }

    private void pauseForTests() throws IOException {
        if (config.testPausePerTable().isPresent()) {
            try {
                Thread.sleep(config.testPausePerTable().get().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private String failedSession(Job job) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT session_id FROM closed_sessions WHERE session_id = ANY (?) AND state = 'failed' ORDER BY closing_number LIMIT 1")) {
            s.setArray(1, c.createArrayOf("text", job.sessions()));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void extendLease(Job job) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE exports SET lease_until = now() + make_interval(secs => ?) WHERE id = ?")) {
            s.setLong(1, config.lease().toSeconds());
            s.setString(2, job.id());
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("extending the lease of %s failed: %s", job.id(), e.getMessage());
        }
    }

    private void release(Job job) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE exports SET lease_until = now() + interval '2 seconds' WHERE id = ? AND status = 'pending'")) {
            s.setString(1, job.id());
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("releasing %s failed: %s", job.id(), e.getMessage());
        }
    }

    private void fail(Job job, String message, Map<String, Object> details) throws Exception {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("details", details.isEmpty() ? null : details);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        UPDATE exports SET status = 'failed', error = ?, completed_at = now(), lease_until = NULL
                         WHERE id = ? AND status = 'pending'""")) {
            s.setString(1, mapper.writeValueAsString(error));
            s.setString(2, job.id());
            s.executeUpdate();
        }
        LOG.warnf("export %s failed: %s", job.id(), message);
    }

    /** Deletes archives whose retention is over (API.md §9.7); the job record stays. */
    @Scheduled(
            every = "${openfiskal.export.cleanup-every:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void cleanup() {
        // rows claimed with SKIP LOCKED: with several replicas each expired archive is deleted by one of them;
        // the mark commits after the file is gone, so a crash in between only repeats the (idempotent) delete
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("""
                            SELECT id, artifact FROM exports
                             WHERE status = 'completed' AND NOT artifact_deleted AND expires_at <= now()
                             FOR UPDATE SKIP LOCKED""");
                    PreparedStatement mark =
                            c.prepareStatement("UPDATE exports SET artifact_deleted = true WHERE id = ?");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Files.deleteIfExists(config.artifactDir().resolve(rs.getString(2)));
                    mark.setString(1, rs.getString(1));
                    mark.executeUpdate();
                }
                c.commit();
            } catch (SQLException | IOException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException e) {
            LOG.warnf("export cleanup failed: %s", e.getMessage());
        }
    }
}
