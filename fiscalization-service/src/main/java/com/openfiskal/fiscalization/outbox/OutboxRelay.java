package com.openfiskal.fiscalization.outbox;

import com.openfiskal.contracts.events.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>The relay runs when PostgreSQL notifies that events were committed (a trigger on the outbox, V6), so
 * an event is on its way within milliseconds of its commit; the poll stays as the safety net for a lost
 * listening connection and for rows left by a failed run. Notifications that arrive while a run is busy
 * are folded into one more run.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id of the relay ("OUTBOX" in ASCII). */
    private static final long LOCK = 0x4f5554424f58L;

    private static final int BATCH = 200;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    /** The channel the outbox trigger notifies (V6__outbox_notify.sql). */
    static final String CHANNEL = "fiscalization_outbox";

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private PgSubscriber subscriber;

    public OutboxRelay(Pool pool, @Channel("outbox") MutinyEmitter<String> emitter, MeterRegistry registry) {
        this.pool = pool;
        this.emitter = emitter;
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

    /** Listens for committed events on a connection of its own, reconnecting every second when it drops. */
    void listen(
            @Observes StartupEvent start,
            Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password,
            @ConfigProperty(name = "openfiskal.outbox.listen", defaultValue = "true") boolean enabled) {
        if (!enabled) {
            return;
        }
        PgConnectOptions options = PgConnectOptions.fromUri(url).setUser(user).setPassword(password);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(CHANNEL).handler(payload -> wake());
        subscriber
                .connect()
                .subscribe()
                .with(
                        ok -> LOG.debugf("Outbox relay listening on %s", CHANNEL),
                        e -> LOG.warnf(
                                "Outbox relay not listening (polling only) until it reconnects: %s", e.getMessage()));
    }

    void close(@Observes ShutdownEvent stop) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Runs the relay now, or once more after the run that is busy. */
    void wake() {
        if (!busy.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        relayOnce().subscribe().with(published -> done(published >= BATCH), e -> {
            LOG.warnf("Outbox relay paused, will retry: %s", e.getMessage());
            done(false);
        });
    }

    private void done(boolean more) {
        busy.set(false);
        if (more || again.getAndSet(false)) {
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
        if (r.getString(7) != null) {
            headers.add(Topics.HEADER_TRACEPARENT, r.getString(7).getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(r.getString(1))
                .withKey(r.getString(2))
                .withHeaders(headers)
                .build();
        // a broker that never answers must not hold the relay's lock and transaction forever
        return emitter.sendMessage(Message.of(r.getString(4)).addMetadata(meta))
                .ifNoItem()
                .after(SEND_TIMEOUT)
                .fail();
    }
}
