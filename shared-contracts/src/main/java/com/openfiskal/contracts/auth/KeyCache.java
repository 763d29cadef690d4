package com.openfiskal.contracts.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keys recently found active, with the merchant read beside them, for at most {@code ttl}: a POS back end
 * sends many requests per second with one key, and the lookup was a database round trip on every one of
 * them (two per sale). Only complete, positive answers are kept: an unknown or revoked key, and a merchant
 * that was not found, are asked again every time, so a new key or merchant works at once and nothing is
 * learnt from guessing.
 *
 * <p>A change of a key, tenant or merchant that this instance makes or replicates ({@link #forget}) drops the
 * answers that involve it, and for one {@code ttl} no answer involving it is kept, because the change is
 * announced before its transaction commits and a lookup in between still reads the old state. Answers about
 * others stay: the export- and receipts-service replicate every tenant's changes. A change made by another
 * instance of the same service is seen within {@code ttl}, the bound API.md gives for revocations to reach
 * the consuming services.
 *
 * <p>An answer past half its life is read again by one request while the others go on using it, so that
 * the requests in flight do not all miss together when it expires (with 32 in flight, that stampede was a
 * lookup for every seventh request). A fresh answer replaces it; a negative one removes it.
 */
final class KeyCache {

    /** What changed. */
    enum Subject {
        KEY,
        TENANT,
        MERCHANT
    }

    /** Beyond this many keys and merchants the cache starts over rather than grow. */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(IdentityStore.KeyRecord record, long expiresAt, AtomicBoolean refreshing) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Subjects changed lately ({@code KEY:key_…}), with the time (nanos) until which no answer about them is kept. */
    private final ConcurrentHashMap<String, Long> quiet = new ConcurrentHashMap<>();

    private final long ttlNanos;
    private final LongSupplier clock;
    /** Bumped by {@link #forget}: a lookup that started before a change may not store its answer after it. */
    private final AtomicLong generation = new AtomicLong();

    KeyCache(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = nanoClock;
    }

    /** The generation a lookup starts in; hand it back to {@link #put}. */
    long generation() {
        return generation.get();
    }

    /**
     * The kept answer, or null when there is none, it has expired, or it is past half its life and this
     * caller is the one to read it again (see the class comment).
     */
    IdentityStore.KeyRecord get(String keyHash, String merchantId) {
        if (ttlNanos <= 0) {
            return null;
        }
        Entry e = entries.get(key(keyHash, merchantId));
        long now = clock.getAsLong();
        if (e == null || now - e.expiresAt > 0) {
            return null;
        }
        if (now - (e.expiresAt - ttlNanos / 2) > 0 && e.refreshing.compareAndSet(false, true)) {
            return null;
        }
        return e.record;
    }

    /**
     * Keeps {@code record} when it is a complete, positive answer read in {@code startedIn}; any other answer
     * removes what was kept for the key and merchant.
     */
    void put(String keyHash, String merchantId, IdentityStore.KeyRecord record, long startedIn) {
        if (ttlNanos <= 0) {
            return;
        }
        String key = key(keyHash, merchantId);
        if (record == null || (merchantId != null && record.merchant() == null)) {
            entries.remove(key);
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        long now = clock.getAsLong();
        if (startedIn == generation.get() && !quiet(record, now)) {
            entries.put(key, new Entry(record, now + ttlNanos, new AtomicBoolean()));
        }
    }

    /** A key, tenant or merchant changed: drops the answers about it (see the class comment). */
    void forget(Subject subject, String id) {
        long now = clock.getAsLong();
        if (quiet.size() >= MAX_ENTRIES) {
            quiet.values().removeIf(until -> now - until >= 0);
        }
        quiet.put(subject + ":" + id, now + ttlNanos);
        generation.incrementAndGet();
        entries.values().removeIf(e -> about(e.record, subject, id));
    }

    private boolean quiet(IdentityStore.KeyRecord r, long now) {
        if (quiet.isEmpty()) {
            return false;
        }
        return quiet(Subject.KEY, r.keyId(), now)
                || quiet(Subject.TENANT, r.tenantId(), now)
                || (r.merchant() != null && quiet(Subject.MERCHANT, r.merchant().merchantId(), now));
    }

    private boolean quiet(Subject subject, String id, long now) {
        Long until = quiet.get(subject + ":" + id);
        return until != null && now - until < 0;
    }

    private static boolean about(IdentityStore.KeyRecord r, Subject subject, String id) {
        return switch (subject) {
            case KEY -> r.keyId().equals(id);
            case TENANT -> r.tenantId().equals(id);
            case MERCHANT -> r.merchant() != null && r.merchant().merchantId().equals(id);
        };
    }

    private static String key(String keyHash, String merchantId) {
        return merchantId == null ? keyHash : keyHash + "|" + merchantId;
    }
}
