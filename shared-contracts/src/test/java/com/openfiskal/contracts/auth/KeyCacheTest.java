package com.openfiskal.contracts.auth;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

    private static final long SECOND = 1_000_000_000L;
    /** A clock that starts near the end of the long range: nanoTime may wrap, the cache must not care. */
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - SECOND / 2);

    private final KeyCache cache = new KeyCache(Duration.ofSeconds(1), now::get);
    private final IdentityStore.MerchantRecord merchant =
            new IdentityStore.MerchantRecord("merchant_1", "tenant_1", "DEU", "active");
    private final IdentityStore.KeyRecord withMerchant =
            new IdentityStore.KeyRecord("key_1", "hash", "tenant_1", "test", "deu", merchant);
    private final IdentityStore.KeyRecord keyOnly =
            new IdentityStore.KeyRecord("key_1", "hash", "tenant_1", "test", "deu", null);

    @Test
    void shouldKeepAnActiveKeyForTheTimeToLiveAndNoLonger() {
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        cache.put("hash", null, keyOnly, cache.generation());
        now.addAndGet(SECOND / 2);
        assertSame(withMerchant, cache.get("hash", "merchant_1"));
        assertSame(keyOnly, cache.get("hash", null));
        assertNull(cache.get("hash", "merchant_2"), "another merchant header is another answer");
        now.addAndGet(SECOND / 2);
        assertNull(cache.get("hash", "merchant_1"), "past half its life: this caller reads it again");
        assertSame(withMerchant, cache.get("hash", "merchant_1"), "the others go on using it meanwhile");
        now.addAndGet(1);
        assertNull(cache.get("hash", "merchant_1"), "expired");
        assertNull(cache.get("hash", "merchant_1"), "expired for everyone");
    }

    @Test
    void shouldLetOneCallerReadAnAgeingAnswerAgainAndKeepWhatItRead() {
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        now.addAndGet(SECOND * 3 / 4);
        assertNull(cache.get("hash", "merchant_1"), "the one to read it again");
        assertSame(withMerchant, cache.get("hash", "merchant_1"));
        IdentityStore.KeyRecord reread =
                new IdentityStore.KeyRecord("key_1", "hash", "tenant_1", "test", "deu", merchant);
        cache.put("hash", "merchant_1", reread, cache.generation());
        now.addAndGet(SECOND / 2);
        assertSame(reread, cache.get("hash", "merchant_1"), "the answer read again lives a full time to live");
    }

    @Test
    void shouldDropAnAnswerWhenReadingItAgainFindsTheKeyGone() {
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        now.addAndGet(SECOND * 3 / 4);
        assertNull(cache.get("hash", "merchant_1"));
        cache.put("hash", "merchant_1", null, cache.generation());
        assertNull(cache.get("hash", "merchant_1"), "revoked elsewhere: not served for the rest of its time");
    }

    @Test
    void shouldNeverKeepAnUnknownKeyNorAKeyWhoseMerchantWasNotFound() {
        cache.put("hash", null, null, cache.generation());
        cache.put("hash", "merchant_9", keyOnly, cache.generation());
        assertNull(cache.get("hash", null));
        assertNull(cache.get("hash", "merchant_9"), "the merchant may be created the next moment");
    }

    @Test
    void shouldForgetAChangedKeyAndKeepNothingAboutItUntilTheChangeHasCommitted() {
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        cache.forget(KeyCache.Subject.KEY, "key_1");
        assertNull(cache.get("hash", "merchant_1"));
        // read before the change committed: not kept, whenever it arrives in the quiet time
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        assertNull(cache.get("hash", "merchant_1"));
        now.addAndGet(SECOND);
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        assertSame(withMerchant, cache.get("hash", "merchant_1"), "kept again once the quiet time is over");
    }

    @Test
    void shouldNotKeepAnAnswerReadBeforeAChange() {
        now.addAndGet(2 * SECOND);
        long started = cache.generation();
        cache.forget(KeyCache.Subject.MERCHANT, "merchant_7");
        now.addAndGet(2 * SECOND);
        cache.put("hash", "merchant_1", withMerchant, started);
        assertNull(cache.get("hash", "merchant_1"));
    }

    @Test
    void shouldDropOnlyTheAnswersAboutWhatChanged() {
        IdentityStore.KeyRecord otherTenant = new IdentityStore.KeyRecord(
                "key_2",
                "hash2",
                "tenant_2",
                "test",
                "deu",
                new IdentityStore.MerchantRecord("merchant_2", "tenant_2", "DEU", "active"));
        cache.put("hash", "merchant_1", withMerchant, cache.generation());
        cache.put("hash", null, keyOnly, cache.generation());
        cache.put("hash2", "merchant_2", otherTenant, cache.generation());

        cache.forget(KeyCache.Subject.MERCHANT, "merchant_1");
        assertNull(cache.get("hash", "merchant_1"), "the merchant changed");
        assertSame(keyOnly, cache.get("hash", null), "the key without that merchant is unaffected");
        assertSame(otherTenant, cache.get("hash2", "merchant_2"), "another tenant's answers stay");

        cache.forget(KeyCache.Subject.TENANT, "tenant_1");
        assertNull(cache.get("hash", null), "every answer of the changed tenant goes");
        assertSame(otherTenant, cache.get("hash2", "merchant_2"));
        cache.put("hash", null, keyOnly, cache.generation());
        assertNull(cache.get("hash", null), "nothing about the tenant is kept until its change has committed");
        cache.put("hash2", "merchant_2", otherTenant, cache.generation());
        assertSame(otherTenant, cache.get("hash2", "merchant_2"), "others are kept meanwhile");
    }

    @Test
    void shouldKeepNothingWhenTheTimeToLiveIsZero() {
        KeyCache off = new KeyCache(Duration.ZERO, now::get);
        off.put("hash", "merchant_1", withMerchant, off.generation());
        assertNull(off.get("hash", "merchant_1"));
    }
}
