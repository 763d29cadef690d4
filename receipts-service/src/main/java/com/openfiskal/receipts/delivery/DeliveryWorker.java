package com.openfiskal.receipts.delivery;

import com.openfiskal.receipts.receipt.ReceiptEntity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Sends queued deliveries. A delivery is claimed with {@code FOR UPDATE SKIP LOCKED} and leased (its
 * {@code next_attempt_at} moves to the end of the lease) in a short transaction, so any number of replicas
 * share the queue and each attempt runs once; a replica that dies mid-send leaves the lease to expire and
 * another one takes the delivery over. The attempts of a claimed batch run side by side on the managed
 * executor, each bounded by the channel's send timeout. A failed attempt is retried with doubling backoff;
 * after the last one the delivery is {@code failed} with the reason.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final int BATCH = 20;

    private final DataSource db;
    private final Instance<DeliveryChannel> channels;
    private final DeliveryConfig config;

    private final MeterRegistry registry;
    private final ManagedExecutor executor;

    public DeliveryWorker(
            DataSource db,
            Instance<DeliveryChannel> channels,
            DeliveryConfig config,
            MeterRegistry registry,
            ManagedExecutor executor) {
        this.db = db;
        this.channels = channels;
        this.config = config;
        this.registry = registry;
        this.executor = executor;
    }

    /** {@code openfiskal_receipt_deliveries_total{channel, outcome}}: sent, retried or failed for good. */
    private void count(Claimed d, String outcome) {
        Counter.builder("openfiskal.receipt.deliveries")
                .description("Receipt delivery attempts by channel and outcome")
                .tag("channel", d.channel())
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    private record Claimed(
            String id, String channel, String recipient, String locale, int attempt, ReceiptEntity receipt) {}

    @Scheduled(
            every = "${openfiskal.receipts.delivery.poll:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            List<Claimed> due;
            while (!(due = claim()).isEmpty()) {
                // side by side: a relay that stalls costs the batch one send timeout, not one per delivery, so
                // every attempt of the batch ends well inside the lease it was claimed with
                CompletableFuture.allOf(due.stream()
                                .map(d -> executor.runAsync(() -> attemptLogged(d)))
                                .toArray(CompletableFuture[]::new))
                        .join();
            }
        } catch (SQLException e) {
            LOG.warnf("Delivery queue unavailable, trying again shortly: %s", e.getMessage());
        }
    }

    /** Leases up to a batch of due deliveries; the ones out of attempts (their worker died) fail instead. */
    private List<Claimed> claim() throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        Instant leaseEnd = Instant.now().plus(config.lease());
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("""
                    WITH due AS (
                        SELECT id FROM deliveries WHERE status = 'queued' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                    UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = ?
                    FROM due, receipts r
                    WHERE d.id = due.id AND r.id = d.receipt_id
                    RETURNING d.id, d.channel, d.recipient, d.locale, d.attempts,
                        r.id, r.merchant_id, r.token, r.status, r.document""")) {
                s.setInt(1, BATCH);
                s.setTimestamp(2, Timestamp.from(leaseEnd));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ReceiptEntity r = new ReceiptEntity();
                        r.id = rs.getString(6);
                        r.merchantId = rs.getString(7);
                        r.token = rs.getString(8);
                        r.status = rs.getString(9);
                        r.document = rs.getString(10);
                        claimed.add(new Claimed(
                                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), r));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return claimed;
    }

    /** One attempt; if its outcome cannot be written, the lease runs out and the delivery is tried again. */
    private void attemptLogged(Claimed d) {
        try {
            attempt(d);
        } catch (SQLException e) {
            LOG.warnf("Delivery %s: its outcome could not be recorded, it is tried again: %s", d.id(), e.getMessage());
        }
    }

    private void attempt(Claimed d) throws SQLException {
        if (d.attempt() > config.attempts()) {
            finish(d, DeliveryEntity.FAILED, "Delivery did not complete within " + config.attempts() + " attempts.");
            return;
        }
        DeliveryChannel channel = channels.stream()
                .filter(c -> c.name().equals(d.channel()))
                .findFirst()
                .orElse(null);
        String failure;
        try {
            if (channel == null) {
                throw new IllegalStateException("No " + d.channel() + " provider is configured.");
            }
            channel.send(d.recipient(), DeliveryService.lang(d.locale()), d.receipt());
            finish(d, DeliveryEntity.SENT, null);
            return;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            failure = root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        if (d.attempt() >= config.attempts()) {
            LOG.warnf("Delivery %s failed after %d attempts: %s", d.id(), d.attempt(), failure);
            finish(d, DeliveryEntity.FAILED, failure);
        } else {
            long wait = config.backoff().toMillis() << (d.attempt() - 1);
            LOG.infof("Delivery %s attempt %d failed, next in %d ms: %s", d.id(), d.attempt(), wait, failure);
            count(d, "retry");
            try (Connection c = db.getConnection();
                    PreparedStatement s = c.prepareStatement(
                            "UPDATE deliveries SET next_attempt_at = ?, failure_reason = ? WHERE id = ? AND status = 'queued'")) {
                s.setTimestamp(1, Timestamp.from(Instant.now().plusMillis(wait)));
                s.setString(2, failure);
                s.setString(3, d.id());
                s.executeUpdate();
            }
        }
    }

    private void finish(Claimed d, String status, String failure) throws SQLException {
        count(d, status);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        UPDATE deliveries SET status = ?, failure_reason = ?,
                            sent_at = CASE WHEN ? = 'sent' THEN now() END
                        WHERE id = ? AND status = 'queued'""")) {
            s.setString(1, status);
            s.setString(2, failure);
            s.setString(3, status);
            s.setString(4, d.id());
            s.executeUpdate();
        }
    }
}
