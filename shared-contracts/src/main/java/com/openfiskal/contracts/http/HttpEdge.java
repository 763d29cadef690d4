package com.openfiskal.contracts.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.error.ErrorEnvelope;
import com.openfiskal.contracts.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * The first and last thing every HTTP exchange of a service meets, below JAX-RS so that it covers
 * {@code /q/*}, unknown routes and errors raised before a resource is matched: assigns the request id,
 * echoes it on every response and puts it and the W3C trace context of the request's span in the logging
 * MDC, refuses bodies over 1 MiB with the envelope, and answers every route nobody serves with a 404
 * envelope.
 */
@ApplicationScoped
public class HttpEdge {

    static final long MAX_BODY_BYTES = 1024 * 1024;

    /** Path segments that are ids or tokens, left out of span names (one name per route, not per receipt). */
    private static final Pattern VARIABLE =
            Pattern.compile("/(?:[a-z]+_[0-9A-HJKMNP-TV-Z]{26}|[A-Za-z0-9_-]{32,})(?=/|$)");

    private final ObjectMapper mapper;
    private final Tracing tracing;

    public HttpEdge(ObjectMapper mapper, Tracing tracing) {
        this.mapper = mapper;
        this.tracing = tracing;
    }

    /**
     * The request's SERVER span, continuing the caller's {@code traceparent}; its context goes into the MDC,
     * where the log lines and the outbox find it. Health checks and metrics scrapes are not traced.
     */
    private void trace(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.startsWith("/q/")) {
            return;
        }
        String method = ctx.request().method().name();
        Span span = tracing.start(
                method + " " + VARIABLE.matcher(path).replaceAll("/{id}"),
                SpanKind.SERVER,
                ctx.request().getHeader(Tracing.TRACEPARENT),
                Map.of("http.request.method", method, "url.path", path));
        MDC.put(Tracing.TRACEPARENT, Tracing.traceparent(span));
        ctx.addEndHandler(done -> {
            span.setAttribute("http.response.status_code", ctx.response().getStatusCode());
            if (ctx.response().getStatusCode() >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
    }

    void requestIds(@Observes Filters filters) {
        filters.register(
                ctx -> {
                    String id = RequestIds.accept(ctx.request().getHeader(RequestIds.HEADER));
                    ctx.put(RequestIds.KEY, id);
                    MDC.put(RequestIds.KEY, id);
                    trace(ctx);
                    ctx.response().headers().set(RequestIds.HEADER, id);
                    ctx.addHeadersEndHandler(v -> ctx.response().headers().set(RequestIds.HEADER, id));
                    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null && tooLarge(length)) {
                        write(
                                ctx,
                                413,
                                ErrorEnvelope.of(
                                        ErrorCode.INVALID_REQUEST,
                                        413,
                                        "Request body is larger than 1 MiB.",
                                        Map.of()));
                        return;
                    }
                    ctx.next();
                },
                10_000);
    }

    void unknownRoutes(@Observes Router router) {
        router.route()
                .last()
                .handler(ctx ->
                        write(ctx, 404, ErrorEnvelope.of(ErrorCode.NOT_FOUND, 404, "Resource not found.", Map.of())));
    }

    private static boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void write(RoutingContext ctx, int status, ErrorEnvelope envelope) {
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, status == 413 ? "close" : "keep-alive")
                    .end(mapper.writeValueAsString(envelope));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
