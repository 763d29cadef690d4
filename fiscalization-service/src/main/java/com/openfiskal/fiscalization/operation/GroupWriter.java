package com.openfiskal.fiscalization.operation;

import com.openfiskal.contracts.http.RequestIds;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Group commit for one kind of write (creates, completes): requests that arrive while earlier ones are
 * being written queue up, and a free writer takes all that waits (up to a maximum) and writes it as one
 * group, in one database transaction. Nothing waits for a group to fill: a request that finds a writer free
 * is written at once, alone; groups form only under load. A sale's database work is mostly the cost of
 * round trips and commits, not of its statements (docs/performance.md, sessions 10 and 13), so a group
 * costs the database little more than one request.
 *
 * <p>A group answers each of its members, or hands a member to the one-by-one path ({@link #ALONE}): for
 * whatever is not the common case, and for every member of a group whose transaction failed. The one-by-one
 * path runs on the member's request context, where its request scope lives.
 *
 * @param <T> what a member carries into its group
 */
final class GroupWriter<T> {

    private static final Logger LOG = Logger.getLogger(GroupWriter.class);

    /** A member's answer that sends it to the one-by-one path (a null item: also what a failed group gives). */
    static final Response ALONE = null;

    @ConfigMapping(prefix = "openfiskal.write-groups")
    public interface Config {
        /**
         * Groups of one kind written at the same time, each on a connection of its own; 0 writes every
         * request alone through the one-by-one path. Env: OPENFISKAL_WRITE_GROUPS_WRITERS.
         */
        @WithDefault("2")
        int writers();

        /** The most requests in one group. Env: OPENFISKAL_WRITE_GROUPS_MAX_SIZE. */
        @WithDefault("32")
        int maxSize();
    }

    /** One waiting request: what it carries, its request's id and trace context, and where its answer goes. */
    static final class Member<T> {
        final T request;
        final String requestId;
        final String traceparent;
        private final UniEmitter<? super Response> answer;

        private Member(T request, String requestId, String traceparent, UniEmitter<? super Response> answer) {
            this.request = request;
            this.requestId = requestId;
            this.traceparent = traceparent;
            this.answer = answer;
        }

        /**
         * Runs {@code decision} with this member's request id and trace context in the log context, where the
         * rows it builds (audit entries, outbox events) read them.
         */
        Response decide(Supplier<Response> decision) {
            Object requestId = MDC.get(RequestIds.KEY);
            Object traceparent = MDC.get(Tracing.TRACEPARENT);
            put(RequestIds.KEY, this.requestId);
            put(Tracing.TRACEPARENT, this.traceparent);
            try {
                return decision.get();
            } finally {
                put(RequestIds.KEY, requestId);
                put(Tracing.TRACEPARENT, traceparent);
            }
        }

        private static void put(String key, Object value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }

    /** What a committed group answered, and what to do once it committed (count the outcomes). */
    record Written<T>(Map<Member<T>, Response> answers, Runnable committed) {}

    private final Config config;
    private final Pool pool;
    private final String kind;
    private final Idempotency idempotency;
    private final Function<T, Idempotency.Claim> claimOf;
    private final Function<List<Member<T>>, Uni<Written<T>>> write;
    private final ConcurrentLinkedQueue<Member<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writing = new AtomicInteger();
    private final DistributionSummary sizes;
    private final Counter alone;

    /**
     * {@code write} writes a group in one transaction; a member without an answer in it runs alone. {@code
     * kind} names the metrics' {@code write} tag; {@code claimOf} is a request's idempotency claim, or null.
     */
    GroupWriter(
            Config config,
            Pool pool,
            String kind,
            MeterRegistry registry,
            Idempotency idempotency,
            Function<T, Idempotency.Claim> claimOf,
            Function<List<Member<T>>, Uni<Written<T>>> write) {
        this.config = config;
        this.pool = pool;
        this.kind = kind;
        this.idempotency = idempotency;
        this.claimOf = claimOf;
        this.write = write;
        this.sizes = DistributionSummary.builder("openfiskal.write.groups.size")
                .description("Requests per group transaction; a group of 1 is a request written alone")
                .tag("write", kind)
                .register(registry);
        this.alone = Counter.builder("openfiskal.write.groups.alone")
                .description("Requests a group handed to the one-by-one path: a replay, a rare case, a failed group")
                .tag("write", kind)
                .register(registry);
        Gauge.builder("openfiskal.write.groups.waiting", queue, ConcurrentLinkedQueue::size)
                .description("Requests waiting for a free group writer")
                .tag("write", kind)
                .register(registry);
    }

    /** Whether requests are grouped at all here (a writer is configured, and the caller is on an event loop). */
    boolean enabled() {
        return config.writers() > 0 && Vertx.currentContext() != null;
    }

    /**
     * The answer to {@code request} from its group, or from {@code alone} when its group hands it back. Call
     * on the request's context, after {@link #enabled}.
     */
    Uni<Response> submit(T request, Supplier<Uni<Response>> alone) {
        Context context = Vertx.currentContext();
        String requestId = mdc(RequestIds.KEY);
        String traceparent = mdc(Tracing.TRACEPARENT);
        return Uni.createFrom()
                .<Response>emitter(e -> {
                    queue.add(new Member<>(request, requestId, traceparent, e));
                    drain();
                })
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .flatMap(r -> r == ALONE ? alone.get() : Uni.createFrom().item(r));
    }

    /** Starts a group for each free writer while requests are waiting. */
    private void drain() {
        while (!queue.isEmpty()) {
            int w = writing.get();
            if (w >= config.writers()) {
                return; // a writer that finishes drains again
            }
            if (!writing.compareAndSet(w, w + 1)) {
                continue;
            }
            List<Member<T>> group = new ArrayList<>();
            for (Member<T> m; group.size() < config.maxSize() && (m = queue.poll()) != null; ) {
                group.add(m);
            }
            if (group.isEmpty()) {
                writing.decrementAndGet();
                continue;
            }
            sizes.record(group.size());
            write.apply(group)
                    .subscribe()
                    .with(
                            written -> {
                                written.committed().run();
                                done(group, written.answers());
                            },
                            failure -> {
                                // the statements' parameters (signed logs, receipts) stay out of the log
                                LOG.warnf(
                                        "A group of %d %s failed, each runs alone: %s",
                                        group.size(), kind, failure.getClass().getName());
                                LOG.debug("The group's failure", failure);
                                done(group, Map.of());
                            });
        }
    }

    private void done(List<Member<T>> group, Map<Member<T>, Response> answers) {
        writing.decrementAndGet();
        for (Member<T> m : group) {
            Response answer = answers.get(m);
            if (answer == ALONE) {
                alone.increment();
            }
            m.answer.complete(answer);
        }
        drain();
    }

    // --- within a group's transaction -------------------------------------------------------------

    /**
     * Writes {@code group} in one transaction of three round trips. First BEGIN, the members' idempotency
     * claims and the kind's {@code locks} (its row locks and reads), sent together and run in that order, so
     * that keys are always locked before rows. Then each member is decided by {@code decide} on what the
     * locks read ({@link #decide}), and the kind's {@code writes} go out with the claims' settlement. Then
     * COMMIT. The writes start only once BEGIN and every read succeeded; whatever fails, ROLLBACK is sent
     * before the connection goes back to the pool. The answers as the first answers send them.
     *
     * <p>The transaction uses generic plans: its statements look rows up by key ({@code = ANY($1)}), and
     * for those PostgreSQL otherwise plans every execution anew — a custom plan for the array given looks
     * cheaper than a generic one planned for ten keys — at 0.5 to 1 ms of planning for each lock query,
     * far more than it takes to run them (docs/performance.md, session 14).
     */
    <X> Uni<Map<Member<T>, Response>> write(
            List<Member<T>> group,
            Function<SqlConnection, Uni<X>> locks,
            BiFunction<T, X, Response> decide,
            Function<SqlConnection, Uni<Void>> writes) {
        return pool.withConnection(c -> Uni.combine()
                .all()
                // subscribed in this order, so they are queued on the connection in this order
                .unis(
                        c.query("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan")
                                .execute(),
                        claim(c, group),
                        Uni.createFrom().deferred(() -> locks.apply(c)))
                .asTuple()
                .flatMap(t -> decide(c, group, t.getItem2(), r -> decide.apply(r, t.getItem3()), () -> writes.apply(c)))
                .call(() -> c.query("COMMIT").execute())
                .onFailure()
                .call(() -> c.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    /** Claims the members' idempotency keys in the group's transaction; the claims taken. */
    private Uni<Set<Idempotency.Claim>> claim(SqlConnection c, List<Member<T>> group) {
        List<Idempotency.Claim> claims = new ArrayList<>();
        for (Member<T> m : group) {
            Idempotency.Claim claim = claimOf.apply(m.request);
            if (claim != null) {
                claims.add(claim);
            }
        }
        return claims.isEmpty()
                ? Uni.createFrom().item(Set.of())
                : idempotency.claim(c, claims, OffsetDateTime.now(ZoneOffset.UTC));
    }

    /**
     * Decides every member whose key the group claimed (or that sent none) with {@code decide}, run with its
     * request in the log context; hands a member whose key is taken to the one-by-one path, where it waits,
     * is replayed or is refused. Then sends the group's {@code writes} and settles the claims together: an
     * answer is stored or frees its key as {@link Idempotency#run} would, and a member handed to the
     * one-by-one path gives its key back to claim it again there. The answers as the first answers send them.
     */
    private Uni<Map<Member<T>, Response>> decide(
            SqlConnection c,
            List<Member<T>> group,
            Set<Idempotency.Claim> claimed,
            Function<T, Response> decide,
            Supplier<Uni<Void>> writes) {
        Map<Member<T>, Response> answers = new IdentityHashMap<>();
        Map<Idempotency.Claim, Response> settled = new IdentityHashMap<>();
        for (Member<T> m : group) {
            Idempotency.Claim claim = claimOf.apply(m.request);
            if (claim != null && !claimed.contains(claim)) {
                answers.put(m, ALONE);
                continue;
            }
            Response answer = m.decide(() -> decide.apply(m.request));
            answers.put(m, answer);
            if (claim != null) {
                settled.put(claim, answer);
            }
        }
        Uni<Map<Idempotency.Claim, Response>> settle =
                settled.isEmpty() ? Uni.createFrom().item(Map.of()) : idempotency.settle(c, settled);
        return Uni.combine().all().unis(writes.get(), settle).asTuple().map(t -> {
            Map<Idempotency.Claim, Response> sent = t.getItem2();
            for (Member<T> m : group) {
                Idempotency.Claim claim = claimOf.apply(m.request);
                if (claim != null && answers.get(m) != ALONE) {
                    answers.put(m, sent.get(claim));
                }
            }
            return answers;
        });
    }

    private static String mdc(String key) {
        Object v = MDC.get(key);
        return v == null ? null : v.toString();
    }
}
