package com.openfiskal.fiscalization.support;

import com.openfiskal.local.testing.Metrics;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Makes the fiscalization-service's group writers form a group for certain: holds a row lock from outside,
 * so that the writers wait on it and the requests sent meanwhile queue up, until {@link #release}; and
 * reads how that kind of write ({@code create}, {@code complete}) was grouped since the probe began.
 */
public final class GroupProbe {

    private final SqlConnection holder;
    private final Map<String, String> write;
    private final double groups;
    private final double members;
    private final double alone;

    private GroupProbe(SqlConnection holder, Map<String, String> write) {
        this.holder = holder;
        this.write = write;
        this.groups = Metrics.value("openfiskal_write_groups_size_count", write);
        this.members = Metrics.value("openfiskal_write_groups_size_sum", write);
        this.alone = Metrics.value("openfiskal_write_groups_alone_total", write);
    }

    /** Locks the row of {@code table} with this id in a transaction of its own. */
    public static GroupProbe hold(Pool pool, String write, String table, String id) {
        SqlConnection c = pool.getConnection().await().indefinitely();
        c.query("BEGIN").execute().await().indefinitely();
        c.preparedQuery("SELECT 1 FROM " + table + " WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .await()
                .indefinitely();
        return new GroupProbe(c, Map.of("write", write));
    }

    /**
     * Waits until {@code n} requests reached the writers: each either queues, or is in a group a writer has
     * taken, which waits on the held row. (How many a writer takes depends on how many arrived before it
     * started, so the queue's length alone is not known in advance.)
     */
    public void awaitArrived(int n) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> Metrics.value("openfiskal_write_groups_waiting", write) + members() >= n);
    }

    public void release() {
        holder.query("COMMIT").execute().await().indefinitely();
        holder.close().await().indefinitely();
    }

    /** Groups written since the probe began. */
    public double groups() {
        return Metrics.value("openfiskal_write_groups_size_count", write) - groups;
    }

    /** Requests in those groups. */
    public double members() {
        return Metrics.value("openfiskal_write_groups_size_sum", write) - members;
    }

    /** Requests the groups handed to the one-by-one path. */
    public double alone() {
        return Metrics.value("openfiskal_write_groups_alone_total", write) - alone;
    }
}
