package com.openfiskal.export.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.events.EventBatches;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.tracing.Tracing;
import com.openfiskal.export.closing.ClosingBuilder;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The export-service's copy of what the fiscalization-service publishes (API.md §11): registers with their
 * TSS data, operations as their events carried them, and closed sessions. Events are applied in
 * transactions together with their {@code event_id}s, so a redelivery changes nothing; Kafka keeps the order
 * per register within a topic, and the closing builder waits for whatever another topic has not delivered
 * yet. After each batch the waiting closings of the registers it touched are compiled if they can be.
 */
@ApplicationScoped
public class Projections {

    private final DataSource db;
    private final ObjectMapper mapper;
    private final Tracing tracing;
    private final ClosingBuilder closings;

    public Projections(DataSource db, ObjectMapper mapper, ClosingBuilder closings, Tracing tracing) {
        this.tracing = tracing;
        this.db = db;
        this.mapper = mapper;
        this.closings = closings;
    }

    @Incoming("operations")
    @Blocking(ordered = true)
    public void operations(ConsumerRecords<String, String> records) throws SQLException {
        consume(records);
    }

    @Incoming("sessions")
    @Blocking(ordered = true)
    public void sessions(ConsumerRecords<String, String> records) throws SQLException {
        consume(records);
    }

    @Incoming("registers")
    @Blocking(ordered = true)
    public void registers(ConsumerRecords<String, String> records) throws SQLException {
        consume(records);
    }

    /**
     * A batch of records (as many as one poll returned) is applied in one transaction: one commit for
     * hundreds of events instead of one each. Then the closings of every register the batch touched are
     * compiled if they can be.
     */
    private void consume(ConsumerRecords<String, String> records) throws SQLException {
        EventBatches.consume(records, mapper, tracing, events -> closings.buildWaiting(apply(events)));
    }

