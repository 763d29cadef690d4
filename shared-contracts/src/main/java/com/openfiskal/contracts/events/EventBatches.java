package com.openfiskal.contracts.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
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

    /**
     * Applies the poll; each record that carries a {@code traceparent} gets a CONSUMER span continuing it,
     * from the start of the batch to its commit.
     */
    public static void consume(
            ConsumerRecords<String, String> records, ObjectMapper mapper, Tracing tracing, Apply apply)
            throws SQLException {
        List<JsonNode> events = new ArrayList<>(records.count());
        List<Span> spans = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            Header traceparent = record.headers().lastHeader(Topics.HEADER_TRACEPARENT);
            if (traceparent != null) {
                spans.add(tracing.start(
                        "process " + record.topic(),
                        SpanKind.CONSUMER,
                        new String(traceparent.value(), StandardCharsets.UTF_8),
                        Map.of("messaging.system", "kafka", "messaging.destination.name", record.topic())));
            }
            try {
                events.add(mapper.readTree(record.value()));
            } catch (Exception e) {
                LOG.warnf("Skipping a record of %s that is not JSON: %s", record.topic(), e.getMessage());
            }
        }
        try {
            applyUntilDone(events, apply);
        } catch (SQLException | RuntimeException e) {
            spans.forEach(s -> s.setStatus(StatusCode.ERROR, e.getMessage()));
            throw e;
        } finally {
            spans.forEach(Span::end);
        }
    }

    private static void applyUntilDone(List<JsonNode> events, Apply apply) throws SQLException {
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
