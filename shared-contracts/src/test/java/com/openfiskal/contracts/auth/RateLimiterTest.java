package com.openfiskal.contracts.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void shouldAllowAFullBucketThenAskToRetryAfterAtLeastOneSecond() {
        RateLimiter limiter = new RateLimiter();
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.acquire("k", 10), "request " + i + " of a bucket of 10");
        }
        assertTrue(limiter.acquire("k", 10) >= 1);
        assertEquals(0, limiter.acquire("other", 10), "buckets are per key");
    }

    @Test
    void shouldRefillOverTime() throws InterruptedException {
        RateLimiter limiter = new RateLimiter();
        for (int i = 0; i < 5; i++) {
            limiter.acquire("k", 5);
        }
        assertTrue(limiter.acquire("k", 5) > 0);
        Thread.sleep(450);
        assertEquals(0, limiter.acquire("k", 5), "a token is back after 1/5 s");
    }
}
