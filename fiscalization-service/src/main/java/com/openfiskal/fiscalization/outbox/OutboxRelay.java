package com.openfiskal.fiscalization.outbox;

import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.tracing.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in commit order, keyed as written, and deletes them once the broker
 * acknowledged them. One relay runs at a time across all replicas (a transaction-scoped advisory lock),
 * so per-key order holds. While Kafka is down the rows stay and the API keeps working; delivery is
 * at least once, and consumers drop duplicates by {@code event_id}.
 *
 * <p>Writing an event wakes the relay of this replica ({@link #wake()}), which runs a moment later, when the
 * writing transaction has normally committed, so events leave within a few hundred milliseconds instead of
 * on the next poll. The poll stays for everything else: events of a transaction that took longer, of
 * another replica whose relay lost the lock race, rows left by a failed run. (PostgreSQL's LISTEN/NOTIFY
 * was measured first and dropped: a notifying commit holds a database-wide lock through its WAL flush,
 * which serialised the sales' commits.)
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id of the relay ("OUTBOX" in ASCII). */
    private static final long LOCK = 0x4f5554424f58L;

    private static final int BATCH = 200;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Vertx vertx;
    private final Tracing tracing;
    private final long wakeDelay;
    /** Off: the poll alone publishes (for comparisons, docs/performance.md). */
    private final boolean wakeOnWrite;

    public OutboxRelay(
            Pool pool,
            @Channel("outbox") MutinyEmitter<String> emitter,
            MeterRegistry registry,
            Vertx vertx,
            Tracing tracing,
            @ConfigProperty(name = "openfiskal.outbox.wake-delay", defaultValue = "100ms") Duration wakeDelay,
            @ConfigProperty(name = "openfiskal.outbox.wake-on-write", defaultValue = "true") boolean wakeOnWrite) {
        this.pool = pool;
        this.emitter = emitter;
        this.vertx = vertx;
        this.tracing = tracing;
        this.wakeDelay = Math.max(1, wakeDelay.toMillis());
        this.wakeOnWrite = wakeOnWrite;
        Gauge.builder("openfiskal.outbox.backlog", backlog, AtomicLong::get)
                .description("Events written but not yet acknowledged by Kafka")
                .register(registry);
    }

    @Scheduled(
            every = "${openfiskal.outbox.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return relayOnce()
                .onFailure()
                .invoke(e -> LOG.warnf("Outbox relay paused, will retry: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Runs the relay after the wake delay (once more after a run that is busy): by then the transaction that
     * wrote the event has normally committed, and the events of a busy moment go out in one run.
     */
    public void wake() {
        if (!wakeOnWrite) {
            return;
        }
        if (!busy.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        vertx.setTimer(wakeDelay, id -> run());
    }

    private void run() {
        again.set(false);
        relayOnce().subscribe().with(published -> done(published >= BATCH), e -> {
            LOG.warnf("Outbox relay paused, will retry: %s", e.getMessage());
            done(false);
        });
    }

    private void done(boolean more) {
        if (more) {
            run(); // a full batch: a backlog is drained without waiting
            return;
        }
        busy.set(false);
        if (again.getAndSet(false)) {
            wake();
        }
    }

    /** Measured on its own schedule, so that it keeps counting while Kafka is down. */
    @Scheduled(
            every = "${openfiskal.outbox.backlog-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> measureBacklog() {
        return pool.query("SELECT count(*) FROM outbox")
                .execute()
                .invoke(rows -> backlog.set(rows.iterator().next().getLong(0)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Publishes one batch; the number of events published. */
    public Uni<Integer> relayOnce() {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK))
                .flatMap(rs -> rs.iterator().next().getBoolean(0)
                        ? publishBatch(conn)
                        : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishBatch(SqlConnection conn) {
        return conn.preparedQuery("""
                SELECT seq, topic, record_key, event_type, payload, request_id, event_id, traceparent
                  FROM outbox ORDER BY seq LIMIT $1""").execute(Tuple.of(BATCH)).flatMap(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            if (list.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            // Handed to the producer in seq order and acknowledged together: the producer keeps that order
            // per partition (idempotent, at most 5 requests in flight), and waiting for each ack in turn
            // would stretch a batch to one linger per event. A batch is deleted only when every record of
            // it was acknowledged; after a failure it is sent again (consumers drop duplicates).
            return Multi.createFrom()
                    .iterable(list)
                    .onItem()
                    .transformToUni(this::send)
                    .merge(list.size())
                    .collect()
                    .asList()
                    .flatMap(x -> conn.preparedQuery("DELETE FROM outbox WHERE seq = ANY($1)")
                            .execute(Tuple.of(
                                    list.stream().map(r -> r.getLong(0)).toArray(Long[]::new))))
                    .map(x -> list.size());
        });
    }

    private Uni<Void> send(Row r) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_EVENT_TYPE, r.getString(3).getBytes(StandardCharsets.UTF_8));
        if (r.getString(5) != null) {
            headers.add(Topics.HEADER_REQUEST_ID, r.getString(5).getBytes(StandardCharsets.UTF_8));
        }
        // the PRODUCER span continues the request that wrote the event; consumers continue this span
        Span span = tracing.start(
                "publish " + r.getString(1),
                SpanKind.PRODUCER,
                r.getString(7),
                Map.of("messaging.system", "kafka", "messaging.destination.name", r.getString(1)));
        headers.add(Topics.HEADER_TRACEPARENT, Tracing.traceparent(span).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(r.getString(1))
                .withKey(r.getString(2))
                .withHeaders(headers)
                .build();
        // a broker that never answers must not hold the relay's lock and transaction forever
        return emitter.sendMessage(Message.of(r.getString(4)).addMetadata(meta))
                .ifNoItem()
                .after(SEND_TIMEOUT)
                .fail()
                .onItemOrFailure()
                .invoke((ok, failure) -> {
                    if (failure != null) {
                        span.setStatus(StatusCode.ERROR, failure.getMessage());
                    }
                    span.end();
                });
    }
}
