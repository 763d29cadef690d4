package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.fiscalization.common.AddressColumns;
import com.openfiskal.fiscalization.common.Addresses;
import com.openfiskal.fiscalization.location.LocationEntity;
import com.openfiskal.fiscalization.merchant.FiscalIdentities;
import com.openfiskal.fiscalization.merchant.MerchantEntity;
import com.openfiskal.fiscalization.outbox.Outbox;
import com.openfiskal.fiscalization.outbox.OutboxEventEntity;
import com.openfiskal.fiscalization.register.RegisterEntity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code operation.completed}, {@code operation.voided} and {@code session.closed} (API.md §11.3), written
 * to the outbox in the transaction of the change. Each carries a snapshot of the merchant, location and
 * register as they are at that moment, so that consumers never call back and a receipt or a closing stays
 * as it was issued.
 */
@ApplicationScoped
public class OperationEvents {

    public static final String COMPLETED = Topics.OPERATION_COMPLETED;
    public static final String VOIDED = Topics.OPERATION_VOIDED;

    private final Outbox outbox;
    private final OperationJson json;
    private final FiscalIdentities identities;
    private final ObjectMapper mapper;
    private final OperationMetrics metrics;

    public OperationEvents(
            Outbox outbox,
            OperationJson json,
            FiscalIdentities identities,
            ObjectMapper mapper,
            OperationMetrics metrics) {
        this.outbox = outbox;
        this.json = json;
        this.identities = identities;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * {@code operation.completed} or {@code operation.voided} with the operation as GET returns it; that
     * representation is handed back for the response.
     */
    public Uni<ObjectNode> operation(String type, OperationEntity o, String tenantId) {
        return issuer(o.merchantId, o.locationId, o.registerId).flatMap(issuer -> {
            Written w;
            try {
                w = written(type, o, tenantId, issuer);
            } catch (JsonProcessingException e) {
                return Uni.createFrom().failure(e);
            }
            metrics.outcome(o, VOIDED.equals(type) ? "voided" : "completed");
            return w.event().persist().invoke(outbox::written).replaceWith(w.rendered());
        });
    }

    /** The operation's representation and its event, to be written by the caller (grouped completes). */
    public record Written(ObjectNode rendered, OutboxEventEntity event) {}

    /**
     * {@link #operation} for a caller that has read the issuer itself, writes the event itself, and counts
     * the outcome once its transaction committed (a failed group is retried, and would count twice).
     */
    public Written operation(
            String type,
            OperationEntity o,
            String tenantId,
            MerchantEntity merchant,
            LocationEntity location,
            RegisterEntity register)
            throws JsonProcessingException {
        return written(type, o, tenantId, issuer(merchant, location, register));
    }

    private Written written(String type, OperationEntity o, String tenantId, ObjectNode issuer)
            throws JsonProcessingException {
        ObjectNode rendered = json.render(o);
        ObjectNode data = mapper.createObjectNode();
        data.set("operation", rendered);
        data.set("issuer", issuer);
        String key = o.registerId != null ? o.registerId : o.merchantId;
        return new Written(
                rendered, outbox.event(Topics.OPERATIONS, key, type, tenantId, o.merchantId, o.registerId, data));
    }

    /** {@code session.closed}: {@code data} is built by the session code; the master data is added here. */
    public Uni<Void> sessionClosed(
            String merchantId, String locationId, String registerId, String tenantId, ObjectNode data) {
        return issuer(merchantId, locationId, registerId).flatMap(issuer -> {
            ObjectNode masterData = mapper.createObjectNode();
            masterData.set("merchant", issuer.get("merchant"));
            masterData.set("location", issuer.get("location"));
            masterData.set("register", issuer.get("register"));
            data.set("master_data", masterData);
            return outbox.add(
                    Topics.SESSIONS, registerId, Topics.SESSION_CLOSED, tenantId, merchantId, registerId, data);
        });
    }

    /** Merchant, location and register as they are now; location and register are null for ONLINE. */
    Uni<ObjectNode> issuer(String merchantId, String locationId, String registerId) {
        // complete and void read all three in one statement right after locking the operation
        // (OperationService.changeable): found in the session here, no statement; session events read them now
        Uni<MerchantEntity> merchant = MerchantEntity.findById(merchantId);
        Uni<LocationEntity> location =
                locationId == null ? Uni.createFrom().nullItem() : LocationEntity.findById(locationId);
        Uni<RegisterEntity> register =
                registerId == null ? Uni.createFrom().nullItem() : RegisterEntity.findById(registerId);
        return merchant.flatMap(m -> location.flatMap(l -> register.map(r -> issuer(m, l, r))));
    }

    private ObjectNode issuer(MerchantEntity m, LocationEntity l, RegisterEntity r) {
        ObjectNode issuer = mapper.createObjectNode();
        ObjectNode mn = issuer.putObject("merchant");
        mn.put("legal_name", m.legalName);
        mn.set("address", address(m.address));
        FiscalIdentities.Identity german = identities.fromJson(m.fiscalIdentities).stream()
                .filter(i -> "DEU".equals(i.countryCode()))
                .findFirst()
                .orElse(null);
        mn.put("tax_number", german == null ? null : german.taxNumber());
        mn.put("vat_id", german == null ? null : german.vatId());
        if (l == null) {
            issuer.putNull("location");
        } else {
            ObjectNode ln = issuer.putObject("location");
            ln.put("name", l.name);
            ln.set("address", address(l.address));
            ln.put("timezone", l.timezone);
        }
        if (r == null) {
            issuer.putNull("register");
            issuer.putNull("public_key");
        } else {
            ObjectNode rn = issuer.putObject("register");
            rn.put("name", r.name);
            rn.put("external_id", r.externalId);
            rn.put("client_serial_number", r.clientSerialNumber);
            issuer.put("public_key", r.publicKey);
        }
        return issuer;
    }

    private ObjectNode address(AddressColumns a) {
        return a == null ? null : mapper.valueToTree(Addresses.toApi(a));
    }
}
