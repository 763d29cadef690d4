package com.openfiskal.contracts.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
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

    /** An active key of an active tenant. */
    public record KeyRecord(String keyId, String keyHash, String tenantId, String environment, String country) {}

    public record MerchantRecord(String merchantId, String tenantId, String countryCode, String status) {}

    private final Pool pool;

    public IdentityStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<KeyRecord> activeKey(String keyHash) {
        return pool.preparedQuery("""
                SELECT k.key_id, k.key_hash, k.tenant_id, k.environment, k.country
                  FROM identity_api_keys k JOIN identity_tenants t ON t.tenant_id = k.tenant_id
                 WHERE k.key_hash = $1 AND k.status = 'active' AND t.status = 'active'""").execute(Tuple.of(keyHash)).map(IdentityStore::firstKey);
    }

    /** A merchant that is not deleted, whatever its tenant; the caller compares the tenant. */
    public Uni<MerchantRecord> merchant(String merchantId) {
        return pool.preparedQuery("""
                SELECT merchant_id, tenant_id, country_code, status
                  FROM identity_merchants WHERE merchant_id = $1 AND NOT deleted""").execute(Tuple.of(merchantId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return null;
            }
            Row r = it.next();
            return new MerchantRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
        });
    }

    private static KeyRecord firstKey(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Row r = it.next();
        return new KeyRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
    }
}
