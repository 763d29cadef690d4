package com.openfiskal.local.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.auth.ApiKeys;
import com.openfiskal.contracts.events.EventEnvelope;
import com.openfiskal.contracts.events.IdentityEvents;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test support for the services that authenticate from the replicated identity topic: publishes
 * tenants, keys and merchants exactly as the fiscalization-service's outbox does.
 */
public final class IdentityFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tenant with one active key and one merchant, as the consuming service will see them. */
    public record Identity(
            String tenantId, String keyId, String key, String keyHash, String merchantId, String country) {}

    private final String bootstrapServers;
    private final String pepper;

    public IdentityFixtures(String bootstrapServers, String pepper) {
        this.bootstrapServers = bootstrapServers;
        this.pepper = pepper;
    }

    public Identity tenant(String country) {
        String tenant = Ids.next(Ids.TENANT);
        String keyId = Ids.next(Ids.API_KEY);
        String key = ApiKeys.issue("test", country);
        String hash = ApiKeys.hash(pepper, key);
        String merchant = Ids.next(Ids.MERCHANT);
        send(
                "tenant:" + tenant,
                Topics.TENANT_UPSERTED,
                tenant,
                null,
                new IdentityEvents.TenantUpserted(tenant, "active"));
        send(
                "api_key:" + keyId,
                Topics.API_KEY_UPSERTED,
                tenant,
                null,
                new IdentityEvents.ApiKeyUpserted(keyId, hash, tenant, "test", country, "active"));
        send(
                "merchant:" + merchant,
                Topics.MERCHANT_UPSERTED,
                tenant,
                merchant,
                new IdentityEvents.MerchantUpserted(merchant, tenant, country, "active", false));
        return new Identity(tenant, keyId, key, hash, merchant, country);
    }

    /** Another key of the same tenant, for another country. */
    public Identity key(Identity of, String country) {
        String keyId = Ids.next(Ids.API_KEY);
        String key = ApiKeys.issue("test", country);
        String hash = ApiKeys.hash(pepper, key);
        send(
                "api_key:" + keyId,
                Topics.API_KEY_UPSERTED,
                of.tenantId(),
                null,
                new IdentityEvents.ApiKeyUpserted(keyId, hash, of.tenantId(), "test", country, "active"));
        return new Identity(of.tenantId(), keyId, key, hash, of.merchantId(), country);
    }

    public void revoke(Identity id) {
        send(
                "api_key:" + id.keyId(),
                Topics.API_KEY_UPSERTED,
                id.tenantId(),
                null,
                new IdentityEvents.ApiKeyUpserted(
                        id.keyId(), id.keyHash(), id.tenantId(), "test", id.country(), "revoked"));
    }

    public void deleteMerchant(Identity id) {
        send(
                "merchant:" + id.merchantId(),
                Topics.MERCHANT_UPSERTED,
                id.tenantId(),
                id.merchantId(),
                new IdentityEvents.MerchantUpserted(id.merchantId(), id.tenantId(), id.country(), "active", true));
    }

    private void send(String key, String type, String tenant, String merchant, Object data) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            EventEnvelope e = new EventEnvelope(
                    Ids.next(Ids.EVENT),
                    type,
                    EventEnvelope.SCHEMA_VERSION,
                    Timestamps.format(Timestamps.now()),
                    "test",
                    tenant,
                    merchant,
                    null,
                    JSON.valueToTree(data));
            producer.send(new ProducerRecord<>(Topics.IDENTITY, key, JSON.writeValueAsString(e)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + type, e);
        }
    }
}
