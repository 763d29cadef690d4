package com.openfiskal.contracts.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

/**
 * How a consuming service applies one Kafka poll of events to its database: every record parsed (one that
 * is not JSON is logged and skipped), then applied in one go, and applied again with backoff for as long
 * as the database refuses. Nothing acknowledged may be lost, so a database outage holds the channel, in
 * order, until it is back.
 */
public final class EventBatches {

    private static final Logger LOG = Logger.getLogger(EventBatches.class);

    /** Applies a batch of event envelopes, in order, in one transaction. */
    @FunctionalInterface
    public interface Apply {
        void apply(List<JsonNode> events) throws SQLException;
    }

    private EventBatches() {}

    public static void consume(ConsumerRecords<String, String> records, ObjectMapper mapper, Apply apply)
            throws SQLException {
        List<JsonNode> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            try {
                events.add(mapper.readTree(record.value()));
            } catch (Exception e) {
                LOG.warnf("Skipping a record of %s that is not JSON: %s", record.topic(), e.getMessage());
            }
        }
        for (long backoff = 500; ; backoff = Math.min(backoff * 2, 10_000)) {
            try {
                apply.apply(events);
                return;
            } catch (SQLException e) {
                LOG.warnf("Applying %d events failed, retrying in %d ms: %s", events.size(), backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
