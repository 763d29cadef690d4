package com.openfiskal.contracts.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
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
 */
final class KeyCache {

    /** Beyond this many keys and merchants the cache starts over rather than grow. */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(IdentityStore.KeyRecord record, long expiresAt, long generation) {}

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

    /** The cached answer, or null when there is none or it has expired. */
    IdentityStore.KeyRecord get(String keyHash, String merchantId) {
        if (ttlNanos <= 0) {
            return null;
        }
        Entry e = entries.get(key(keyHash, merchantId));
        if (e == null || e.generation != generation.get() || clock.getAsLong() - e.expiresAt > 0) {
            return null;
        }
        return e.record;
    }

    /** Keeps {@code record} when it is a complete, positive answer read in {@code startedIn}. */
    void put(String keyHash, String merchantId, IdentityStore.KeyRecord record, long startedIn) {
        if (ttlNanos <= 0 || record == null || (merchantId != null && record.merchant() == null)) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        long now = clock.getAsLong();
        if (startedIn == generation.get() && now - quietUntil >= 0) {
            entries.put(key(keyHash, merchantId), new Entry(record, now + ttlNanos, startedIn));
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
