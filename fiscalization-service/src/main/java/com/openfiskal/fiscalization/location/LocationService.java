package com.openfiskal.fiscalization.location;

import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.fiscalization.model.LocationCreate;
import com.openfiskal.contracts.fiscalization.model.LocationUpdate;
import com.openfiskal.contracts.http.IfMatch;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.paging.Page;
import com.openfiskal.fiscalization.common.AddressColumns;
import com.openfiskal.fiscalization.common.Addresses;
import com.openfiskal.fiscalization.common.ListQuery;
import com.openfiskal.fiscalization.register.RegisterEntity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;

/** Locations of the caller's merchant (API.md §4). */
@ApplicationScoped
public class LocationService {

    private final Caller caller;

    public LocationService(Caller caller) {
        this.caller = caller;
    }

    @WithTransaction
    public Uni<LocationEntity> create(LocationCreate in) {
        requireZone(in.getTimezone());
        if (!caller.country().equals(in.getCountryCode())) {
            throw new ApiException(
                    ErrorCode.FORBIDDEN,
                    "country_code " + in.getCountryCode() + " is outside the API key's country scope "
                            + caller.country() + ".");
        }
        caller.requireActiveMerchant();
        Addresses.requireCountry(in.getAddress(), in.getCountryCode());
        Instant now = Timestamps.now();
        LocationEntity l = new LocationEntity();
        l.id = Ids.next(Ids.LOCATION);
        l.merchantId = caller.merchantId();
        l.name = in.getName();
        l.address = Addresses.toColumns(in.getAddress());
        l.timezone = in.getTimezone();
        l.countryCode = in.getCountryCode();
        l.resourceVersion = 1;
        l.createdAt = now;
        l.updatedAt = now;
        return l.persist();
    }

    @WithSession
    public Uni<LocationEntity> get(String id) {
        return visible(id, LockModeType.NONE);
    }

    @WithSession
    public Uni<Page<LocationEntity>> list(Integer limit, String cursor) {
        return ListQuery.of(
                        limit,
                        cursor,
                        "merchantId = :merchant and deletedAt is null",
                        Parameters.with("merchant", caller.merchantId()),
                        "locations",
                        caller.merchantId())
                .page((q, p) -> LocationEntity.<LocationEntity>find(q, p), l -> l.id);
    }

    @WithTransaction
    public Uni<LocationEntity> update(String id, LocationUpdate in, String ifMatch) {
        Long expected = IfMatch.parse(ifMatch);
        if (in.getTimezone() != null) {
            requireZone(in.getTimezone());
        }
        return visible(id, LockModeType.PESSIMISTIC_WRITE).map(l -> {
            if (in.getCountryCode() != null && !in.getCountryCode().equals(l.countryCode)) {
                throw ApiException.invalid("/country_code", "country_code is immutable.");
            }
            IfMatch.check(expected, l.resourceVersion);
            caller.requireActiveMerchant();
            Addresses.requireCountry(in.getAddress(), l.countryCode);
            boolean changed = false;
            if (in.getName() != null && !in.getName().equals(l.name)) {
                l.name = in.getName();
                changed = true;
            }
            if (in.getAddress() != null) {
                AddressColumns a = Addresses.toColumns(in.getAddress());
                if (!a.sameAs(l.address)) {
                    l.address = a;
                    changed = true;
                }
            }
            if (in.getTimezone() != null && !in.getTimezone().equals(l.timezone)) {
                l.timezone = in.getTimezone();
                changed = true;
            }
            if (changed) {
                l.resourceVersion++;
                l.updatedAt = Timestamps.now();
            }
            return l;
        });
    }

    @WithTransaction
    public Uni<Void> delete(String id) {
        return visible(id, LockModeType.PESSIMISTIC_WRITE)
                .invoke(l -> caller.requireActiveMerchant())
                .call(l -> RegisterEntity.count("locationId = ?1 and deletedAt is null", l.id)
                        .invoke(count -> {
                            if (count > 0) {
                                throw new ApiException(
                                        ErrorCode.LOCATION_HAS_REGISTERS,
                                        "Registers are still attached to the location. Move or delete them first.");
                            }
                        }))
                .invoke(l -> l.deletedAt = Timestamps.now())
                .replaceWithVoid();
    }

    /** A location of the caller's merchant, or 404. */
    public Uni<LocationEntity> visible(String id, LockModeType lock) {
        return LocationEntity.<LocationEntity>findById(id, lock).map(l -> {
            if (l == null || l.deletedAt != null || !l.merchantId.equals(caller.merchantId())) {
                throw ApiException.notFound("Location");
            }
            return l;
        });
    }

    private static void requireZone(String zone) {
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiException.invalid("/timezone", "timezone must be an IANA zone name such as Europe/Berlin.");
        }
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            throw ApiException.invalid("/timezone", "timezone must be an IANA zone name such as Europe/Berlin.");
        }
    }
}
