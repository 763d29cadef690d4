package com.openfiskal.contracts.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (API.md §2.11), one per API key and one per client IP, in this instance's memory
 * (API.md §13.3 allows one limiter per instance: a key at or below the rate is never throttled).
 */
@ApplicationScoped
public class RateLimiter {

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * Takes one token.
     *
     * @return 0 when allowed, else the whole seconds (at least 1) until a token is available
     */
    public long acquire(String bucketKey, int perSecond) {
        if (buckets.size() > 100_000) {
            buckets.clear();
        }
        return buckets.computeIfAbsent(bucketKey, k -> new Bucket(perSecond)).take(perSecond);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int capacity) {
            this.tokens = capacity;
            this.last = System.nanoTime();
        }

        synchronized long take(int perSecond) {
            long now = System.nanoTime();
            tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double wait = (1 - tokens) / perSecond;
            return Math.max(1, (long) Math.ceil(wait));
        }
    }
}
