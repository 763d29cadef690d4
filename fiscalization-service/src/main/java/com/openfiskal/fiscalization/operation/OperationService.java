package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.fiscalization.model.CartDiscountInput;
import com.openfiskal.contracts.fiscalization.model.GoodsMovementCreate;
import com.openfiskal.contracts.fiscalization.model.LineItemInput;
import com.openfiskal.contracts.fiscalization.model.OperationComplete;
import com.openfiskal.contracts.fiscalization.model.OperationVoid;
import com.openfiskal.contracts.fiscalization.model.PaymentInput;
import com.openfiskal.contracts.fiscalization.model.TaxInput;
import com.openfiskal.contracts.http.IfMatch;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.kassensichv.ProcessData;
import com.openfiskal.contracts.paging.Page;
import com.openfiskal.fiscalization.common.ListQuery;
import com.openfiskal.fiscalization.common.QueryParams;
import com.openfiskal.fiscalization.register.RegisterEntity;
import com.openfiskal.fiscalization.register.RegisterEvents;
import com.openfiskal.fiscalization.register.RegisterService;
import com.openfiskal.fiscalization.session.SessionEntity;
import com.openfiskal.fiscalization.session.SessionService;
import com.openfiskal.fiscalization.tse.TseSigning;
import com.openfiskal.fiscalization.tse.TssEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Goods movements (API.md §6): create (OPEN), complete (payments and the TSE signature), void (an
 * AVBelegabbruch), and reading. Session events are created here too and handed to {@link SessionService}.
 *
 * <p>A TSE signing failure is an answer, not an error of the transaction: the attempt is audited, a started
 * transaction is recorded on the operation, and the 422 is committed together with its idempotency record.
 * That is why complete and void return an {@link Attempt} instead of throwing.
 */
@ApplicationScoped
public class OperationService {

    static final String KASSENSICHV = "KassenSichV";
    private static final Set<String> STATUSES = Set.of("OPEN", "COMPLETED", "VOIDED");
    private static final Set<String> SOURCES = Set.of("POS", "ONLINE");

    /**
     * The operation after complete or void with its representation (the one its event carries, so that it
     * is built once), or the refusal that is answered and stored instead.
     */
    public record Attempt(OperationEntity operation, ObjectNode rendered, ApiException refused) {

        static Attempt done(OperationEntity o, ObjectNode rendered) {
            return new Attempt(o, rendered, null);
        }

        static Attempt refused(OperationEntity o, ApiException refused) {
            return new Attempt(o, null, refused);
        }
    }

    private final Caller caller;
    private final RegisterService registers;
    private final RegisterEvents registerEvents;
    private final SessionService sessions;
    private final OperationRequests requests;
    private final OperationJson json;
    private final OperationEvents events;
    private final OperationSigner signer;
    private final ObjectMapper mapper;
    private final OperationMetrics metrics;

