package com.openfiskal.fiscalization.tse;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the software TSE. */
@ConfigMapping(prefix = "openfiskal.tse")
public interface TseConfig {

    /**
     * Base64 of 32 random bytes: the AES-256-GCM key that encrypts every TSS private key and admin PIN at
     * rest. Env: OPENFISKAL_TSE_MASTER_KEY. No default outside dev/test.
     */
    String masterKey();

    /**
     * The master key being replaced, during a rotation only: secrets still sealed with it are read, and
     * re-encrypted under {@link #masterKey()} at start-up (docs/operations.md "Rotate keys"). Env:
     * OPENFISKAL_TSE_MASTER_KEY_PREVIOUS.
     */
    Optional<String> masterKeyPrevious();

    /** Curve of new TSS keys: {@code P-256} (ecdsa-plain-SHA256, as fiskaly) or {@code P-384} (ecdsa-plain-SHA384). */
    @WithDefault("P-256")
    String curve();

    /**
     * Fault injection, refused outside the test environment: {@code none}; {@code unreachable} (every call
     * fails, also provisioning); {@code fail-before-start} (StartTransaction fails: phase 1);
     * {@code fail-after-start} (StartTransaction succeeds, FinishTransaction fails: phase 2).
     * Env: OPENFISKAL_TSE_FAULT.
     */
    @WithDefault("none")
    Fault fault();

    /** Longest wait for one TSE call before it counts as failed (API.md §8.2). Env: OPENFISKAL_TSE_TIMEOUT. */
    @WithDefault("5s")
    Duration timeout();

    enum Fault {
        NONE,
        UNREACHABLE,
        FAIL_BEFORE_START,
        FAIL_AFTER_START
    }
}
