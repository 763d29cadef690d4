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
 * learnt from guessing. A change this instance makes or replicates empties the cache ({@link #forget}) and
 * stops it keeping answers for one {@code ttl}, because the change is announced before its transaction
 * commits and a lookup in between still reads the old state. A change made by another instance of the same
 * service is seen within {@code ttl}, the bound API.md gives for revocations to reach the consuming services.
 *
 * <p>An answer past half its life is read again by one request while the others go on using it, so that
 * the requests in flight do not all miss together when it expires (with 32 in flight, that stampede was a
 * lookup for every seventh request). A fresh answer replaces it; a negative one removes it.
 */
final class KeyCache {

    /** Beyond this many keys and merchants the cache starts over rather than grow. */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(IdentityStore.KeyRecord record, long expiresAt, long generation, AtomicBoolean refreshing) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier clock;
    /** Bumped by {@link #forget}: a lookup that started before a change may not store its answer after it. */
    private final AtomicLong generation = new AtomicLong();
    /** No answer is kept before this time (nanos): see the class comment. */
    private volatile long quietUntil;

    KeyCache(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = nanoClock;
        this.quietUntil = nanoClock.getAsLong();
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
        if (e == null || e.generation != generation.get() || now - e.expiresAt > 0) {
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
        if (startedIn == generation.get() && now - quietUntil >= 0) {
            entries.put(key, new Entry(record, now + ttlNanos, startedIn, new AtomicBoolean()));
        }
    }

    /** Drops every answer: a key, tenant or merchant changed. */
    void forget() {
        quietUntil = clock.getAsLong() + ttlNanos;
        generation.incrementAndGet();
        entries.clear();
    }

    private static String key(String keyHash, String merchantId) {
        return merchantId == null ? keyHash : keyHash + "|" + merchantId;
    }
}
