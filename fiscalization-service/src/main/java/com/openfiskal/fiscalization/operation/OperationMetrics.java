package com.openfiskal.fiscalization.operation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code openfiskal_operations_total{type, source, outcome}}: operations completed or voided (session
 * events included), and completions or voids the TSE refused ({@code tse_failed_phase_1|2}). Counted when
 * the outcome is written, inside its transaction: a commit that fails afterwards is counted all the same
 * (rare, and then also visible as a 5xx in http_server_requests).
 */
@ApplicationScoped
public class OperationMetrics {

    private final MeterRegistry registry;

    public OperationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void outcome(OperationEntity o, String outcome) {
        Counter.builder("openfiskal.operations")
                .description("Operations by type, source and outcome")
                .tag("type", o.type)
                .tag("source", o.source == null ? "POS" : o.source)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}
