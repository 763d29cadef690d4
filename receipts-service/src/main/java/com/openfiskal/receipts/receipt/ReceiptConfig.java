package com.openfiskal.receipts.receipt;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the receipts-service (README "Settings"). */
@ConfigMapping(prefix = "openfiskal.receipts")
public interface ReceiptConfig {

    /**
     * The address clients and customers reach this service at, for {@code links} (API.md §10.1). Env:
     * OPENFISKAL_PUBLIC_URL.
     */
    @WithDefault("http://localhost:8082")
    String publicUrl();

    /**
     * After how long receipts become {@code archived}: the hosted page and send stop, JSON and PDF stay
     * (API.md §10.1, §13). Unset: never. Env: OPENFISKAL_RECEIPTS_HOSTED_RETENTION (e.g. {@code 730d}).
     */
    Optional<Duration> hostedRetention();

    /**
     * Memory for rendered hosted pages of recently viewed receipts (a receipt never changes after it is
     * issued, so a page is rendered once per language; the status is still read on every request). 0 turns
     * the cache off. Env: OPENFISKAL_RECEIPTS_PAGE_CACHE.
     */
    @WithDefault("32M")
    MemorySize pageCache();
}
