package com.openfiskal.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.contracts.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * One sale is one trace: the POS's {@code traceparent} is continued by the fiscalization-service's HTTP span,
 * its outbox relay's publish span, and the consumption of the event in the export-service and the
 * receipts-service, each exported over OTLP/HTTP to a collector (the test's).
 */
class TracingIT {

    @Test
    void aSaleIsOneTraceFromThePosRequestToTheReceiptAndTheClosingProjection() {
        Api api = Api.newTenant();
        String merchant = api.merchant();
        String register = api.register(merchant, api.location(merchant));
        Till.fiscalize(api, merchant, register);
        Till till = new Till(api, merchant, register);
        till.event(
                "{\"type\":\"SESSION_OPEN\",\"register_id\":\"%s\",\"currency\":\"EUR\",\"opening_balance_amount\":\"0.00\"}");
        String sale = till.sale();

        String traceId = UUID.randomUUID().toString().replace("-", "");
        String posSpan = "00f067aa0ba902b7";
        till.on()
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("If-Match", "\"1\"")
                .header("traceparent", "00-" + traceId + "-" + posSpan + "-01")
                .body(
                        "{\"payments\":[{\"method\":\"cash\",\"status\":\"captured\",\"amount\":\"13.81\",\"currency\":\"EUR\"}]}")
                .patch("/v1/operations/" + sale + "/complete")
                .then()
                .statusCode(200);

        String consumed = "process " + Topics.OPERATIONS;
        // Each service exports its spans in its own batches, so a consumer's span can reach the collector before
        // the producer span it continues: wait for every span the assertions read.
        List<OtlpCollector.Received> trace = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Platform.traces().trace(traceId),
                        spans -> has(spans, "fiscalization-service", "SPAN_KIND_SERVER")
                                && has(spans, "fiscalization-service", "SPAN_KIND_PRODUCER")
                                && has(spans, "export-service", "SPAN_KIND_CONSUMER")
                                && has(spans, "receipts-service", "SPAN_KIND_CONSUMER"));

        Map<String, OtlpCollector.Received> byService =
                trace.stream().collect(Collectors.toMap(s -> s.service() + " " + s.kind(), s -> s, (a, b) -> a));
        OtlpCollector.Received server = byService.get("fiscalization-service SPAN_KIND_SERVER");
        OtlpCollector.Received publish = byService.get("fiscalization-service SPAN_KIND_PRODUCER");
        assertEquals("PATCH /v1/operations/{id}/complete", server.name());
        assertEquals(posSpan, server.parentSpanId(), "the POS's span is the parent");
        assertEquals("publish " + Topics.OPERATIONS, publish.name());
        assertEquals(server.spanId(), publish.parentSpanId());
        for (String service : List.of("export-service", "receipts-service")) {
            OtlpCollector.Received consumer = byService.get(service + " SPAN_KIND_CONSUMER");
            assertEquals(consumed, consumer.name());
            assertEquals(publish.spanId(), consumer.parentSpanId(), service + " continues the published event");
        }
        Set<String> services =
                trace.stream().map(OtlpCollector.Received::service).collect(Collectors.toSet());
        assertTrue(
                services.containsAll(Set.of("fiscalization-service", "export-service", "receipts-service")),
                services.toString());
    }

    private static boolean has(List<OtlpCollector.Received> spans, String service, String kind) {
        return spans.stream()
                .anyMatch(s -> s.service().equals(service) && s.kind().equals(kind));
    }
}
