package com.openfiskal.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The envelope of every Kafka event (API.md §11.1); {@code data} depends on {@code type}. */
@RegisterForReflection
public record EventEnvelope(
        @JsonProperty("event_id") String eventId,
        @JsonProperty("type") String type,
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("occurred_at") String occurredAt,
        @JsonProperty("environment") String environment,
        @JsonProperty("tenant_id") String tenantId,
        @JsonProperty("merchant_id") String merchantId,
        @JsonProperty("register_id") String registerId,
        @JsonProperty("data") JsonNode data) {

    public static final int SCHEMA_VERSION = 1;
}
