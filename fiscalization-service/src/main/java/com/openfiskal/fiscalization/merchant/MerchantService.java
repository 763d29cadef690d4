package com.openfiskal.fiscalization.merchant;

import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.auth.IdentityStore;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.events.IdentityEvents;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.fiscalization.model.MerchantCreate;
import com.openfiskal.contracts.fiscalization.model.MerchantUpdate;
import com.openfiskal.contracts.http.IfMatch;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.paging.Page;
import com.openfiskal.fiscalization.common.Addresses;
import com.openfiskal.fiscalization.common.ListQuery;
import com.openfiskal.fiscalization.location.LocationEntity;
import com.openfiskal.fiscalization.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Merchants of the caller's tenant in the key's country (API.md §3). */
@ApplicationScoped
public class MerchantService {

    private final Caller caller;
    private final FiscalIdentities identities;
    private final Outbox outbox;
    private final IdentityStore keys;

    public MerchantService(Caller caller, FiscalIdentities identities, Outbox outbox, IdentityStore keys) {
        this.caller = caller;
        this.identities = identities;
        this.outbox = outbox;
        this.keys = keys;
    }

    @WithTransaction
    public Uni<MerchantEntity> create(MerchantCreate in) {
        requireKeyCountry(in.getCountryCode());
        Addresses.requireCountry(in.getAddress(), in.getCountryCode());
        var validIdentities = identities.validate(in.getFiscalIdentities(), in.getCountryCode());
        Instant now = Timestamps.now();
        MerchantEntity m = new MerchantEntity();
        m.id = Ids.next(Ids.MERCHANT);
        m.tenantId = caller.tenantId();
        m.legalName = in.getLegalName();
        m.countryCode = in.getCountryCode();
        m.address = Addresses.toColumns(in.getAddress());
        m.fiscalIdentities = identities.toJson(validIdentities);
        m.status = "active";
        m.resourceVersion = 1;
        m.createdAt = now;
        m.updatedAt = now;
        return m.<MerchantEntity>persist().call(() -> publish(m));
    }

    @WithSession
    public Uni<MerchantEntity> get(String id) {
        return visible(id, LockModeType.NONE);
    }

    @WithSession
    public Uni<Page<MerchantEntity>> list(Integer limit, String cursor, String status) {
        return ListQuery.of(
                        limit,
                        cursor,
                        "tenantId = :tenant and countryCode = :country and deletedAt is null",
                        Parameters.with("tenant", caller.tenantId()).and("country", caller.country()),
                        "merchants",
                        status)
                .eq("status", status)
                .page((q, p) -> MerchantEntity.<MerchantEntity>find(q, p), m -> m.id);
    }

    @WithTransaction
    public Uni<MerchantEntity> update(String id, MerchantUpdate in, String ifMatch) {
        Long expected = IfMatch.parse(ifMatch);
        return visible(id, LockModeType.PESSIMISTIC_WRITE)
                .map(m -> {
                    if (in.getCountryCode() != null && !in.getCountryCode().equals(m.countryCode)) {
                        throw ApiException.invalid("/country_code", "country_code is immutable.");
                    }
                    IfMatch.check(expected, m.resourceVersion);
                    Addresses.requireCountry(in.getAddress(), m.countryCode);
                    String oldStatus = m.status;
                    boolean changed = false;
                    if (in.getLegalName() != null && !in.getLegalName().equals(m.legalName)) {
                        m.legalName = in.getLegalName();
                        changed = true;
                    }
                    if (in.getAddress() != null) {
                        var a = Addresses.toColumns(in.getAddress());
                        if (!a.sameAs(m.address)) {
                            m.address = a;
                            changed = true;
                        }
                    }
                    if (in.getFiscalIdentities() != null) {
                        String json = identities.toJson(identities.validate(in.getFiscalIdentities(), m.countryCode));
                        if (!json.equals(m.fiscalIdentities)) {
                            m.fiscalIdentities = json;
                            changed = true;
                        }
                    }
                    if (in.getStatus() != null && !in.getStatus().toString().equals(m.status)) {
                        m.status = in.getStatus().toString();
                        changed = true;
                    }
                    if (changed) {
                        m.resourceVersion++;
                        m.updatedAt = Timestamps.now();
                    }
                    return Map.entry(m, !Objects.equals(oldStatus, m.status));
                })
                .call(e -> e.getValue() ? publish(e.getKey()) : Uni.createFrom().voidItem())
                .map(Map.Entry::getKey);
    }

    @WithTransaction
    public Uni<Void> delete(String id) {
        return visible(id, LockModeType.PESSIMISTIC_WRITE)
                .call(m -> LocationEntity.count("merchantId = ?1 and deletedAt is null", m.id)
                        .invoke(count -> {
                            if (count > 0) {
                                throw new ApiException(
                                        ErrorCode.CONFLICT, "The merchant still has locations. Delete them first.");
                            }
                        }))
                .call(m -> {
                    m.deletedAt = Timestamps.now();
                    return publish(m);
                })
                .replaceWithVoid();
    }

    /** The caller's merchant, or 404; 403 when it is the tenant's but of another country. */
    private Uni<MerchantEntity> visible(String id, LockModeType lock) {
        return MerchantEntity.<MerchantEntity>findById(id, lock).map(m -> {
            if (m == null || m.deletedAt != null || !m.tenantId.equals(caller.tenantId())) {
                throw ApiException.notFound("Merchant");
            }
            if (!m.countryCode.equals(caller.country())) {
                throw new ApiException(
                        ErrorCode.FORBIDDEN, "The merchant's country is outside the API key's country scope.");
            }
            return m;
        });
    }

    private void requireKeyCountry(String country) {
        if (!caller.country().equals(country)) {
            throw new ApiException(
                    ErrorCode.FORBIDDEN,
                    "country_code " + country + " is outside the API key's country scope " + caller.country() + ".");
        }
    }

    private Uni<Void> publish(MerchantEntity m) {
        return outbox.add(
                        Topics.IDENTITY,
                        "merchant:" + m.id,
                        Topics.MERCHANT_UPSERTED,
                        m.tenantId,
                        m.id,
                        null,
                        new IdentityEvents.MerchantUpserted(
                                m.id, m.tenantId, m.countryCode, m.status, m.deletedAt != null))
                .invoke(() -> keys.merchantChanged(m.id));
    }
}