    /**
     * Applies event envelopes in order in one transaction; returns the registers whose closings may now
     * compile. The batch costs three round trips however many events it carries: the event ids claimed in
     * one statement (a redelivered one is skipped), then each table's rows as one JDBC batch, then the
     * commit. The tables have no references to each other, and each one's rows keep the events' order.
     */
    public Set<String> apply(List<JsonNode> events) throws SQLException {
        Set<String> registers = new LinkedHashSet<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Writes w = new Writes(c)) {
                Set<String> fresh = claim(c, events);
                for (JsonNode event : events) {
                    if (!fresh.remove(event.path("event_id").asText())) {
                        continue; // a redelivery, or the same event twice in this batch
                    }
                    JsonNode d = event.path("data");
                    String register = switch (event.path("type").asText()) {
                        case Topics.OPERATION_COMPLETED, Topics.OPERATION_VOIDED -> operation(w, d.path("operation"));
                        case Topics.SESSION_CLOSED -> sessionClosed(w, event, d);
                        case Topics.REGISTER_FISCALIZED, Topics.REGISTER_DECOMMISSIONED -> register(w, event, d);
                        default -> null;
                    };
                    if (register != null) {
                        registers.add(register);
                    }
                }
                w.execute();
                c.commit();
                return registers;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Records the events' ids as consumed; the ids that were not consumed before. */
    private static Set<String> claim(Connection c, List<JsonNode> events) throws SQLException {
        String[] ids = events.stream().map(e -> e.path("event_id").asText()).toArray(String[]::new);
        Set<String> fresh = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO consumed_events (event_id) SELECT unnest(?::text[])
                ON CONFLICT DO NOTHING RETURNING event_id""")) {
            s.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getString(1));
                }
            }
        }
        return fresh;
    }

    /** The batch's statements, each prepared when first needed and executed in a fixed order. */
    private static final class Writes implements AutoCloseable {
        private final Connection c;
        private final Map<String, PreparedStatement> statements = new LinkedHashMap<>();

        Writes(Connection c) {
            this.c = c;
        }

        PreparedStatement add(String sql) throws SQLException {
            PreparedStatement s = statements.get(sql);
            if (s == null) {
                s = c.prepareStatement(sql);
                statements.put(sql, s);
            }
            return s;
        }

        void execute() throws SQLException {
            for (String sql : List.of(TSS, REGISTER, OPERATION, CLOSED_SESSION)) {
                PreparedStatement s = statements.get(sql);
                if (s != null) {
                    s.executeBatch();
                }
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement s : statements.values()) {
                s.close();
            }
        }
    }

    private static final String OPERATION = """
            INSERT INTO operations (operation_id, register_id, session_id, status, document)
            VALUES (?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (operation_id) DO UPDATE SET status = EXCLUDED.status, document = EXCLUDED.document""";

    private static final String CLOSED_SESSION = """
            INSERT INTO closed_sessions (session_id, register_id, merchant_id, closing_number, closed_at, timezone,
                payload, state)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, 'waiting') ON CONFLICT (session_id) DO NOTHING""";

    private static final String TSS = """
            INSERT INTO tss (serial, register_id, public_key, certificate, signature_algorithm, time_format)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO NOTHING""";

    private static final String REGISTER = """
            INSERT INTO fiscal_registers (register_id, merchant_id, location_id, tss_serial, first_fiscalized_at,
                fiscalized_at, decommissioned_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (register_id) DO UPDATE SET location_id = EXCLUDED.location_id,
                tss_serial = COALESCE(EXCLUDED.tss_serial, fiscal_registers.tss_serial),
                first_fiscalized_at = LEAST(fiscal_registers.first_fiscalized_at, EXCLUDED.first_fiscalized_at),
                fiscalized_at = COALESCE(EXCLUDED.fiscalized_at, fiscal_registers.fiscalized_at),
                decommissioned_at = EXCLUDED.decommissioned_at""";

    private static String operation(Writes w, JsonNode op) throws SQLException {
        PreparedStatement s = w.add(OPERATION);
        s.setString(1, op.path("id").asText());
        s.setString(2, text(op, "register_id"));
        s.setString(3, text(op, "session_id"));
        s.setString(4, op.path("status").asText());
        s.setString(5, op.toString());
        s.addBatch();
        return text(op, "register_id");
    }

    private static String sessionClosed(Writes w, JsonNode event, JsonNode d) throws SQLException {
        JsonNode session = d.path("session");
        PreparedStatement s = w.add(CLOSED_SESSION);
        s.setString(1, session.path("id").asText());
        s.setString(2, session.path("register_id").asText());
        s.setString(3, event.path("merchant_id").asText());
        s.setLong(4, session.path("closing_number").asLong());
        s.setTimestamp(5, time(session, "closed_at"));
        s.setString(6, d.path("master_data").path("location").path("timezone").asText("Europe/Berlin"));
        s.setString(7, d.toString());
        s.addBatch();
        return session.path("register_id").asText();
    }

    private static String register(Writes w, JsonNode event, JsonNode d) throws SQLException {
        String registerId = d.path("register_id").asText();
        if (d.hasNonNull("tss_serial_number") && d.hasNonNull("public_key")) {
            PreparedStatement s = w.add(TSS);
            s.setString(1, d.path("tss_serial_number").asText());
            s.setString(2, registerId);
            s.setString(3, d.path("public_key").asText());
            s.setString(4, text(d, "certificate"));
            s.setString(5, d.path("signature_algorithm").asText());
            s.setString(6, d.path("time_format").asText());
            s.addBatch();
        }
        PreparedStatement s = w.add(REGISTER);
        s.setString(1, registerId);
        s.setString(2, event.path("merchant_id").asText());
        s.setString(3, text(d, "location_id"));
        s.setString(4, text(d, "tss_serial_number"));
        s.setTimestamp(5, time(d, "fiscalized_at"));
        s.setTimestamp(6, time(d, "fiscalized_at"));
        s.setTimestamp(7, time(d, "decommissioned_at"));
        s.addBatch();
        return registerId;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Timestamp time(JsonNode n, String field) {
        return Timestamps.parse(text(n, field)).map(Timestamp::from).orElse(null);
    }
}
