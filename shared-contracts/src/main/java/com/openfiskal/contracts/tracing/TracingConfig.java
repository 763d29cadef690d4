package com.openfiskal.contracts.tracing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Distributed tracing (docs/operations.md "Watch"). */
@ConfigMapping(prefix = "openfiskal.tracing")
public interface TracingConfig {

    /**
     * Base URL of an OTLP/HTTP collector, e.g. {@code http://otel-collector.monitoring:4318}; spans go to
     * {@code /v1/traces} there. Unset: trace context is still propagated and logged, no span leaves the
     * process. Env: OTEL_EXPORTER_OTLP_ENDPOINT.
     */
    Optional<String> otlpEndpoint();

    /** Share of new traces recorded (a caller's sampling decision is followed). Env: OPENFISKAL_TRACING_SAMPLE_RATIO. */
    @WithDefault("1.0")
    double sampleRatio();

    /** How long finished spans wait to be sent in a batch. */
    @WithDefault("2s")
    Duration exportDelay();
}
