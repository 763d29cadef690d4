package com.openfiskal.contracts.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** Settings of authentication and rate limiting, the same in every service. */
@ConfigMapping(prefix = "openfiskal")
public interface SecurityConfig {

    /** {@code test} (sandbox) or {@code live}; keys of the other environment are refused. Env: OPENFISKAL_ENVIRONMENT. */
    @WithDefault("test")
    String environment();

    /**
     * Server-side pepper of the API-key hash; the same secret in all three services.
     * Env: OPENFISKAL_API_KEY_PEPPER. No default in production.
     */
    @WithName("api-key-pepper")
    String apiKeyPepper();

    /**
     * Bearer token of the service-to-service endpoints under {@code /internal/} (API.md §9.2); the same
     * secret in the services that call each other. Unset: nothing internal is reachable.
     * Env: OPENFISKAL_INTERNAL_TOKEN.
     */
    @WithName("internal-token")
    Optional<String> internalToken();

    /**
     * How long an active key (with the merchant read beside it) is trusted without asking the database
     * again; 0 asks every time. A revocation or suspension made through another instance takes effect
     * here within this time. Env: OPENFISKAL_AUTH_CACHE_TTL.
     */
    @WithName("auth-cache-ttl")
    @WithDefault("1s")
    Duration authCacheTtl();

    RateLimit rateLimit();

    interface RateLimit {
        /** Token bucket per API key: capacity and refill per second. Env: OPENFISKAL_RATE_LIMIT_PER_SECOND. */
        @WithDefault("500")
        int perSecond();

        /** Unauthenticated endpoints and failed authentications, per client IP. Env: OPENFISKAL_RATE_LIMIT_PER_IP_PER_SECOND. */
        @WithDefault("20")
        int perIpPerSecond();
    }
}