    public OperationService(
            Caller caller,
            RegisterService registers,
            RegisterEvents registerEvents,
            SessionService sessions,
            OperationRequests requests,
            OperationJson json,
            OperationEvents events,
            OperationSigner signer,
            ObjectMapper mapper,
            OperationMetrics metrics) {
        this.caller = caller;
        this.registers = registers;
        this.registerEvents = registerEvents;
        this.sessions = sessions;
        this.requests = requests;
        this.json = json;
        this.events = events;
        this.signer = signer;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    // --- create -----------------------------------------------------------------------------------

    /** A goods movement's create as far as it is checked before anything is read. */
    record Goods(String type, String source, boolean pos, GoodsMovementCreate in) {}

    @WithTransaction
    public Uni<OperationEntity> create(JsonNode body) {
        Goods g = goods(body);
        if (g == null) {
            return sessions.create(requests.type(body), body);
        }
        Uni<RegisterEntity> register = g.pos()
                ? registers.visible(g.in().getRegisterId(), LockModeType.PESSIMISTIC_WRITE)
                : Uni.createFrom().nullItem();
        return register.flatMap(r -> related(g.in()).flatMap(rel -> {
            Uni<SessionEntity> session = r == null ? Uni.createFrom().nullItem() : sessions.inProgress(r);
            return session.flatMap(s -> {
                OperationEntity o = goodsMovement(g, r, rel, s, caller.merchantId(), caller::requireActiveMerchant);
                return o.persist().replaceWith(o);
            });
        }));
    }

    /**
     * The body of a goods movement checked as far as it can be without reading anything (the type, the
     * schema, the source, the type's shape rules), or null for a session event.
     */
    Goods goods(JsonNode body) {
        String type = requests.type(body);
        if (!OperationRequests.GOODS.contains(type)) {
            return null;
        }
        GoodsMovementCreate in = requests.bind(body, GoodsMovementCreate.class);
        String source = in.getSource().toUpperCase(Locale.ROOT);
        if (!SOURCES.contains(source)) {
            throw ApiException.invalid("/source", "source must be POS or ONLINE.");
        }
        boolean pos = "POS".equals(source);
        GoodsMovementRules.shape(type, pos, in);
        return new Goods(type, source, pos, in);
    }

    /**
     * The rest of the create's rules, on what was read — the register (visible, locked), the related
     * operation and the register's session in progress — and the new operation, not yet stored.
     * {@code activeMerchant} throws when the caller's merchant is inactive.
     */
    OperationEntity goodsMovement(
            Goods g,
            RegisterEntity r,
            OperationEntity rel,
            SessionEntity s,
            String merchantId,
            Runnable activeMerchant) {
        GoodsMovementCreate in = g.in();
        if (rel != null
                && (!Set.of("SALE", "EXCHANGE").contains(rel.type)
                        || !"COMPLETED".equals(rel.status)
                        || !rel.currency.equals(in.getCurrency()))) {
            throw ApiException.rule(
                    "related_operation_invalid",
                    "/related_operation_id",
                    "The related operation must be a COMPLETED SALE or EXCHANGE in the same currency.");
        }
        activeMerchant.run();
        if (r != null && !"active".equals(r.status)) {
            throw new ApiException(ErrorCode.CONFLICT, "The register is inactive.");
        }
        if (r != null) {
            if (s == null) {
                throw new ApiException(ErrorCode.REGISTER_NO_OPEN_SESSION, "The register has no session in progress.");
            }
            if ("counted".equals(s.status)) {
                throw SessionService.invalidState(
                        "The session is counted (frozen); only SESSION_CLOSE is accepted.", s.id);
            }
            if (in.getSessionId() != null && !in.getSessionId().equals(s.id)) {
                throw SessionService.invalidState("session_id is not the session in progress on the register.", s.id);
            }
        }
        boolean kassenSichV = r != null && KASSENSICHV.equals(r.regime);
        GoodsMovementRules.amounts(g.type(), kassenSichV, in);
        if (s != null) {
            SessionService.requireCurrency(s, in.getCurrency());
        }
        if (kassenSichV) {
            GoodsMovementRules.regime(in, in.getCurrency());
        }
        return newGoods(g.type(), g.source(), in, r, s, merchantId);
    }

    private Uni<OperationEntity> related(GoodsMovementCreate in) {
        if (in.getRelatedOperationId() == null) {
            return Uni.createFrom().nullItem();
        }
        if (!Ids.isValid(Ids.OPERATION, in.getRelatedOperationId())) {
            throw ApiException.notFound("Related operation");
        }
        return visible(in.getRelatedOperationId(), LockModeType.NONE, "Related operation");
    }

    private OperationEntity newGoods(
            String type, String source, GoodsMovementCreate in, RegisterEntity r, SessionEntity s, String merchantId) {
        Instant now = Timestamps.now();
        OperationEntity o = new OperationEntity();
        o.id = Ids.next(Ids.OPERATION);
        o.merchantId = merchantId;
        o.type = type;
        o.source = source;
        o.status = "OPEN";
        o.currency = in.getCurrency();
        o.registerId = r == null ? null : r.id;
        o.locationId = r == null ? null : r.locationId;
        o.sessionId = s == null ? null : s.id;
        o.externalId = in.getExternalId();
        o.note = in.getNote();
        o.relatedOperationId = in.getRelatedOperationId();
        o.pretaxAmount = new BigDecimal(in.getPretaxAmount());
        o.taxAmount = new BigDecimal(in.getTaxAmount());
        o.tipAmount = in.getTipAmount() == null ? BigDecimal.ZERO : new BigDecimal(in.getTipAmount());
        o.totalAmount = new BigDecimal(in.getTotalAmount());
        o.details = json.write(goodsDetails(in));
        o.resourceVersion = 1;
        o.createdAt = now;
        o.updatedAt = now;
        return o;
    }

    private ObjectNode goodsDetails(GoodsMovementCreate in) {
        ObjectNode d = mapper.createObjectNode();
        ArrayNode lines = d.putArray("line_items");
        if (in.getLineItems() != null) {
            for (LineItemInput l : in.getLineItems()) {
                ObjectNode n = lines.addObject();
                n.put("id", Ids.next("li_"));
                n.put("title", l.getTitle());
                n.put("quantity", l.getQuantity());
                n.put("unit_price", l.getUnitPrice());
                n.put("total_amount", l.getTotalAmount());
                n.put("type", l.getType() == null ? null : l.getType().toString());
                n.put("article_number", l.getArticleNumber());
                n.put("gtin", l.getGtin());
                ArrayNode taxes = n.putArray("taxes");
                if (l.getTaxes() != null) {
                    for (TaxInput t : l.getTaxes()) {
                        taxes.addObject()
                                .put("id", Ids.next("tax_"))
                                .put("name", t.getName())
                                .put("rate", t.getRate())
                                .put("tax_amount", t.getTaxAmount());
                    }
                }
            }
        }
        ArrayNode discounts = d.putArray("cart_level_discounts");
        if (in.getCartLevelDiscounts() != null) {
            for (CartDiscountInput c : in.getCartLevelDiscounts()) {
                discounts
                        .addObject()
                        .put("id", Ids.next("disc_"))
                        .put("description", c.getDescription())
                        .put("amount", c.getAmount());
            }
        }
        d.putArray("payments");
        d.set("external_related_operation", mapper.valueToTree(in.getExternalRelatedOperation()));
        d.set("operator", mapper.valueToTree(in.getOperator()));
        return d;
    }

    // --- complete ---------------------------------------------------------------------------------

    @WithTransaction
    public Uni<Attempt> complete(String id, OperationComplete body, String ifMatch) {
        long expected = IfMatch.required(ifMatch);
        List<PaymentInput> payments = body.getPayments();
        List<String> processedAt = processedAt(payments);
        return changeable(id, expected).flatMap(o -> {
            ObjectNode details = json.details(o);
            Uni<RegisterEntity> register = o.isPos()
                    ? RegisterEntity.<RegisterEntity>findById(o.registerId)
                    : Uni.createFrom().nullItem();
            return register.flatMap(r -> {
                boolean kassenSichV = r != null && KASSENSICHV.equals(r.regime);
                GoodsMovementRules.payments(o, details.path("line_items").size() > 0, payments, kassenSichV);
                ArrayNode legs = paymentLegs(payments, processedAt);
                if (r == null) {
                    return finishComplete(o, details, legs).map(rendered -> Attempt.done(o, rendered));
                }
                requireFiscalized(r);
                return requireTse(r).flatMap(missing -> {
                    if (missing != null) {
                        return Uni.createFrom().item(Attempt.refused(o, missing));
                    }
                    String processData = ProcessData.receipt(lines(details), o.tipAmount, legsOf(legs));
                    return signer.sign(o, r, processData, "complete", null)
                            .flatMap(outcome -> outcome instanceof TseSigning.Signed
                                    ? finishComplete(o, details, legs).map(rendered -> Attempt.done(o, rendered))
                                    : Uni.createFrom()
                                            .item(Attempt.refused(o, refusal(o, (TseSigning.Failed) outcome))));
                });
            });
        });
    }

    private Uni<ObjectNode> finishComplete(OperationEntity o, ObjectNode details, ArrayNode legs) {
        completed(o, details, legs);
        return events.operation(OperationEvents.COMPLETED, o, caller.tenantId());
    }

    /** The operation completed with these payment legs, in memory. */
    void completed(OperationEntity o, ObjectNode details, ArrayNode legs) {
        Instant now = Timestamps.now();
        details.set("payments", legs);
        o.details = json.write(details);
        o.status = "COMPLETED";
        o.completedAt = now;
        o.updatedAt = now;
        o.resourceVersion++;
        BigDecimal cash = BigDecimal.ZERO;
        for (JsonNode leg : legs) {
            if ("cash".equals(leg.path("method").asText())) {
                cash = cash.add(new BigDecimal(leg.path("amount").asText()));
            }
        }
        o.cashAmount = cash;
    }

    // --- void -------------------------------------------------------------------------------------

    @WithTransaction
    public Uni<Attempt> voidOperation(String id, OperationVoid body, String ifMatch) {
        long expected = IfMatch.required(ifMatch);
        return changeable(id, expected).flatMap(o -> {
            if (!o.isPos()) {
                return finishVoid(o, body, false).map(rendered -> Attempt.done(o, rendered));
            }
            return RegisterEntity.<RegisterEntity>findById(o.registerId).flatMap(r -> {
                requireFiscalized(r);
                return requireTse(r).flatMap(missing -> {
                    if (missing != null) {
                        return Uni.createFrom().item(Attempt.refused(o, missing));
                    }
                    ObjectNode details = json.details(o);
                    String processData = ProcessData.abort(lines(details), o.tipAmount);
                    return signer.sign(o, r, processData, "void", body.getNote())
                            .flatMap(outcome -> outcome instanceof TseSigning.Signed
                                    ? finishVoid(o, body, true).map(rendered -> Attempt.done(o, rendered))
                                    : Uni.createFrom()
                                            .item(Attempt.refused(o, refusal(o, (TseSigning.Failed) outcome))));
                });
            });
        });
    }

    /** {@code signed}: the abort was signed, and that attempt (with the void note) is already audited. */
    private Uni<ObjectNode> finishVoid(OperationEntity o, OperationVoid body, boolean signed) {
        Instant now = Timestamps.now();
        o.status = "VOIDED";
        o.voidReason = body.getReason().toString();
        o.voidedAt = now;
        o.updatedAt = now;
        o.resourceVersion++;
        Uni<Void> audit = signed
                ? Uni.createFrom().voidItem()
                : OperationAuditEntity.record(o.id, "void", "voided", null, null, body.getNote());
        return audit.flatMap(x -> events.operation(OperationEvents.VOIDED, o, caller.tenantId()));
    }

    // --- signing shared by complete and void ------------------------------------------------------

    private ApiException refusal(OperationEntity o, TseSigning.Failed f) {
        metrics.outcome(o, "tse_failed_phase_" + f.phase());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", f.phase() == 1 ? "tse_signing_failed_phase_1" : "tse_signing_failed_phase_2");
        details.put("phase", f.phase());
        if (f.phase() == 2) {
            details.put("tse_transaction_number", f.startedTransaction());
        }
        String message = f.phase() == 1
                ? "The TSE could not start the transaction; nothing was signed. Retry with a new Idempotency-Key. ("
                        + f.message() + ")"
                : "The TSE started transaction " + f.startedTransaction()
                        + " but did not finish it. Retry with a new Idempotency-Key to finish it, or void. ("
                        + f.message() + ")";
        return new ApiException(ErrorCode.REGIME_VALIDATION_FAILED, 422, message, details, Map.of());
    }

    static void requireFiscalized(RegisterEntity r) {
        if (!"fiscalized".equals(r.fiscalizationStatus)) {
            throw new ApiException(
                    ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                    "The register is " + r.fiscalizationStatus + ", not fiscalized; it cannot sign.");
        }
    }

    /**
     * Rule {@code tse_client_missing}: the register's TSS or client is gone. The register becomes
     * {@code failed} (API.md §5.2) and that change commits with the 422.
     */
    private Uni<ApiException> requireTse(RegisterEntity r) {
        // locked here, where it is read first: the TSE signs under this lock and needs no second read
        Uni<TssEntity> tss = r.tssId == null
                ? Uni.createFrom().nullItem()
                : TssEntity.findById(r.tssId, LockModeType.PESSIMISTIC_WRITE);
        return tss.flatMap(t -> {
            if (t != null && "INITIALIZED".equals(t.state)) {
                return Uni.createFrom().nullItem();
            }
            Instant now = Timestamps.now();
            r.fiscalizationStatus = "failed";
            r.errorMessage = "The register's TSS or client no longer exists or is disabled. Fiscalize it again.";
            r.errorOccurredAt = now;
            r.resourceVersion++;
            r.updatedAt = now;
            return registerEvents
                    .upserted(r, caller.tenantId())
                    .replaceWith(ApiException.rule(
                            ErrorCode.REGIME_VALIDATION_FAILED,
                            "tse_client_missing",
                            null,
                            "The register has no active TSS or client; it is now failed. Fiscalize it again."));
        });
    }

    /**
     * The operation locked for a change: 404, 412 and 409 in that order. A POS operation's register, merchant
     * and location are then read in one statement: complete and void need all three (the register to sign,
     * all for the event's issuer), and the later finds get them from the session. (Not in the locking
     * statement: Hibernate would lock every entity it returns, each in a statement of its own.)
     */
    private Uni<OperationEntity> changeable(String id, long expected) {
        return visible(id, LockModeType.PESSIMISTIC_WRITE, "Operation")
                .invoke(o -> requireChangeable(o, expected))
                .call(o -> o.registerId == null
                        ? Uni.createFrom().voidItem()
                        : Panache.getSession()
                                .flatMap(s -> s.createSelectionQuery(
                                                "select r, m, l from RegisterEntity r, MerchantEntity m, LocationEntity l where r.id = ?1 and m.id = ?2 and l.id = ?3",
                                                Object[].class)
                                        .setParameter(1, o.registerId)
                                        .setParameter(2, o.merchantId)
                                        .setParameter(3, o.locationId)
                                        .getSingleResult()));
    }

    /** 412 when {@code If-Match} names another version, 409 when the operation is not OPEN. */
    static void requireChangeable(OperationEntity o, long expected) {
        IfMatch.check(expected, o.resourceVersion);
        if (!"OPEN".equals(o.status)) {
            throw new ApiException(
                    ErrorCode.OPERATION_INVALID_STATE,
                    o.isSessionEvent()
                            ? "Session events are born COMPLETED; they cannot be completed or voided."
                            : "The operation is " + o.status + ", not OPEN.");
        }
    }

    // --- payments ---------------------------------------------------------------------------------

    /** processed_at of each payment normalised to UTC milliseconds; 400 when it is not RFC 3339. */
    static List<String> processedAt(List<PaymentInput> payments) {
        List<String> out = new ArrayList<>(payments.size());
        for (int i = 0; i < payments.size(); i++) {
            String raw = payments.get(i).getProcessedAt();
            if (raw == null) {
                out.add(null);
                continue;
            }
            int index = i;
            out.add(Timestamps.parse(raw)
                    .map(Timestamps::format)
                    .orElseThrow(() -> ApiException.invalid(
                            "/payments/" + index + "/processed_at", "processed_at must be an RFC 3339 date-time.")));
        }
        return out;
    }

    ArrayNode paymentLegs(List<PaymentInput> payments, List<String> processedAt) {
        ArrayNode legs = mapper.createArrayNode();
        for (int i = 0; i < payments.size(); i++) {
            PaymentInput p = payments.get(i);
            legs.addObject()
                    .put("id", Ids.next("pay_"))
                    .put("payment_id", p.getPaymentId())
                    .put("method", p.getMethod().toString())
                    .put("status", p.getStatus().toString())
                    .put("amount", p.getAmount())
                    .put("currency", p.getCurrency())
                    .put("processor", p.getProcessor())
                    .put("processor_reference", p.getProcessorReference())
                    .put("card_brand", p.getCardBrand())
                    .put("processed_at", processedAt.get(i))
                    .put("gift_card_id", p.getGiftCardId());
        }
        return legs;
    }

    static List<ProcessData.Line> lines(ObjectNode details) {
        List<ProcessData.Line> lines = new ArrayList<>();
        for (JsonNode l : details.path("line_items")) {
            JsonNode taxes = l.path("taxes");
            BigDecimal rate = taxes.size() == 0
                    ? null
                    : new BigDecimal(taxes.get(0).path("rate").asText());
            lines.add(new ProcessData.Line(
                    new BigDecimal(l.path("total_amount").asText()),
                    rate,
                    "gift_card".equals(l.path("type").asText())));
        }
        return lines;
    }

    static List<ProcessData.Leg> legsOf(ArrayNode legs) {
        List<ProcessData.Leg> out = new ArrayList<>();
        for (JsonNode leg : legs) {
            out.add(new ProcessData.Leg(
                    leg.path("method").asText(),
                    new BigDecimal(leg.path("amount").asText())));
        }
        return out;
    }

    // --- reading ----------------------------------------------------------------------------------

    @WithSession
    public Uni<OperationEntity> get(String id) {
        return visible(id, LockModeType.NONE, "Operation");
    }

    @WithSession
    public Uni<Page<OperationEntity>> list(
            Integer limit,
            String cursor,
            String registerId,
            String sessionId,
            String type,
            String status,
            String source,
            String externalId,
            String createdFrom,
            String createdTo) {
        String t = QueryParams.upper(type, "type", OperationRequests.ALL);
        String st = QueryParams.upper(status, "status", STATUSES);
        String so = QueryParams.upper(source, "source", SOURCES);
        Instant from = QueryParams.instant(createdFrom, "created_from");
        Instant to = QueryParams.instant(createdTo, "created_to");
        return ListQuery.of(
                        limit,
                        cursor,
                        "merchantId = :merchant",
                        Parameters.with("merchant", caller.merchantId()),
                        "operations",
                        caller.merchantId(),
                        registerId,
                        sessionId,
                        t,
                        st,
                        so,
                        externalId,
                        from,
                        to)
                .eq("registerId", registerId)
                .eq("sessionId", sessionId)
                .eq("type", t)
                .eq("status", st)
                .eq("source", so)
                .eq("externalId", externalId)
                .from("createdAt", from)
                .to("createdAt", to)
                .page((q, p) -> OperationEntity.<OperationEntity>find(q, p), o -> o.id);
    }

    /** An operation of the caller's merchant, or 404. */
    Uni<OperationEntity> visible(String id, LockModeType lock, String what) {
        return OperationEntity.<OperationEntity>findById(id, lock).map(o -> {
            if (o == null || !o.merchantId.equals(caller.merchantId())) {
                throw ApiException.notFound(what);
            }
            return o;
        });
    }
}
