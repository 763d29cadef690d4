package com.openfiskal.contracts.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.events.EventBatches;
import com.openfiskal.contracts.events.Topics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** One trace across the hops: HTTP request → outbox relay → Kafka record → consumer (with an in-memory exporter). */
class TracingTest {

    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final Tracing tracing = new Tracing("test-service", 1.0, SimpleSpanProcessor.create(exported));

    @Test
    void aRequestsTraceContinuesThroughTheEventIntoTheConsumer() throws Exception {
        Span server = tracing.start("PATCH /v1/operations/{id}/complete", SpanKind.SERVER, CALLER, Map.of());
        String stored = Tracing.traceparent(server); // what the outbox keeps with the event
        server.end();
        Span producer = tracing.start("publish " + Topics.OPERATIONS, SpanKind.PRODUCER, stored, Map.of());
        String header = Tracing.traceparent(producer);
        producer.end();

        ConsumerRecord<String, String> record = traced(Topics.OPERATIONS, 7L, header, "{\"event_id\":\"e\"}");
        ConsumerRecord<String, String> untraced =
                new ConsumerRecord<>(Topics.OPERATIONS, 0, 8L, "reg_1", "{\"event_id\":\"f\"}");
        ConsumerRecords<String, String> poll = new ConsumerRecords<>(
                Map.of(new TopicPartition(Topics.OPERATIONS, 0), List.of(record, untraced)), Map.of());
        EventBatches.consume(poll, new ObjectMapper(), tracing, events -> assertEquals(2, events.size()));

        List<SpanData> spans = exported.getFinishedSpanItems();
        assertEquals(3, spans.size(), "server, producer, one consumer span (the untraced record gets none)");
        SpanData s = spans.get(0);
        SpanData p = spans.get(1);
        SpanData c = spans.get(2);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", s.getTraceId());
        assertEquals("00f067aa0ba902b7", s.getParentSpanId(), "the caller's span is the parent");
        assertEquals(s.getTraceId(), p.getTraceId());
        assertEquals(s.getSpanId(), p.getParentSpanId());
        assertEquals(SpanKind.CONSUMER, c.getKind());
        assertEquals(s.getTraceId(), c.getTraceId());
        assertEquals(p.getSpanId(), c.getParentSpanId());
        assertEquals("process " + Topics.OPERATIONS, c.getName());
        assertEquals(
                "test-service",
                c.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("service.name")));
    }

    @Test
    void aMissingOrMalformedTraceparentStartsANewTrace() {
        for (String bad : new String[] {
            null, "", "00-zz-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"
        }) {
            Span span = tracing.start("GET /v1/merchants", SpanKind.SERVER, bad, Map.of());
            String value = Tracing.traceparent(span);
            span.end();
            // flags: sampled, and (W3C level 2) the trace id is random
            assertTrue(value.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]"), value);
            assertTrue(span.getSpanContext().isSampled());
            assertNotEquals(
                    "00000000000000000000000000000000", span.getSpanContext().getTraceId());
            assertEquals(
                    io.opentelemetry.api.trace.SpanId.getInvalid(),
                    exported.getFinishedSpanItems()
                            .get(exported.getFinishedSpanItems().size() - 1)
                            .getParentSpanId());
        }
    }

    @Test
    void aBatchTheDatabaseRefusesForGoodMarksItsSpansAsErrors() {
        ConsumerRecord<String, String> record = traced(Topics.SESSIONS, 1L, CALLER, "{}");
        ConsumerRecords<String, String> poll =
                new ConsumerRecords<>(Map.of(new TopicPartition(Topics.SESSIONS, 0), List.of(record)), Map.of());
        assertThrows(
                IllegalStateException.class,
                () -> EventBatches.consume(poll, new ObjectMapper(), tracing, events -> {
                    throw new IllegalStateException("a bug, not an outage");
                }));
        assertEquals(
                StatusCode.ERROR,
                exported.getFinishedSpanItems().get(0).getStatus().getStatusCode());
    }

    /** A record of partition 0 carrying {@code traceparent} as the relay writes it. */
    private static ConsumerRecord<String, String> traced(String topic, long offset, String traceparent, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>(
                topic,
                0,
                offset,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                "reg_1",
                value,
                headers,
                java.util.Optional.empty());
    }
}
