package com.openfiskal.fiscalization.register;

import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.fiscalization.model.RegisterCreate;
import com.openfiskal.contracts.fiscalization.model.RegisterUpdate;
import com.openfiskal.contracts.http.IfMatch;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.paging.Page;
import com.openfiskal.fiscalization.common.ListQuery;
import com.openfiskal.fiscalization.location.LocationService;
import com.openfiskal.fiscalization.operation.OperationEntity;
import com.openfiskal.fiscalization.session.SessionService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Registers of the caller's merchant (API.md §5); fiscalization itself lives with the TSE. */
@ApplicationScoped
public class RegisterService {

    /** States in which a register may move to another location. */
    private static final Set<String> MOVABLE = Set.of("not_fiscalized", "failed");
    /** States in which a register cannot be deleted (decommission first). */
    private static final Set<String> UNDELETABLE = Set.of("pending", "fiscalized");

    private final Caller caller;
    private final LocationService locations;
    private final RegisterEvents events;

    public RegisterService(Caller caller, LocationService locations, RegisterEvents events) {
        this.caller = caller;
        this.locations = locations;
        this.events = events;
    }

    @WithTransaction
    public Uni<RegisterEntity> create(RegisterCreate in) {
        return locations.visible(in.getLocationId(), LockModeType.NONE).flatMap(l -> {
            caller.requireActiveMerchant();
            Instant now = Timestamps.now();
            RegisterEntity r = new RegisterEntity();
            r.id = Ids.next(Ids.REGISTER);
            r.merchantId = caller.merchantId();
            r.locationId = l.id;
            r.name = in.getName();
            r.externalId = in.getExternalId();
            r.status = "active";
            r.fiscalizationStatus = "not_fiscalized";
            r.resourceVersion = 1;
            r.createdAt = now;
            r.updatedAt = now;
            return r.<RegisterEntity>persist().call(() -> publish(r));
        });
    }

    @WithSession
    public Uni<RegisterEntity> get(String id) {
        return visible(id, LockModeType.NONE);
    }

    @WithSession
    public Uni<Page<RegisterEntity>> list(
            Integer limit, String cursor, String locationId, String status, String fiscalizationStatus) {
        return ListQuery.of(
                        limit,
                        cursor,
                        "merchantId = :merchant and deletedAt is null",
                        Parameters.with("merchant", caller.merchantId()),
                        "registers",
                        caller.merchantId(),
                        locationId,
                        status,
                        fiscalizationStatus)
                .eq("locationId", locationId)
                .eq("status", status)
                .eq("fiscalizationStatus", fiscalizationStatus)
                .page((q, p) -> RegisterEntity.<RegisterEntity>find(q, p), r -> r.id);
    }

    @WithTransaction
    public Uni<RegisterEntity> update(String id, RegisterUpdate in, String ifMatch) {
        Long expected = IfMatch.parse(ifMatch);
        return visible(id, LockModeType.PESSIMISTIC_WRITE)
                .call(r -> in.getLocationId() == null || in.getLocationId().equals(r.locationId)
                        ? Uni.createFrom().voidItem()
                        : locations
                                .visible(in.getLocationId(), LockModeType.NONE)
                                .replaceWithVoid())
                .map(r -> {
                    IfMatch.check(expected, r.resourceVersion);
                    caller.requireActiveMerchant();
                    boolean moves =
                            in.getLocationId() != null && !in.getLocationId().equals(r.locationId);
                    if (moves && !MOVABLE.contains(r.fiscalizationStatus)) {
                        throw new ApiException(
                                ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                                "A register that is " + r.fiscalizationStatus + " cannot move to another location.");
                    }
                    String newStatus =
                            in.getStatus() == null ? r.status : in.getStatus().toString();
                    if ("inactive".equals(newStatus) && !"inactive".equals(r.status) && r.openSessionId != null) {
                        throw SessionService.invalidState(
                                "A session is in progress on the register. Close it first.", r.openSessionId);
                    }
                    boolean changed = false;
                    if (moves) {
                        r.locationId = in.getLocationId();
                        changed = true;
                    }
                    if (in.getName() != null && !in.getName().equals(r.name)) {
                        r.name = in.getName();
                        changed = true;
                    }
                    if (in.getExternalId() != null && !in.getExternalId().equals(r.externalId)) {
                        r.externalId = in.getExternalId();
                        changed = true;
                    }
                    if (!Objects.equals(newStatus, r.status)) {
                        r.status = newStatus;
                        changed = true;
                    }
                    if (changed) {
                        r.resourceVersion++;
                        r.updatedAt = Timestamps.now();
                    }
                    return Map.entry(r, changed);
                })
                .call(e -> e.getValue() ? publish(e.getKey()) : Uni.createFrom().voidItem())
                .map(Map.Entry::getKey);
    }

    @WithTransaction
    public Uni<Void> delete(String id) {
        return visible(id, LockModeType.PESSIMISTIC_WRITE)
                .invoke(r -> {
                    caller.requireActiveMerchant();
                    if (UNDELETABLE.contains(r.fiscalizationStatus)) {
                        throw new ApiException(
                                ErrorCode.REGISTER_HAS_DEPENDENCIES,
                                "A register that is " + r.fiscalizationStatus
                                        + " cannot be deleted. Decommission it first.");
                    }
                })
                .call(r -> OperationEntity.count("registerId", r.id).invoke(n -> {
                    if (n > 0) {
                        throw new ApiException(
                                ErrorCode.REGISTER_HAS_DEPENDENCIES,
                                "Operations exist on the register; it stays for the fiscal record and cannot be deleted.");
                    }
                }))
                .call(r -> {
                    r.deletedAt = Timestamps.now();
                    return publish(r);
                })
                .replaceWithVoid();
    }

    /** A register of the caller's merchant, or 404. */
    public Uni<RegisterEntity> visible(String id, LockModeType lock) {
        return RegisterEntity.<RegisterEntity>findById(id, lock).map(r -> visible(r, caller.merchantId()));
    }

    /** {@code r} when it exists for merchant {@code merchantId}, else 404. */
    public static RegisterEntity visible(RegisterEntity r, String merchantId) {
        if (r == null || r.deletedAt != null || !r.merchantId.equals(merchantId)) {
            throw ApiException.notFound("Register");
        }
        return r;
    }

    private Uni<Void> publish(RegisterEntity r) {
        return events.upserted(r, caller.tenantId());
    }
}
