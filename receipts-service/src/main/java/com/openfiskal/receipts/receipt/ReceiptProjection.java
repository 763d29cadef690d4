package com.openfiskal.receipts.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.events.EventBatches;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.tracing.Tracing;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Builds a receipt for every completed goods movement that {@code fiscal.operations.v1} carries (API.md
 * §10, §11). One receipt per operation: a redelivered event finds its receipt and changes nothing, so the
 * first receipt, and its hosted token, stay. A batch of records is written in one transaction.
 */
@ApplicationScoped
public class ReceiptProjection {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource db;
    private final ObjectMapper mapper;
    private final Tracing tracing;

    public ReceiptProjection(DataSource db, ObjectMapper mapper, Tracing tracing) {
        this.tracing = tracing;
        this.db = db;
        this.mapper = mapper;
    }

    /** 256 bits from a CSPRNG in base64url without padding (43 characters), derived from nothing (§10.5). */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Incoming("operations")
    @Blocking(ordered = true)
    public void operations(ConsumerRecords<String, String> records) throws SQLException {
        EventBatches.consume(records, mapper, tracing, this::apply);
    }

    /**
     * Stores the receipts of these event envelopes in one transaction, sent as one JDBC batch; returns how
     * many were new.
     */
    public int apply(List<JsonNode> events) throws SQLException {
        int created = 0;
        try (Connection c = db.getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO receipts (id, tenant_id, merchant_id, operation_id, token, document, issued_at, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (operation_id) DO NOTHING""")) {
            c.setAutoCommit(false);
            try {
                for (JsonNode event : events) {
                    JsonNode operation = event.path("data").path("operation");
                    if (!Topics.OPERATION_COMPLETED.equals(event.path("type").asText())
                            || !ReceiptDocument.wanted(operation)) {
                        continue;
                    }
                    String id = Ids.next(Ids.RECEIPT);
                    Instant now = Instant.now();
                    Instant issuedAt = Timestamps.parse(
                                    operation.path("completed_at").asText())
                            .orElse(now);
                    ObjectNode document = ReceiptDocument.build(
                            id,
                            Timestamps.format(now),
                            operation,
                            event.path("data").path("issuer"));
                    insert.setString(1, id);
                    insert.setString(2, event.path("tenant_id").asText());
                    insert.setString(3, operation.path("merchant_id").asText());
                    insert.setString(4, operation.path("id").asText());
                    insert.setString(5, newToken());
                    insert.setString(6, document.toString());
                    insert.setTimestamp(7, Timestamp.from(issuedAt));
                    insert.setTimestamp(8, Timestamp.from(now));
                    insert.addBatch();
                }
                // one round trip for the batch; a receipt that exists already counts 0
                for (int n : insert.executeBatch()) {
                    created += Math.max(n, 0);
                }
                c.commit();
                return created;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
