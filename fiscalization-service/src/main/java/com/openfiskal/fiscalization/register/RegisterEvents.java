package com.openfiskal.fiscalization.register;

import com.openfiskal.contracts.events.IdentityEvents;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The events a register change causes, written to the outbox in the change's transaction. */
@ApplicationScoped
public class RegisterEvents {

    private final Outbox outbox;

    public RegisterEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** {@code register.upserted} on the compacted identity topic: existence, status and regime. */
    public Uni<Void> upserted(RegisterEntity r, String tenantId) {
        return outbox.add(
                Topics.IDENTITY,
                "register:" + r.id,
                Topics.REGISTER_UPSERTED,
                tenantId,
                r.merchantId,
                r.id,
                new IdentityEvents.RegisterUpserted(
                        r.id,
                        r.merchantId,
                        r.locationId,
                        r.status,
                        r.fiscalizationStatus,
                        r.regime,
                        Timestamps.format(r.fiscalizedAt),
                        Timestamps.format(r.decommissionedAt),
                        r.deletedAt != null));
    }

    /** {@code register.fiscalized} or {@code register.decommissioned} on fiscal.registers.v1, keyed by register. */
    public Uni<Void> fiscalization(RegisterEntity r, String tenantId, String type) {
        return outbox.add(
                        Topics.REGISTERS,
                        r.id,
                        type,
                        tenantId,
                        r.merchantId,
                        r.id,
                        new com.openfiskal.contracts.events.RegisterEvents.Fiscalization(
                                r.id,
                                r.locationId,
                                r.regime,
                                Timestamps.format(r.fiscalizedAt),
                                Timestamps.format(r.decommissionedAt),
                                r.tssSerialNumber,
                                r.clientSerialNumber,
                                r.signatureAlgorithm,
                                r.timeFormat,
                                r.publicKey,
                                r.certificate))
                .call(() -> upserted(r, tenantId));
    }
}
