package com.openfiskal.fiscalization.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.contracts.idempotency.IdempotencyCleanup;
import com.openfiskal.fiscalization.support.Pos;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How long an Idempotency-Key is kept (API.md §2.9): at least 24 h after the first request finished; after
 * that the key counts as new, and the records past their expiry are deleted.
 */
@QuarkusTest
class IdempotencyRetentionTest {

    @Inject
    Pool pool;

    @Inject
    IdempotencyCleanup cleanup;

    private Pos pos;
    private Map<String, Object> sale;

    @BeforeEach
    void openARegister() {
        pos = Pos.fiscalized();
        pos.open("0.00").then().statusCode(201);
        sale = pos.sale("5.95", "0.95");
    }

    @Test
    void shouldKeepAKeyAtLeast24HoursAfterItsRequestFinished() {
        String key = UUID.randomUUID().toString();
        pos.post(sale, key).then().statusCode(201);
        OffsetDateTime answered = OffsetDateTime.now(ZoneOffset.UTC);

        OffsetDateTime expires = record(key).getOffsetDateTime("expires_at");
        assertFalse(
                expires.isBefore(answered.plus(Duration.ofHours(24))), "expires " + expires + ", answered " + answered);
    }

    @Test
    void shouldTreatAnExpiredKeyAsNew() {
        String key = UUID.randomUUID().toString();
        Response first = pos.post(sale, key);
        first.then().statusCode(201);
        expire(key);

        // API.md §2.9: a late retry after the retention creates a second operation
        Response late = pos.post(sale, key);
        late.then().statusCode(201);
        assertNull(late.header("Idempotent-Replayed"));
        assertNotEquals(first.<String>path("id"), late.path("id"));

        Response replay = pos.post(sale, key);
        replay.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertEquals(late.<String>path("id"), replay.path("id"));
    }

    @Test
    void shouldDeleteTheRecordsPastTheirExpiryAndKeepTheOthers() {
        String expired = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        pos.post(sale, expired).then().statusCode(201);
        pos.post(sale, kept).then().statusCode(201);
        expire(expired);

        int deleted = cleanup.deleteExpired().await().indefinitely();

        assertTrue(deleted >= 1, "deleted " + deleted);
        assertNull(recordOrNull(expired));
        assertEquals(201, record(kept).getInteger("response_status"));
    }

    private void expire(String key) {
        int updated = pool.preparedQuery(
                        "UPDATE idempotency_records SET expires_at = now() - interval '1 second' WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .await()
                .indefinitely()
                .rowCount();
        assertEquals(1, updated);
    }

    private Row record(String key) {
        Row row = recordOrNull(key);
        assertTrue(row != null, "a record for " + key);
        return row;
    }

    private Row recordOrNull(String key) {
        RowIterator<Row> rows = pool.preparedQuery(
                        "SELECT expires_at, response_status FROM idempotency_records WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .await()
                .indefinitely()
                .iterator();
        return rows.hasNext() ? rows.next() : null;
    }
}
