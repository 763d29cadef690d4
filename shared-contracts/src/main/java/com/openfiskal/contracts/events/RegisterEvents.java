package com.openfiskal.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Payload of {@code register.fiscalized} and {@code register.decommissioned} on fiscal.registers.v1 (API.md §11.3). */
public final class RegisterEvents {

    private RegisterEvents() {}

    @RegisterForReflection
    public record Fiscalization(
            @JsonProperty("register_id") String registerId,
            @JsonProperty("location_id") String locationId,
            @JsonProperty("regime") String regime,
            @JsonProperty("fiscalized_at") String fiscalizedAt,
            @JsonProperty("decommissioned_at") String decommissionedAt,
            @JsonProperty("tss_serial_number") String tssSerialNumber,
            @JsonProperty("client_serial_number") String clientSerialNumber,
            @JsonProperty("signature_algorithm") String signatureAlgorithm,
            @JsonProperty("time_format") String timeFormat,
            @JsonProperty("public_key") String publicKey,
            @JsonProperty("certificate") String certificate) {}
}
