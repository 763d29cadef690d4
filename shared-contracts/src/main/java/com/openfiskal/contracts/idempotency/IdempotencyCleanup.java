package com.openfiskal.contracts.idempotency;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Deletes idempotency records past their retention; expired keys count as new anyway (API.md §2.9). */
@ApplicationScoped
public class IdempotencyCleanup {

    private static final Logger LOG = Logger.getLogger(IdempotencyCleanup.class);

    private final Pool pool;

    public IdempotencyCleanup(Pool pool) {
        this.pool = pool;
    }

    @Scheduled(
            every = "${openfiskal.idempotency.cleanup-interval:1h}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> cleanup() {
        return deleteExpired()
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("Deleted %d expired idempotency records", deleted);
                    }
                })
                .onFailure()
                .invoke(e -> LOG.warnf("Idempotency cleanup failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Deletes the records past their expiry; how many. */
    public Uni<Integer> deleteExpired() {
        return pool.query("DELETE FROM idempotency_records WHERE expires_at < now()")
                .execute()
                .map(rs -> rs.rowCount());
    }
}
