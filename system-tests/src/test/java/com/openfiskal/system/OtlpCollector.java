package com.openfiskal.system;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal OpenTelemetry collector for the system tests: receives OTLP/HTTP protobuf on
 * {@code /v1/traces}, as the services' exporters send it to a real collector, and keeps every span.
 */
final class OtlpCollector implements AutoCloseable {

    /** One received span, flattened. */
    record Received(String service, String traceId, String spanId, String parentSpanId, String name, String kind) {}

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();

    OtlpCollector(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
                for (ResourceSpans rs : request.getResourceSpansList()) {
                    String service = rs.getResource().getAttributesList().stream()
                            .filter(a -> a.getKey().equals("service.name"))
                            .map(KeyValue::getValue)
                            .map(v -> v.getStringValue())
                            .findFirst()
                            .orElse("");
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (var s : ss.getSpansList()) {
                            spans.add(new Received(
                                    service,
                                    HexFormat.of().formatHex(s.getTraceId().toByteArray()),
                                    HexFormat.of().formatHex(s.getSpanId().toByteArray()),
                                    HexFormat.of().formatHex(s.getParentSpanId().toByteArray()),
                                    s.getName(),
                                    s.getKind().name()));
                        }
                    }
                }
                byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
