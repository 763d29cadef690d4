package com.openfiskal.export.closing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.dsfinvk.Schema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Compiles cashpoint closings: one per closed session per register, in closing-number order, as soon as the
 * {@code session.closed} event, every operation it counts and the TSS master data have arrived. Compiling
 * is one transaction per closing under an advisory lock on the register (two event channels may trigger it
 * at once), and writes the rows exactly once: a crash before commit leaves the session waiting and the
 * next trigger or the periodic sweep compiles it again.
 */
@ApplicationScoped
public class ClosingBuilder {

    private static final Logger LOG = Logger.getLogger(ClosingBuilder.class);

    private final DataSource db;
    private final ObjectMapper mapper;
    private final Map<String, Integer> fileNumbers = new HashMap<>();
    private final Timer lag;

    public ClosingBuilder(DataSource db, ObjectMapper mapper, MeterRegistry metrics) {
        this.db = db;
        this.mapper = mapper;
        List<Schema.Table> tables = Schema.official().tables();
        for (int i = 0; i < tables.size(); i++) {
            fileNumbers.put(tables.get(i).file(), i);
        }
        this.lag = Timer.builder("openfiskal_closing_lag")
                .description("From the session's close to its compiled cashpoint closing")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    /** Catches what a trigger missed (a compile that lost a race, a restart). */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            waiting(null).forEach(this::build);
        } catch (SQLException e) {
            LOG.warnf("closing sweep failed: %s", e.getMessage());
        }
    }

    /**
     * Compiles the closings of those {@code registers} that have one waiting. Called after the events that
     * touched them committed: most batches carry sales of registers with no closed session pending, and one
     * query here saves each of them a transaction with its lock. Reading after that commit is what keeps it
     * race-free: a closed session that committed before this read is seen here, one that commits after it
     * is compiled by its own consumer, which then sees these events.
     */
    public void buildWaiting(Set<String> registers) {
        if (registers.isEmpty()) {
            return;
        }
        try {
            waiting(registers).forEach(this::build);
        } catch (SQLException e) {
            LOG.warnf("looking for waiting closings failed, the sweep will compile them: %s", e.getMessage());
        }
    }

    /** The registers with a closing waiting, of {@code among} or of all when it is null. */
    private List<String> waiting(Set<String> among) throws SQLException {
        List<String> registers = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT DISTINCT register_id FROM closed_sessions WHERE state = 'waiting'"
                                + (among == null ? "" : " AND register_id = ANY (?)"))) {
            if (among != null) {
                s.setArray(1, c.createArrayOf("text", among.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    registers.add(rs.getString(1));
                }
            }
        }
        return registers;
    }

    /** Compiles every closing of the register that can be compiled now, lowest closing number first. */
    public void build(String registerId) {
        try {
            while (buildNext(registerId)) {
                // next closing
            }
        } catch (SQLException e) {
            LOG.warnf("compiling closings of %s failed, will retry: %s", registerId, e.getMessage());
        }
    }

    private boolean buildNext(String registerId) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean built = compileLowestWaiting(c, registerId);
                c.commit();
                return built;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private boolean compileLowestWaiting(Connection c, String registerId) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "closing:" + registerId);
            lock.execute();
        }
        String sessionId;
        long closingNumber;
        JsonNode payload;
        Instant closedAt;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT session_id, closing_number, payload::text, closed_at FROM closed_sessions
                 WHERE register_id = ? AND state = 'waiting' ORDER BY closing_number LIMIT 1""")) {
            s.setString(1, registerId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                sessionId = rs.getString(1);
                closingNumber = rs.getLong(2);
                payload = read(rs.getString(3));
                closedAt = rs.getTimestamp(4).toInstant();
            }
        }
        List<String> ids = new ArrayList<>();
        payload.path("operation_ids").forEach(n -> ids.add(n.asText()));
        List<JsonNode> operations = new ArrayList<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT document::text FROM operations WHERE operation_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    operations.add(read(rs.getString(1)));
                }
            }
        }
        if (operations.size() < new HashSet<>(ids).size()) {
            return false; // build pending: an operation event has not arrived yet
        }
        Map<String, ClosingCompiler.Tss> tss = tss(c, registerId);
        Set<String> serials = new HashSet<>();
        for (JsonNode op : operations) {
            JsonNode fi = op.path("fiscal_information");
            if (fi.isObject()) {
                serials.add(fi.path("tss_serial_number").asText());
            }
        }
        String registerSerial = registerSerial(c, registerId);
        if (!tss.keySet().containsAll(serials) || registerSerial == null) {
            return false; // the register's fiscalization event has not arrived yet
        }
        ClosingCompiler.Result result;
        try {
            result = new ClosingCompiler(payload, operations, registerSerial, tss::get, id -> bon(c, id)).compile();
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            // data the format cannot carry (e.g. an overlong value): the closing fails for good, visibly
            LOG.errorf(e, "cashpoint closing of session %s cannot be compiled", sessionId);
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE closed_sessions SET state = 'failed', error = ? WHERE session_id = ?")) {
                s.setString(1, String.valueOf(e.getMessage()));
                s.setString(2, sessionId);
                s.executeUpdate();
            }
            return true;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO closing_rows (register_id, closing_number, file_no, seq, line) VALUES (?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<String>> e : result.lines().entrySet()) {
                int seq = 0;
                for (String line : e.getValue()) {
                    s.setString(1, registerId);
                    s.setLong(2, closingNumber);
                    s.setShort(3, fileNumbers.get(e.getKey()).shortValue());
                    s.setInt(4, seq++);
                    s.setString(5, line);
                    s.addBatch();
                }
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO bons (operation_id, kasse_id, erstellung, closing_number) VALUES (?, ?, ?, ?)
                ON CONFLICT (operation_id) DO NOTHING""")) {
            for (String id : result.bonIds()) {
                s.setString(1, id);
                s.setString(2, result.closing().kasseId());
                s.setString(3, result.closing().erstellung());
                s.setLong(4, closingNumber);
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE closed_sessions SET state = 'built', built_at = now() WHERE session_id = ?")) {
            s.setString(1, sessionId);
            s.executeUpdate();
        }
        lag.record(Duration.between(closedAt, Instant.now()));
        LOG.debugf(
                "compiled closing %s of %s (%s Bons)",
                Long.valueOf(closingNumber),
                registerId,
                Integer.valueOf(result.bonIds().size()));
        return true;
    }

    private Map<String, ClosingCompiler.Tss> tss(Connection c, String registerId) throws SQLException {
        Map<String, ClosingCompiler.Tss> m = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT serial, public_key, certificate, signature_algorithm, time_format FROM tss WHERE register_id = ?")) {
            s.setString(1, registerId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    m.put(
                            rs.getString(1),
                            new ClosingCompiler.Tss(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                }
            }
        }
        return m;
    }

    private static String registerSerial(Connection c, String registerId) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("SELECT tss_serial FROM fiscal_registers WHERE register_id = ?")) {
            s.setString(1, registerId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Optional<ClosingCompiler.BonRef> bon(Connection c, String operationId) {
        try (PreparedStatement s =
                c.prepareStatement("SELECT kasse_id, erstellung, closing_number FROM bons WHERE operation_id = ?")) {
            s.setString(1, operationId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next()
                        ? Optional.of(new ClosingCompiler.BonRef(rs.getString(1), rs.getString(2), rs.getLong(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("stored event is not JSON", e);
        }
    }
}
