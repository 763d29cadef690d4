package com.openfiskal.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Payloads of the compacted identity topic (API.md §11.3). Hashes only, never keys. */
public final class IdentityEvents {

    private IdentityEvents() {}

    @RegisterForReflection
    public record ApiKeyUpserted(
            @JsonProperty("key_id") String keyId,
            @JsonProperty("key_hash") String keyHash,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("environment") String environment,
            @JsonProperty("country") String country,
            @JsonProperty("status") String status) {}

    @RegisterForReflection
    public record TenantUpserted(
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("status") String status) {}

    @RegisterForReflection
    public record MerchantUpserted(
            @JsonProperty("merchant_id") String merchantId,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("country_code") String countryCode,
            @JsonProperty("status") String status,
            @JsonProperty("deleted") boolean deleted) {}

    @RegisterForReflection
    public record RegisterUpserted(
            @JsonProperty("register_id") String registerId,
            @JsonProperty("merchant_id") String merchantId,
            @JsonProperty("location_id") String locationId,
            @JsonProperty("status") String status,
            @JsonProperty("fiscalization_status") String fiscalizationStatus,
            @JsonProperty("regime") String regime,
            @JsonProperty("fiscalized_at") String fiscalizedAt,
            @JsonProperty("decommissioned_at") String decommissionedAt,
            @JsonProperty("deleted") boolean deleted) {}
}
