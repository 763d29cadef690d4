package com.openfiskal.fiscalization.tenant;

import com.openfiskal.contracts.auth.Caller;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The last-used time of each API key (API.md §2.1 "Storage"), so that an operator can tell a key in use from
 * one that can be revoked. A request only notes the time in memory; the times are written together every
 * {@code openfiskal.api-key-usage.flush-interval} (env OPENFISKAL_API_KEY_USAGE_FLUSH_INTERVAL, default 60 s),
 * never replacing a later time already stored (replicas write side by side). So the time is as fine as that
 * interval, and a crash loses at most one interval of it.
 * It counts the requests this service authenticates; the export- and receipts-service check keys against a
 * read-only copy and do not report their use.
 */
@ApplicationScoped
public class KeyUsage {

    private static final Logger LOG = Logger.getLogger(KeyUsage.class);

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final Pool pool;
    private final Caller caller;

    public KeyUsage(Pool pool, Caller caller) {
        this.pool = pool;
        this.caller = caller;
    }

    /** After authentication: the key of this request was used now. */
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 1)
    public void noteUse() {
        if (caller.authenticated()) {
            seen.put(caller.keyId(), Instant.now());
        }
    }

    /** Writes the times noted since the last write. */
    @Scheduled(
            every = "${openfiskal.api-key-usage.flush-interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public Uni<Void> flush() {
        List<String> ids = new ArrayList<>();
        List<OffsetDateTime> times = new ArrayList<>();
        for (Map.Entry<String, Instant> e : seen.entrySet()) {
            // removed only if unchanged: a use noted meanwhile stays for the next write
            if (seen.remove(e.getKey(), e.getValue())) {
                ids.add(e.getKey());
                times.add(e.getValue().atOffset(ZoneOffset.UTC));
            }
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                        UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.used_at)
                          FROM unnest($1::text[], $2::timestamptz[]) AS u(id, used_at)
                         WHERE k.id = u.id""")
                .execute(Tuple.of(ids.toArray(String[]::new), times.toArray(OffsetDateTime[]::new)))
                .replaceWithVoid()
                .onFailure()
                .invoke(e -> LOG.warnf("API-key last-used times not written (%d keys): %s", ids.size(), e.getMessage()))
                .onFailure()
                .recoverWithNull();
    }
}
