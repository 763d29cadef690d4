package com.openfiskal.contracts.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads what authentication needs from the service's own schema: the relations {@code identity_api_keys},
 * {@code identity_tenants} and {@code identity_merchants}. In the fiscalization-service they are views over
 * the tables it owns; in the export- and receipts-service they are the local copy kept from the compacted
 * identity topic. One query, one behaviour, in all three services.
 */
@ApplicationScoped
public class IdentityStore {

    /** An active key of an active tenant, with the merchant it asked for when that merchant exists. */
    public record KeyRecord(
            String keyId,
            String keyHash,
            String tenantId,
            String environment,
            String country,
            MerchantRecord merchant) {}

    /** A merchant that is not deleted, whatever its tenant; the caller compares the tenant. */
    public record MerchantRecord(String merchantId, String tenantId, String countryCode, String status) {}

    private final Pool pool;
    private final KeyCache cache;

    public IdentityStore(Pool pool, SecurityConfig config) {
        this.pool = pool;
        this.cache = new KeyCache(config.authCacheTtl(), System::nanoTime);
    }

    /*
     * Call these when this instance changes or replicates a key, a tenant or a merchant, so that the change
     * counts here at once: they drop what is kept in memory about it (KeyCache).
     */

    public void keyChanged(String keyId) {
        cache.forget(KeyCache.Subject.KEY, keyId);
    }

    public void tenantChanged(String tenantId) {
        cache.forget(KeyCache.Subject.TENANT, tenantId);
    }

    public void merchantChanged(String merchantId) {
        cache.forget(KeyCache.Subject.MERCHANT, merchantId);
    }

    /**
     * The key by its hash and, when {@code merchantId} is not null, the merchant of the request header in the
     * same statement: every merchant-scoped request needs both, and one round trip instead of two is a
     * statement less per request on the database every service shares. A positive answer is then kept for
     * the configured time ({@link KeyCache}).
     */
    public Uni<KeyRecord> activeKey(String keyHash, String merchantId) {
        KeyRecord cached = cache.get(keyHash, merchantId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        long generation = cache.generation();
        return pool.preparedQuery("""
                SELECT k.key_id, k.key_hash, k.tenant_id, k.environment, k.country,
                       m.merchant_id, m.tenant_id, m.country_code, m.status
                  FROM identity_api_keys k JOIN identity_tenants t ON t.tenant_id = k.tenant_id
                  LEFT JOIN identity_merchants m ON m.merchant_id = $2 AND NOT m.deleted
                 WHERE k.key_hash = $1 AND k.status = 'active' AND t.status = 'active'""")
                .execute(Tuple.of(keyHash, merchantId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    MerchantRecord merchant = r.getString(5) == null
                            ? null
                            : new MerchantRecord(r.getString(5), r.getString(6), r.getString(7), r.getString(8));
                    return new KeyRecord(
                            r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), merchant);
                })
                .invoke(record -> cache.put(keyHash, merchantId, record, generation));
    }
}
