package com.openfiskal.export.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.ids.Ids;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The projection applies a batch of events in one transaction, each table's rows as one JDBC batch: the
 * events' order holds within a table, an event delivered twice in one batch or again in a later one is
 * applied once, and every kind of event lands in its table.
 */
@QuarkusTest
class ProjectionsTest {

    @Inject
    Projections projections;

    @Inject
    ObjectMapper mapper;

    @Inject
    DataSource db;

    @Test
    void aBatchIsAppliedInOrderAndEachEventOnce() throws SQLException {
        String register = Ids.next(Ids.REGISTER);
        String operation = Ids.next(Ids.OPERATION);
        ObjectNode completed = operationEvent(Topics.OPERATION_COMPLETED, operation, register, "COMPLETED");
        ObjectNode voided = operationEvent(Topics.OPERATION_VOIDED, operation, register, "VOIDED");
        ObjectNode closed = event(Topics.SESSION_CLOSED, register);
        String session = Ids.next(Ids.SESSION);
        closed.with("data")
                .set(
                        "session",
                        mapper.createObjectNode()
                                .put("id", session)
                                .put("register_id", register)
                                .put("closing_number", 7)
                                .put("closed_at", "2026-12-06T18:00:00Z"));

        // the completion, the void of the same operation, and the completion again in the same batch (a
        // publisher's retry): applied once, the void stays
        Set<String> touched = projections.apply(List.of(completed, voided, completed, closed));

        assertEquals(Set.of(register), touched);
        assertEquals("VOIDED", single("SELECT status FROM operations WHERE operation_id = ?", operation));
        assertEquals(
                "7 waiting",
                single("SELECT closing_number || ' ' || state FROM closed_sessions WHERE session_id = ?", session));

        // a redelivery of the completion later changes nothing
        assertEquals(Set.of(), projections.apply(List.of(completed)));
        assertEquals("VOIDED", single("SELECT status FROM operations WHERE operation_id = ?", operation));
        assertEquals(
                "3",
                single(
                        "SELECT count(*) FROM consumed_events WHERE event_id IN (?, ?, ?)",
                        completed.path("event_id").asText(),
                        voided.path("event_id").asText(),
                        closed.path("event_id").asText()));
    }

    @Test
    void aRegisterFiscalizedAndDecommissionedInOneBatchEndsDecommissioned() throws SQLException {
        String register = Ids.next(Ids.REGISTER);
        String serial = UUID.randomUUID().toString().replace("-", "");
        ObjectNode fiscalized = event(Topics.REGISTER_FISCALIZED, register);
        fiscalized
                .with("data")
                .put("register_id", register)
                .put("location_id", "loc_1")
                .put("tss_serial_number", serial)
                .put("public_key", "BPublicKey")
                .put("signature_algorithm", "ecdsa-plain-SHA256")
                .put("time_format", "unixTime")
                .put("fiscalized_at", "2026-12-01T08:00:00Z");
        ObjectNode decommissioned = event(Topics.REGISTER_DECOMMISSIONED, register);
        decommissioned
                .with("data")
                .put("register_id", register)
                .put("location_id", "loc_1")
                .put("decommissioned_at", "2026-12-05T20:00:00Z");

        projections.apply(List.of(fiscalized, decommissioned));

        assertEquals(serial, single("SELECT tss_serial FROM fiscal_registers WHERE register_id = ?", register));
        assertNotNull(single("SELECT decommissioned_at FROM fiscal_registers WHERE register_id = ?", register));
        assertEquals(register, single("SELECT register_id FROM tss WHERE serial = ?", serial));
    }

    @Test
    void aFailingEventLeavesNothingOfItsBatch() {
        String register = Ids.next(Ids.REGISTER);
        ObjectNode fine = operationEvent(Topics.OPERATION_COMPLETED, Ids.next(Ids.OPERATION), register, "COMPLETED");
        // a closed session without a time breaks the NOT NULL of closed_at when the batch is written
        ObjectNode broken = event(Topics.SESSION_CLOSED, register);
        broken.with("data")
                .set(
                        "session",
                        mapper.createObjectNode()
                                .put("id", Ids.next(Ids.SESSION))
                                .put("register_id", register));

        try {
            projections.apply(List.of(fine, broken));
        } catch (SQLException expected) {
            // the consumer retries the batch; here only its effects count
        }

        assertNull(singleOrNull(
                "SELECT event_id FROM consumed_events WHERE event_id = ?",
                fine.path("event_id").asText()));
        assertNull(singleOrNull(
                "SELECT operation_id FROM operations WHERE operation_id = ?",
                fine.path("data").path("operation").path("id").asText()));
    }

    private ObjectNode event(String type, String register) {
        ObjectNode e = mapper.createObjectNode()
                .put("event_id", Ids.next(Ids.EVENT))
                .put("type", type)
                .put("merchant_id", "mer_test")
                .put("tenant_id", "ten_test");
        e.putObject("data").put("register_id", register);
        return e;
    }

    private ObjectNode operationEvent(String type, String id, String register, String status) {
        ObjectNode e = event(type, register);
        e.with("data")
                .set(
                        "operation",
                        mapper.createObjectNode()
                                .put("id", id)
                                .put("register_id", register)
                                .put("status", status));
        return e;
    }

    private String single(String sql, String... params) {
        String v = singleOrNull(sql, params);
        assertNotNull(v, sql);
        return v;
    }

    private String singleOrNull(String sql, String... params) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows.isEmpty() ? null : rows.get(0);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
