package com.openfiskal.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The load generator's HTTP client: Vert.x on one event loop, HTTP/1.1 with a kept-alive connection per
 * request in flight, as POS back ends call. The load generator shares the two cores with everything it
 * measures, so its own cost matters: the JDK's HttpClient took most of a core at 80 sales/s; this one a
 * fraction of that.
 */
final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MS = 30_000;

    /**
     * An answer with the service's X-Request-Id and the Content-Length it announced: when an answer is wrong,
     * {@link #exchange} tells a wrong answer of the service from one this client read wrongly, and finds it in
     * the service's log.
     */
    record Response(int status, String body, String requestId, String contentLength) {

        /** Described only when asked: the load generator's own CPU per sale is part of what it measures. */
        String exchange() {
            return "X-Request-Id " + requestId + ", Content-Length " + contentLength + ", read "
                    + body.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private final Vertx vertx;
    private final HttpClient client;

    Http() {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(1024).setMaxWaitQueueSize(-1));
    }

    Request get(String url) {
        return new Request(HttpMethod.GET, url);
    }

    Request post(String url, Object json) {
        return new Request(HttpMethod.POST, url).json(json);
    }

    Request patch(String url, Object json) {
        return new Request(HttpMethod.PATCH, url).json(json);
    }

    final class Request {
        private final RequestOptions options;
        private Buffer body;

        private Request(HttpMethod method, String url) {
            this.options =
                    new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(TIMEOUT_MS);
        }

        Request header(String name, String value) {
            options.putHeader(name, value);
            return this;
        }

        /** True when the request carries a JSON body (a write: POST or PATCH). */
        boolean hasBody() {
            return body != null;
        }

        Request json(Object value) {
            try {
                body = Buffer.buffer(JSON.writeValueAsBytes(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return header("Content-Type", "application/json");
        }

        /**
         * The answer's body is asked for inside the callback that sends the request, never in a step chained
         * after it: a response hands its body only to a handler that is set by then, and drops what arrives
         * earlier. A step chained from the calling thread (the load generator's pacing thread) is set on a
         * future the event loop may already have completed while the caller was off the CPU; its callback
         * then runs in a later task, after the body was read and dropped, and the answer comes back as a
         * status without a body (seen as a {@code 201} without an id at the start of loaded runs).
         */
        CompletableFuture<Response> send() {
            return client.request(options)
                    .compose(request -> (body == null ? request.send() : request.send(body))
                            .compose(r -> r.body()
                                    .map(b -> new Response(
                                            r.statusCode(),
                                            b.toString(),
                                            r.getHeader("X-Request-Id"),
                                            r.getHeader("Content-Length")))))
                    .toCompletionStage()
                    .toCompletableFuture();
        }

        /** Sends and waits for the answer. */
        Response call() throws InterruptedException, ExecutionException {
            return send().get();
        }

        /** Writes the answer's body to {@code file}; returns the status. */
        int download(Path file) throws Exception {
            OpenOptions write = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
            return client.request(options)
                    .compose(request -> request.send().compose(r -> {
                        // held until the pipe is set: the file opens asynchronously, and a flowing response
                        // drops what arrives before it has a handler (see send for why this step is nested)
                        r.pause();
                        return vertx.fileSystem()
                                .open(file.toString(), write)
                                .compose(f -> r.pipeTo(f))
                                .map(x -> r.statusCode());
                    }))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
        }
    }
}
