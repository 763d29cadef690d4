package com.openfiskal.fiscalization.tenant;

import com.openfiskal.contracts.auth.ApiKeys;
import com.openfiskal.contracts.auth.IdentityStore;
import com.openfiskal.contracts.auth.SecurityConfig;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.events.IdentityEvents;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Tenants and their API keys (operator tooling, API.md §13.2). Every change is published on the compacted
 * identity topic, from which the export- and receipts-service authenticate.
 */
@ApplicationScoped
public class TenantService {

    /** A key as issued: the secret exists only in this value. */
    public record IssuedKey(ApiKeyEntity key, String secret) {}

    private final Outbox outbox;
    private final SecurityConfig security;
    private final IdentityStore identities;

    public TenantService(Outbox outbox, SecurityConfig security, IdentityStore identities) {
        this.outbox = outbox;
        this.security = security;
        this.identities = identities;
    }

    @WithTransaction
    public Uni<TenantEntity> createTenant(String name) {
        TenantEntity t = new TenantEntity();
        t.id = Ids.next(Ids.TENANT);
        t.name = name;
        t.status = "active";
        t.createdAt = Timestamps.now();
        return t.<TenantEntity>persist().call(() -> publish(t));
    }

    @WithTransaction
    public Uni<IssuedKey> issueKey(String tenantId, String environment, String country) {
        return requireTenant(tenantId).flatMap(t -> insertKey(t.id, ApiKeys.issue(environment, country)));
    }

    @WithSession
    public Uni<List<ApiKeyEntity>> listKeys(String tenantId) {
        return requireTenant(tenantId)
                .flatMap(t -> ApiKeyEntity.<ApiKeyEntity>list("tenantId = ?1 order by id desc", tenantId));
    }

    @WithTransaction
    public Uni<Void> revokeKey(String tenantId, String keyId) {
        return requireTenant(tenantId)
                .flatMap(t -> ApiKeyEntity.<ApiKeyEntity>find("id = ?1 and tenantId = ?2", keyId, tenantId)
                        .<ApiKeyEntity>firstResult())
                .flatMap((ApiKeyEntity k) -> {
                    if (k == null) {
                        return Uni.createFrom().failure(ApiException.notFound("API key"));
                    }
                    if ("revoked".equals(k.status)) {
                        return Uni.createFrom().voidItem();
                    }
                    k.status = "revoked";
                    k.revokedAt = Timestamps.now();
                    return publish(k);
                });
    }

    /**
     * Makes sure a tenant holding {@code secret} exists (dev bootstrap): nothing happens when the key is
     * already known, so restarts are idempotent.
     */
    @WithTransaction
    public Uni<Boolean> ensureBootstrapKey(String secret) {
        String hash = ApiKeys.hash(security.apiKeyPepper(), secret);
        return ApiKeyEntity.<ApiKeyEntity>find("keyHash", hash).firstResult().flatMap(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(false);
            }
            TenantEntity t = new TenantEntity();
            t.id = Ids.next(Ids.TENANT);
            t.name = "Sandbox";
            t.status = "active";
            t.createdAt = Timestamps.now();
            return t.<TenantEntity>persist()
                    .call(() -> publish(t))
                    .flatMap(x -> insertKey(t.id, secret))
                    .replaceWith(true);
        });
    }

    private Uni<IssuedKey> insertKey(String tenantId, String secret) {
        ApiKeys.Parsed parsed = ApiKeys.parse(secret).orElseThrow(() -> new IllegalArgumentException("not an API key"));
        ApiKeyEntity k = new ApiKeyEntity();
        k.id = Ids.next(Ids.API_KEY);
        k.tenantId = tenantId;
        k.keyHash = ApiKeys.hash(security.apiKeyPepper(), secret);
        k.environment = parsed.environment();
        k.country = parsed.country();
        k.displayPrefix = parsed.displayPrefix();
        k.status = "active";
        k.createdAt = Timestamps.now();
        return k.<ApiKeyEntity>persist().call(() -> publish(k)).map(x -> new IssuedKey(k, secret));
    }

    private Uni<TenantEntity> requireTenant(String tenantId) {
        return TenantEntity.<TenantEntity>findById(tenantId)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("Tenant"));
    }

    private Uni<Void> publish(TenantEntity t) {
        return outbox.add(
                        Topics.IDENTITY,
                        "tenant:" + t.id,
                        Topics.TENANT_UPSERTED,
                        t.id,
                        null,
                        null,
                        new IdentityEvents.TenantUpserted(t.id, t.status))
                .invoke(() -> identities.tenantChanged(t.id));
    }

    private Uni<Void> publish(ApiKeyEntity k) {
        return outbox.add(
                        Topics.IDENTITY,
                        "api_key:" + k.id,
                        Topics.API_KEY_UPSERTED,
                        k.tenantId,
                        null,
                        null,
                        new IdentityEvents.ApiKeyUpserted(
                                k.id, k.keyHash, k.tenantId, k.environment, k.country, k.status))
                .invoke(() -> identities.keyChanged(k.id));
    }
}
