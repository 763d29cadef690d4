package com.openfiskal.contracts.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Spans of this service with the OpenTelemetry SDK, W3C trace context in and out. A request's SERVER span
 * continues the caller's {@code traceparent}; the outbox keeps that span's context with each event, the
 * relay's PRODUCER span continues it into the Kafka record header {@code traceparent}, and the consuming
 * services' CONSUMER spans continue it from there: one trace from the POS request to the receipt and the
 * closing. Spans are exported over OTLP/HTTP when an endpoint is configured.
 */
@Singleton
public class Tracing {

    /** The W3C header, on HTTP requests and Kafka records alike. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<String> VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    @Inject
    public Tracing(TracingConfig config, @ConfigProperty(name = "quarkus.application.name") String service) {
        this(
                service,
                config.sampleRatio(),
                config.otlpEndpoint()
                        .filter(e -> !e.isBlank())
                        .map(e -> BatchSpanProcessor.builder(exporter(e))
                                .setScheduleDelay(config.exportDelay())
                                .build())
                        .orElse(null));
    }

    /** With a span processor of one's choice (tests: an in-memory exporter); null for none. */
    public Tracing(String service, double sampleRatio, SpanProcessor processor) {
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)));
        if (processor != null) {
            builder.addSpanProcessor(processor);
        }
        this.provider = builder.build();
        this.tracer = provider.get("com.openfiskal");
    }

    /**
     * The JDK HttpClient sender, handed over directly instead of found by ServiceLoader: nothing to register
     * for a native image, and no OkHttp.
     */
    private static OtlpHttpSpanExporter exporter(String endpoint) {
        HttpSenderProvider jdk = new JdkHttpSenderProvider();
        ComponentLoader only = new ComponentLoader() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Iterable<T> load(Class<T> type) {
                return type == HttpSenderProvider.class ? List.of((T) jdk) : List.of();
            }
        };
        return OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
                .setComponentLoader(only)
                .build();
    }

    /** A span of {@code kind} continuing {@code traceparent} (a new trace when it is null or invalid). */
    public Span start(String name, SpanKind kind, String traceparent, Map<String, String> attributes) {
        Context parent = traceparent == null
                ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, VALUE);
        var span = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
        attributes.forEach(span::setAttribute);
        return span.startSpan();
    }

    /** The span's context as a {@code traceparent} value, for the next hop. */
    public static String traceparent(Span span) {
        SpanContext c = span.getSpanContext();
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-"
                + c.getTraceFlags().asHex();
    }

    void flush(@Observes ShutdownEvent event) {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
