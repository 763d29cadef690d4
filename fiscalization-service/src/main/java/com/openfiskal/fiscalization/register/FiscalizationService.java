package com.openfiskal.fiscalization.register;

import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.events.Topics;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.location.LocationEntity;
import com.openfiskal.fiscalization.merchant.FiscalIdentities;
import com.openfiskal.fiscalization.merchant.MerchantEntity;
import com.openfiskal.fiscalization.operation.OperationEntity;
import com.openfiskal.fiscalization.tse.TseProvider;
import com.openfiskal.fiscalization.tse.TssEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Fiscalization of registers under the KassenSichV (API.md §5.2, §5.5, §5.6). Fiscalize only records the
 * request (202, {@code pending}); a worker provisions the TSS and client, so a crash never loses a pending
 * register: it is picked up again. Decommission is synchronous.
 */
@ApplicationScoped
public class FiscalizationService {

    static final String REGIME = "KassenSichV";
    private static final Logger LOG = Logger.getLogger(FiscalizationService.class);

    private final Caller caller;
    private final RegisterService registers;
    private final RegisterEvents events;
    private final FiscalIdentities identities;
    private final TseProvider tse;

    public FiscalizationService(
            Caller caller,
            RegisterService registers,
            RegisterEvents events,
            FiscalIdentities identities,
            TseProvider tse) {
        this.caller = caller;
        this.registers = registers;
        this.events = events;
        this.identities = identities;
        this.tse = tse;
    }

    @WithTransaction
    public Uni<RegisterEntity> fiscalize(String id) {
        return registers.visible(id, LockModeType.PESSIMISTIC_WRITE).flatMap(r -> {
            if (!"active".equals(r.status)) {
                throw new ApiException(ErrorCode.CONFLICT, "The register is inactive.");
            }
            caller.requireActiveMerchant();
            switch (r.fiscalizationStatus) {
                case "fiscalized", "pending" ->
                    throw new ApiException(
                            ErrorCode.REGISTER_ALREADY_FISCALIZED,
                            "The register is already " + r.fiscalizationStatus + ".");
                case "decommissioned" ->
                    throw new ApiException(
                            ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                            "A decommissioned register cannot be fiscalized again. Create a new register.");
                default -> {}
            }
            return LocationEntity.<LocationEntity>findById(r.locationId)
                    .flatMap(l -> {
                        if (!"DEU".equals(l.countryCode)) {
                            throw ApiException.rule(
                                    "fiscalization_country_unsupported",
                                    null,
                                    "Fiscalization is supported for locations in DEU only.");
                        }
                        return MerchantEntity.<MerchantEntity>findById(r.merchantId);
                    })
                    .flatMap(m -> {
                        boolean german = identities.fromJson(m.fiscalIdentities).stream()
                                .anyMatch(i -> "DEU".equals(i.countryCode()));
                        if (!german) {
                            throw ApiException.rule(
                                    ErrorCode.REGIME_VALIDATION_FAILED,
                                    "fiscal_identity_missing",
                                    null,
                                    "The merchant has no DEU fiscal identity (tax number and VAT ID).");
                        }
                        r.fiscalizationStatus = "pending";
                        r.regime = REGIME;
                        r.errorMessage = null;
                        r.errorOccurredAt = null;
                        r.resourceVersion++;
                        r.updatedAt = Timestamps.now();
                        return events.upserted(r, m.tenantId).replaceWith(r);
                    });
        });
    }

    @WithTransaction
    public Uni<RegisterEntity> decommission(String id) {
        return registers.visible(id, LockModeType.PESSIMISTIC_WRITE).flatMap(r -> {
            if (!"fiscalized".equals(r.fiscalizationStatus)) {
                throw new ApiException(
                        ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                        "Only a fiscalized register can be decommissioned; this one is " + r.fiscalizationStatus + ".");
            }
            if (r.openSessionId != null) {
                throw new ApiException(
                        ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                        409,
                        "A session is in progress on the register. Close it first.",
                        Map.of("session_id", r.openSessionId),
                        Map.of());
            }
            return OperationEntity.openIds("registerId", r.id)
                    .flatMap(open -> {
                        if (!open.isEmpty()) {
                            throw new ApiException(
                                    ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                                    409,
                                    "OPEN operations exist on the register. Complete or void them first.",
                                    Map.of("open_operation_ids", open),
                                    Map.of());
                        }
                        if (!REGIME.equals(r.regime)) {
                            throw ApiException.rule(
                                    "decommission_regime_unsupported", null, "The register is not on KassenSichV.");
                        }
                        if (r.tssId == null) {
                            throw tseClientMissing();
                        }
                        // locked where it is read: the TSE signs the deregistration under this lock and so
                        // needs no second read of the counters
                        return TssEntity.<TssEntity>findById(r.tssId, LockModeType.PESSIMISTIC_WRITE);
                    })
                    .flatMap(tss -> {
                        if (tss == null || !"INITIALIZED".equals(tss.state)) {
                            throw tseClientMissing();
                        }
                        if (tss.encryptedAdminPin == null) {
                            throw ApiException.rule(
                                    ErrorCode.REGIME_VALIDATION_FAILED,
                                    "tse_admin_pin_missing",
                                    null,
                                    "The TSS has no admin PIN to authenticate with.");
                        }
                        return tse.decommission(r.tssId, r.clientSerialNumber)
                                .onFailure(TseProvider.TseUnavailableException.class)
                                .transform(e -> new ApiException(
                                        ErrorCode.INTERNAL_ERROR,
                                        503,
                                        "The TSE is unreachable. Nothing changed; retry.",
                                        Map.of(),
                                        Map.of("Retry-After", "1")))
                                .flatMap(x -> {
                                    Instant now = Timestamps.now();
                                    r.fiscalizationStatus = "decommissioned";
                                    r.decommissionedAt = now;
                                    r.resourceVersion++;
                                    r.updatedAt = now;
                                    // the register was found among the caller's, so the caller's tenant is its tenant
                                    return events.fiscalization(r, caller.tenantId(), Topics.REGISTER_DECOMMISSIONED)
                                            .replaceWith(r);
                                });
                    });
        });
    }

