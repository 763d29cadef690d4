package com.openfiskal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * {@code bench/run receipts}: the Hosted Receipts API under load, against a running stack. It completes
 * real sales on one register, measures how long each receipt takes to appear after the complete answer
 * (through the outbox, Kafka and the receipts-service), then drives the public page {@code /r/{token}} and
 * the JSON {@code GET /v1/receipts/{id}} side by side: open loop at a fixed rate (latency measured from
 * each request's scheduled time, so a stall counts against it) and closed loop (the most the service does).
 *
 * <p>The public page is limited per client IP (API.md §2.11, 20/s by default): start the stack with
 * {@code OPENFISKAL_RATE_LIMIT_PER_IP_PER_SECOND=100000} for this benchmark (docs/performance.md).
 */
final class ReceiptsBench {

    private final Bench bench;
    private final String receiptsBase;

    ReceiptsBench(Bench bench) {
        this.bench = bench;
        this.receiptsBase = bench.options.getOrDefault("receipts-url", "http://localhost:8082");
    }

    void run() throws Exception {
        int receipts = bench.intOption("receipts", 50);
        int rate = bench.intOption("rate", 200);
        int seconds = bench.intOption("duration", 30);
        int concurrency = bench.intOption("concurrency", 16);
        bench.options.putIfAbsent("registers", "1");
        String register = bench.setUp().get(0);

        // 1. sales completed one after another; each receipt polled every 5 ms until it is there
        Bench.Histogram lag = new Bench.Histogram();
        List<String> ids = new ArrayList<>();
        List<String> pages = new ArrayList<>();
        for (int i = 0; i < receipts; i++) {
            String op = sale(register);
            long completed = System.nanoTime();
            JsonNode receipt;
            while ((receipt = receipt(op)) == null) {
                if (System.nanoTime() - completed > TimeUnit.SECONDS.toNanos(30)) {
                    throw new IllegalStateException("no receipt for " + op + " within 30 s");
                }
                Thread.sleep(5);
            }
            lag.record(System.nanoTime() - completed);
            ids.add(receipt.path("id").asText());
            // the path of links.hosted, asked of the receipts URL given here
            pages.add(receipt.path("links").path("hosted").asText().replaceFirst("^https?://[^/]+", ""));
        }
        System.out.println("receipt visible after complete   " + lag.summary());

        // 2. warm-up, then open loop at the target rate and closed loop, page and JSON side by side
        IntFunction<Http.Request> page = i ->
                bench.http().get(receiptsBase + pages.get(i % pages.size())).header("Accept-Language", "de-DE");
        IntFunction<Http.Request> json = i ->
                bench.api(bench.http().get(receiptsBase + "/v1/receipts/" + ids.get(i % ids.size())), bench.merchant);
        load(page, 0, concurrency, 10);
        load(json, 0, concurrency, 10);
        Run pageOpen = load(page, rate, concurrency * 8, seconds);
        Run jsonOpen = load(json, rate, concurrency * 8, seconds);
        Run pageMax = load(page, 0, concurrency, seconds);
        Run jsonMax = load(json, 0, concurrency, seconds);

        System.out.println();
        System.out.println("== summary ==");
        System.out.printf(
                Locale.ROOT,
                "receipt visible after complete   p50 %.0f ms  p99 %.0f ms  (n=%d)%n",
                lag.p(50),
                lag.p(99),
                receipts);
        System.out.printf(
                Locale.ROOT,
                "hosted page at %d/s   %s%n",
                rate,
                pageOpen.latency().summary());
        System.out.printf(
                Locale.ROOT,
                "receipt JSON at %d/s  %s%n",
                rate,
                jsonOpen.latency().summary());
        System.out.printf(
                Locale.ROOT,
                "hosted page max      %8.0f req/s (%d in flight)  %s%n",
                pageMax.perSecond(),
                concurrency,
                pageMax.latency().summary());
        System.out.printf(
                Locale.ROOT,
                "receipt JSON max     %8.0f req/s (%d in flight)  %s%n",
                jsonMax.perSecond(),
                concurrency,
                jsonMax.latency().summary());
        System.out.printf(
                Locale.ROOT,
                "ratio page/JSON: throughput %.2f, p99 at %d/s %.2f%n",
                pageMax.perSecond() / jsonMax.perSecond(),
                rate,
                pageOpen.latency().p(99) / jsonOpen.latency().p(99));
    }

    private String sale(String register) throws Exception {
        String op = bench.post(
                        "/v1/operations",
                        bench.merchant,
                        Map.of(
                                "type", "SALE",
                                "source", "POS",
                                "register_id", register,
                                "currency", "EUR",
                                "pretax_amount", "12.00",
                                "tax_amount", "2.04",
                                "total_amount", "14.04",
                                "line_items",
                                        List.of(
                                                Map.of(
                                                        "title",
                                                        "Café Latte",
                                                        "quantity",
                                                        2,
                                                        "unit_price",
                                                        "5.95",
                                                        "total_amount",
                                                        "11.90",
                                                        "taxes",
                                                        List.of(Map.of("rate", "0.19", "tax_amount", "1.90"))),
                                                Map.of(
                                                        "title",
                                                        "Croissant",
                                                        "quantity",
                                                        1,
                                                        "unit_price",
                                                        "2.14",
                                                        "total_amount",
                                                        "2.14",
                                                        "taxes",
                                                        List.of(Map.of("rate", "0.07", "tax_amount", "0.14"))))))
                .path("id")
                .asText();
        Http.Response done =
                bench.complete(op, Bench.cashAndCard("4.04", "10.00", "visa")).get();
        if (done.status() != 200) {
            throw new IllegalStateException("complete answered " + done.status() + ": " + done.body());
        }
        return op;
    }

    private JsonNode receipt(String operation) throws Exception {
        Http.Response r = bench.api(
                        bench.http().get(receiptsBase + "/v1/operations/" + operation + "/receipt"), bench.merchant)
                .call();
        return r.status() == 200 ? Bench.read(r.body()) : null;
    }

    record Run(double perSecond, Bench.Histogram latency) {}

    /**
     * Requests for {@code seconds}: at {@code rate} per second (open loop; latency from the scheduled
     * time, at most {@code limit} in flight), or as fast as {@code limit} requests in flight allow when
     * rate is 0. Anything but 200 is counted and reported.
     */
    private Run load(IntFunction<Http.Request> request, int rate, int limit, int seconds) throws Exception {
        Bench.Histogram latency = new Bench.Histogram();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(limit);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long interval = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
        int sent = 0;
        while (System.nanoTime() < end) {
            long scheduled = System.nanoTime();
            if (interval > 0) {
                scheduled = start + sent * interval;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            inFlight.acquire();
            long from = scheduled;
            CompletableFuture<Http.Response> f = request.apply(sent++).send();
            f.whenComplete((r, e) -> {
                inFlight.release();
                latency.record(System.nanoTime() - from);
                if (e == null && r.status() == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    if (errors.size() < 3) {
                        errors.add(e != null ? e.toString() : r.status() + " " + r.body());
                    }
                }
            });
        }
        inFlight.acquire(limit);
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%s: %d ok, %d failed in %.1f s -> %.0f req/s  %s%n",
                rate == 0 ? "closed loop, " + limit + " in flight" : "open loop at " + rate + "/s",
                ok.get(),
                failed.get(),
                elapsed,
                ok.get() / elapsed,
                latency.summary());
        errors.forEach(e -> System.out.println("  error: " + e));
        return new Run(ok.get() / elapsed, latency);
    }
}
