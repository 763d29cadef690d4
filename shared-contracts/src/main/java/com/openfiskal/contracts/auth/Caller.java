package com.openfiskal.contracts.auth;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import jakarta.enterprise.context.RequestScoped;
import org.jboss.logging.MDC;

/**
 * Who is calling, as established by {@link AuthenticationFilter}: the tenant and country of the API key,
 * and for merchant-scoped endpoints the merchant of {@code X-OpenFiskal-Merchant}, already checked to
 * belong to the tenant and the key's country.
 */
@RequestScoped
public class Caller {

    private String tenantId;
    private String keyId;
    private String country;
    private String merchantId;
    private boolean merchantActive;

    /** Called by the authentication filter only. */
    public void authenticate(String tenantId, String keyId, String country) {
        this.tenantId = tenantId;
        this.keyId = keyId;
        this.country = country;
        // every log line of the request names who asked (the key's id, never the key)
        MDC.put("tenantId", tenantId);
        MDC.put("apiKeyId", keyId);
    }

    /** Called by the authentication filter only. */
    public void actFor(String merchantId, boolean active) {
        this.merchantId = merchantId;
        this.merchantActive = active;
        MDC.put("merchantId", merchantId);
    }

    public String tenantId() {
        requireAuthenticated();
        return tenantId;
    }

    public String keyId() {
        requireAuthenticated();
        return keyId;
    }

    /** True once an API key was accepted for this request (not for public, admin or internal endpoints). */
    public boolean authenticated() {
        return tenantId != null;
    }

    /** The key's country, ISO 3166-1 alpha-3 in uppercase. */
    public String country() {
        requireAuthenticated();
        return country;
    }

    /** The merchant of a merchant-scoped request. */
    public String merchantId() {
        if (merchantId == null) {
            throw new IllegalStateException("not a merchant-scoped request");
        }
        return merchantId;
    }

    /** An inactive merchant is read-only (API.md §3.1): mutations under it are 409 {@code conflict}. */
    public void requireActiveMerchant() {
        merchantId();
        if (!merchantActive) {
            throw new ApiException(ErrorCode.CONFLICT, "The merchant is inactive.");
        }
    }

    private void requireAuthenticated() {
        if (tenantId == null) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Authentication failed.");
        }
    }
}