    private static ApiException tseClientMissing() {
        return ApiException.rule(
                ErrorCode.REGIME_VALIDATION_FAILED,
                "tse_client_missing",
                null,
                "No active TSS or client is recorded for the register.");
    }

    /** Provisions pending registers one by one; each in its own transaction, skipping rows another worker holds. */
    @Scheduled(
            every = "${openfiskal.fiscalization.poll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> provisionPending() {
        return provisionOne()
                .flatMap(done -> done ? provisionPending() : Uni.createFrom().voidItem())
                .onFailure()
                .invoke(e -> LOG.warnf("Fiscalization worker paused: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    /** True when a pending register was handled (fiscalized or failed). */
    Uni<Boolean> provisionOne() {
        AtomicReference<String> picked = new AtomicReference<>();
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(s -> s.createNativeQuery("""
                SELECT id FROM registers WHERE fiscalization_status = 'pending' AND deleted_at IS NULL
                 ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED""", String.class).getSingleResultOrNull())
                        .flatMap(id -> {
                            if (id == null) {
                                return Uni.createFrom().item(false);
                            }
                            picked.set(id);
                            return provision(id).replaceWith(true);
                        }))
                .onFailure(e -> picked.get() != null)
                .recoverWithUni(e -> markFailed(picked.get(), e).replaceWith(true));
    }

    private Uni<Void> provision(String id) {
        return RegisterEntity.<RegisterEntity>findById(id)
                .flatMap(r -> tse.provision(r.id, r.id).flatMap(tss -> {
                    Instant now = Timestamps.now();
                    r.fiscalizationStatus = "fiscalized";
                    r.fiscalizedAt = now;
                    if (r.firstFiscalizedAt == null) {
                        r.firstFiscalizedAt = now;
                    }
                    r.decommissionedAt = null;
                    r.tssId = tss.id();
                    r.tssSerialNumber = tss.serialNumber();
                    r.clientSerialNumber = r.id;
                    r.signatureAlgorithm = tss.signatureAlgorithm();
                    r.publicKey = tss.publicKey();
                    r.timeFormat = tss.timeFormat();
                    r.certificate = Base64.getEncoder().encodeToString(tss.certificate());
                    r.errorMessage = null;
                    r.errorOccurredAt = null;
                    r.resourceVersion++;
                    r.updatedAt = now;
                    return MerchantEntity.<MerchantEntity>findById(r.merchantId)
                            .flatMap(m -> events.fiscalization(r, m.tenantId, Topics.REGISTER_FISCALIZED));
                }));
    }

    /** The provisioning transaction rolled back: record the failure, so the client can fiscalize again. */
    private Uni<Void> markFailed(String id, Throwable cause) {
        LOG.warnf("Fiscalization of %s failed: %s", id, cause.getMessage());
        return Panache.withTransaction(() -> RegisterEntity.<RegisterEntity>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .flatMap(r -> {
                    if (r == null || !"pending".equals(r.fiscalizationStatus)) {
                        return Uni.createFrom().voidItem();
                    }
                    Instant now = Timestamps.now();
                    r.fiscalizationStatus = "failed";
                    r.errorMessage = cause instanceof TseProvider.TseUnavailableException
                            ? cause.getMessage()
                            : "The TSE could not be provisioned.";
                    r.errorOccurredAt = now;
                    r.resourceVersion++;
                    r.updatedAt = now;
                    return MerchantEntity.<MerchantEntity>findById(r.merchantId)
                            .flatMap(m -> events.upserted(r, m.tenantId));
                }));
    }
}
