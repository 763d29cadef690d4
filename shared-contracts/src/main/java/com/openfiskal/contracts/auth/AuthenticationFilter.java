package com.openfiskal.contracts.auth;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.error.ErrorResponses;
import com.openfiskal.contracts.ids.Ids;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Steps 2 to 4 of the processing order of API.md §2.12, for every matched route of every service:
 * API-key authentication (401), the per-key rate limit (429), and the merchant header (400, 404, 403).
 * Runs after route matching, so an unknown path is a 404 whoever asks.
 */
public class AuthenticationFilter {

    static final String MERCHANT_HEADER = "X-OpenFiskal-Merchant";
    private static final String AUTH_FAILED = "Authentication failed.";

    private final IdentityStore identities;
    private final SecurityConfig config;
    private final RateLimiter limiter;
    private final Caller caller;

    public AuthenticationFilter(IdentityStore identities, SecurityConfig config, RateLimiter limiter, Caller caller) {
        this.identities = identities;
        this.config = config;
        this.limiter = limiter;
        this.caller = caller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request, HttpServerRequest http) {
        Endpoints kind = Endpoints.of(request.getUriInfo().getPath());
        String ip =
                http.remoteAddress() == null ? "unknown" : http.remoteAddress().host();
        if (kind == Endpoints.PUBLIC) {
            return Uni.createFrom().item(limitIp(ip));
        }
        if (kind == Endpoints.ADMIN) {
            return Uni.createFrom().nullItem();
        }
        if (kind == Endpoints.INTERNAL) {
            // a shared service credential; without one configured nothing internal is reachable
            String token = bearer(request.getHeaderString("Authorization"));
            boolean allowed = token != null
                    && config.internalToken()
                            .filter(t -> !t.isEmpty())
                            .map(t -> MessageDigest.isEqual(
                                    t.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8)))
                            .orElse(false);
            return Uni.createFrom().item(allowed ? null : unauthorized(ip));
        }
        String key = bearer(request.getHeaderString("Authorization"));
        ApiKeys.Parsed parsed = ApiKeys.parse(key).orElse(null);
        if (parsed == null || !parsed.environment().equals(config.environment())) {
            return Uni.createFrom().item(unauthorized(ip));
        }
        String hash = ApiKeys.hash(config.apiKeyPepper(), key);
        String merchantHeader = kind == Endpoints.MERCHANT ? request.getHeaderString(MERCHANT_HEADER) : null;
        String merchantId = merchantHeader != null && Ids.isValid(Ids.MERCHANT, merchantHeader) ? merchantHeader : null;
        return identities.activeKey(hash, merchantId).map(record -> {
            if (record == null
                    || !ApiKeys.sameHash(record.keyHash(), hash)
                    || !record.environment().equals(parsed.environment())
                    || !record.country().equals(parsed.country())) {
                return unauthorized(ip);
            }
            long wait =
                    limiter.acquire("key:" + record.keyId(), config.rateLimit().perSecond());
            if (wait > 0) {
                return tooMany(wait);
            }
            caller.authenticate(record.tenantId(), record.keyId(), record.country());
            return kind == Endpoints.MERCHANT ? merchant(merchantHeader, record) : null;
        });
    }

    /** Step 4: the merchant header, checked against the merchant read with the key. */
    private Response merchant(String header, IdentityStore.KeyRecord key) {
        if (header == null || header.isEmpty()) {
            return ErrorResponses.of(
                    ApiException.invalid(MERCHANT_HEADER, "Header X-OpenFiskal-Merchant is required."));
        }
        if (!Ids.isValid(Ids.MERCHANT, header)) {
            return ErrorResponses.of(
                    ApiException.invalid(MERCHANT_HEADER, "Header X-OpenFiskal-Merchant is not a merchant ID."));
        }
        IdentityStore.MerchantRecord m = key.merchant();
        if (m == null || !m.tenantId().equals(key.tenantId())) {
            return ErrorResponses.of(ApiException.notFound("Merchant"));
        }
        if (!m.countryCode().equals(key.country())) {
            return ErrorResponses.of(
                    ErrorCode.FORBIDDEN,
                    403,
                    "The merchant's country is outside the API key's country scope.",
                    Map.of());
        }
        caller.actFor(m.merchantId(), "active".equals(m.status()));
        return null;
    }

    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        return h.substring(7).trim();
    }

    private Response unauthorized(String ip) {
        Response limited = limitIp(ip);
        return limited != null ? limited : ErrorResponses.of(ErrorCode.UNAUTHORIZED, 401, AUTH_FAILED, Map.of());
    }

    private Response limitIp(String ip) {
        long wait = limiter.acquire("ip:" + ip, config.rateLimit().perIpPerSecond());
        return wait > 0 ? tooMany(wait) : null;
    }

    private static Response tooMany(long retryAfterSeconds) {
        return ErrorResponses.of(new ApiException(
                ErrorCode.RATE_LIMIT_EXCEEDED,
                429,
                "Rate limit exceeded.",
                Map.of(),
                Map.of("Retry-After", String.valueOf(retryAfterSeconds))));
    }
}
