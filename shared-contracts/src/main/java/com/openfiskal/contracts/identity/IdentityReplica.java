package com.openfiskal.contracts.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.auth.IdentityStore;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.json.Timestamps;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the local copy of the compacted identity topic (API keys as hashes, tenants, merchant ownership,
 * registers) that the export- and receipts-service authenticate against. Every record carries the
 * latest state of one entity, so applying it is an upsert; a record older than the stored state (a
 * redelivery) changes nothing. Enabled in a service by the build property
 * {@code openfiskal.identity-replica.enabled=true} and the incoming channel {@code identity}.
 */
@ApplicationScoped
@IfBuildProperty(name = "openfiskal.identity-replica.enabled", stringValue = "true")
public class IdentityReplica {

    private static final Logger LOG = Logger.getLogger(IdentityReplica.class);

    private final Pool pool;
    private final ObjectMapper mapper;
    private final IdentityCatchUp catchUp;
    private final IdentityStore keys;

    public IdentityReplica(Pool pool, ObjectMapper mapper, @Readiness IdentityCatchUp catchUp, IdentityStore keys) {
        this.pool = pool;
        this.mapper = mapper;
        this.catchUp = catchUp;
        this.keys = keys;
    }

    @Incoming("identity")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        JsonNode event;
        try {
            event = mapper.readTree(record.value());
        } catch (Exception e) {
            LOG.warnf("Skipping an identity record that is not JSON: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return apply(event).invoke(() -> catchUp.applied(record.partition(), record.offset()));
    }

    /**
     * Applies one identity event envelope. A key, tenant or merchant record also drops what this instance
     * trusts from memory about it, so the change counts here as soon as it is stored.
     */
    public Uni<Void> apply(JsonNode event) {
        String type = event.path("type").asText();
        JsonNode d = event.path("data");
        OffsetDateTime at = Timestamps.parse(event.path("occurred_at").asText(null))
                .orElse(Instant.EPOCH)
                .atOffset(ZoneOffset.UTC);
        return switch (type) {
            case Topics.API_KEY_UPSERTED ->
                pool.preparedQuery("""
                    INSERT INTO identity_api_keys (key_id, key_hash, tenant_id, environment, country, status, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (key_id) DO UPDATE SET key_hash = EXCLUDED.key_hash, tenant_id = EXCLUDED.tenant_id,
                        environment = EXCLUDED.environment, country = EXCLUDED.country, status = EXCLUDED.status,
                        updated_at = EXCLUDED.updated_at
                    WHERE identity_api_keys.updated_at <= EXCLUDED.updated_at""")
                        .execute(Tuple.from(new Object[] {
                            text(d, "key_id"),
                            text(d, "key_hash"),
                            text(d, "tenant_id"),
                            text(d, "environment"),
                            text(d, "country"),
                            text(d, "status"),
                            at
                        }))
                        .replaceWithVoid()
                        .invoke(() -> keys.keyChanged(text(d, "key_id")));
            case Topics.TENANT_UPSERTED ->
                pool.preparedQuery("""
                    INSERT INTO identity_tenants (tenant_id, status, updated_at) VALUES ($1, $2, $3)
                    ON CONFLICT (tenant_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
                    WHERE identity_tenants.updated_at <= EXCLUDED.updated_at""")
                        .execute(Tuple.of(text(d, "tenant_id"), text(d, "status"), at))
                        .replaceWithVoid()
                        .invoke(() -> keys.tenantChanged(text(d, "tenant_id")));
            case Topics.MERCHANT_UPSERTED ->
                pool.preparedQuery("""
                    INSERT INTO identity_merchants (merchant_id, tenant_id, country_code, status, deleted, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (merchant_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id,
                        country_code = EXCLUDED.country_code, status = EXCLUDED.status, deleted = EXCLUDED.deleted,
                        updated_at = EXCLUDED.updated_at
                    WHERE identity_merchants.updated_at <= EXCLUDED.updated_at""")
                        .execute(Tuple.from(new Object[] {
                            text(d, "merchant_id"),
                            text(d, "tenant_id"),
                            text(d, "country_code"),
                            text(d, "status"),
                            d.path("deleted").asBoolean(),
                            at
                        }))
                        .replaceWithVoid()
                        .invoke(() -> keys.merchantChanged(text(d, "merchant_id")));
            case Topics.REGISTER_UPSERTED ->
                pool.preparedQuery("""
                    INSERT INTO identity_registers (register_id, merchant_id, location_id, status, fiscalization_status,
                        regime, fiscalized_at, decommissioned_at, deleted, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (register_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id,
                        location_id = EXCLUDED.location_id, status = EXCLUDED.status,
                        fiscalization_status = EXCLUDED.fiscalization_status, regime = EXCLUDED.regime,
                        fiscalized_at = EXCLUDED.fiscalized_at, decommissioned_at = EXCLUDED.decommissioned_at,
                        deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at
                    WHERE identity_registers.updated_at <= EXCLUDED.updated_at""")
                        .execute(Tuple.from(new Object[] {
                            text(d, "register_id"),
                            text(d, "merchant_id"),
                            text(d, "location_id"),
                            text(d, "status"),
                            text(d, "fiscalization_status"),
                            text(d, "regime"),
                            time(d, "fiscalized_at"),
                            time(d, "decommissioned_at"),
                            d.path("deleted").asBoolean(),
                            at
                        }))
                        .replaceWithVoid();
            default -> {
                LOG.debugf("Ignoring identity event of type %s", type);
                yield Uni.createFrom().voidItem();
            }
        };
    }

    private static String text(JsonNode d, String field) {
        JsonNode n = d.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static OffsetDateTime time(JsonNode d, String field) {
        return Timestamps.parse(text(d, field))
                .map(i -> i.atOffset(ZoneOffset.UTC))
                .orElse(null);
    }
}
