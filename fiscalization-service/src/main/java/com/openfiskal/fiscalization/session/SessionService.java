package com.openfiskal.fiscalization.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.fiscalization.model.SessionCashAdjustmentCreate;
import com.openfiskal.contracts.fiscalization.model.SessionCashCountCreate;
import com.openfiskal.contracts.fiscalization.model.SessionCloseCreate;
import com.openfiskal.contracts.fiscalization.model.SessionOpenCreate;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.kassensichv.Money;
import com.openfiskal.contracts.kassensichv.ProcessData;
import com.openfiskal.contracts.paging.Page;
import com.openfiskal.fiscalization.common.ListQuery;
import com.openfiskal.fiscalization.common.QueryParams;
import com.openfiskal.fiscalization.operation.KassenSichVRules;
import com.openfiskal.fiscalization.operation.OperationEntity;
import com.openfiskal.fiscalization.operation.OperationEvents;
import com.openfiskal.fiscalization.operation.OperationJson;
import com.openfiskal.fiscalization.operation.OperationRequests;
import com.openfiskal.fiscalization.operation.OperationSigner;
import com.openfiskal.fiscalization.register.RegisterEntity;
import com.openfiskal.fiscalization.register.RegisterService;
import com.openfiskal.fiscalization.tse.TseSigning;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The session (shift) state machine of API.md §7: SESSION_OPEN → open → SESSION_CASH_COUNT → counted →
 * SESSION_CLOSE → closed, with cash adjustments while open. Every session event is an operation born
 * COMPLETED and signed best effort. Transitions, the binding of goods movements and the "no OPEN
 * operations" checks are serialised by the register's row lock, taken by whoever creates an operation.
 */
@ApplicationScoped
public class SessionService {

    private static final Set<String> CASH_IN = Set.of("pay_in", "transfer_in", "private_deposit");
    private static final Set<String> CASH_OUT =
            Set.of("pay_out", "drop", "private_withdrawal", "wage_payment", "tip_payout");

    private final Caller caller;
    private final RegisterService registers;
    private final OperationRequests requests;
    private final OperationJson json;
    private final OperationEvents events;
    private final SessionTotals totals;
    private final OperationSigner signer;
    private final ObjectMapper mapper;

    public SessionService(
            Caller caller,
            RegisterService registers,
            OperationRequests requests,
            OperationJson json,
            OperationEvents events,
            SessionTotals totals,
            OperationSigner signer,
            ObjectMapper mapper) {
        this.caller = caller;
        this.registers = registers;
        this.requests = requests;
        this.json = json;
        this.events = events;
        this.totals = totals;
        this.signer = signer;
        this.mapper = mapper;
    }

    /** The common input of the four session events. */
    private record Common(String source, String registerId, String currency, String note, JsonNode operator) {}

    /** The session in progress on a register (its row already locked by the caller), or null. */
    public Uni<SessionEntity> inProgress(RegisterEntity r) {
        if (r.openSessionId == null) {
            return Uni.createFrom().nullItem();
        }
        return SessionEntity.findById(r.openSessionId);
    }

    /** Rule {@code currency_mismatch}: an operation of a session is in the session's currency. */
    public static void requireCurrency(SessionEntity s, String currency) {
        if (!s.currency.equals(currency)) {
            throw ApiException.rule(
                    "currency_mismatch", "/currency", "The currency must be the session's " + s.currency + ".");
        }
    }

    public static ApiException invalidState(String message, String sessionId) {
        return new ApiException(
                ErrorCode.SESSION_INVALID_STATE, 409, message, Map.of("session_id", sessionId), Map.of());
    }

    private static ApiException amountSign(String field, String message) {
        return new ApiException(
                ErrorCode.SESSION_INVALID_STATE,
                409,
                message,
                Map.of("rule", "amount_sign_mismatch", "field", field),
                Map.of());
    }

    /** Creates a session event in the caller's transaction (OperationService.create joins it). */
    public Uni<OperationEntity> create(String type, JsonNode body) {
        return switch (type) {
            case "SESSION_OPEN" -> {
                SessionOpenCreate in = requests.bind(body, SessionOpenCreate.class);
                Common c = new Common(
                        in.getSource(), in.getRegisterId(), in.getCurrency(), in.getNote(), operator(in.getOperator()));
                yield register(c).flatMap(r -> open(r, c, new BigDecimal(in.getOpeningBalanceAmount())));
            }
            case "SESSION_CASH_ADJUSTMENT" -> {
                SessionCashAdjustmentCreate in = requests.bind(body, SessionCashAdjustmentCreate.class);
                Common c = new Common(
                        in.getSource(), in.getRegisterId(), in.getCurrency(), in.getNote(), operator(in.getOperator()));
                yield register(c)
                        .flatMap(r -> adjust(
                                r,
                                c,
                                new BigDecimal(in.getAmount()),
                                in.getKind().toString()));
            }
            case "SESSION_CASH_COUNT" -> {
                SessionCashCountCreate in = requests.bind(body, SessionCashCountCreate.class);
                Common c = new Common(
                        in.getSource(), in.getRegisterId(), in.getCurrency(), in.getNote(), operator(in.getOperator()));
                yield register(c).flatMap(r -> count(r, c, new BigDecimal(in.getCountedAmount())));
            }
            default -> {
                SessionCloseCreate in = requests.bind(body, SessionCloseCreate.class);
                Common c = new Common(
                        in.getSource(), in.getRegisterId(), in.getCurrency(), in.getNote(), operator(in.getOperator()));
                BigDecimal transfer = in.getClosingTransferAmount() == null
                        ? BigDecimal.ZERO.setScale(2)
                        : new BigDecimal(in.getClosingTransferAmount());
                yield register(c).flatMap(r -> close(r, c, transfer));
            }
        };
    }

    private JsonNode operator(Object operator) {
        return operator == null ? null : mapper.valueToTree(operator);
    }

    /** 404, then 409 conflict (inactive) and 409 register_invalid_fiscal_state. The register row is locked. */
    private Uni<RegisterEntity> register(Common c) {
        return registers.visible(c.registerId(), LockModeType.PESSIMISTIC_WRITE).map(r -> {
            caller.requireActiveMerchant();
            if (!"active".equals(r.status)) {
                throw new ApiException(ErrorCode.CONFLICT, "The register is inactive.");
            }
            if (!"fiscalized".equals(r.fiscalizationStatus)) {
                throw new ApiException(
                        ErrorCode.REGISTER_INVALID_FISCAL_STATE,
                        "Session events need a fiscalized register; this one is " + r.fiscalizationStatus + ".");
            }
            return r;
        });
    }

    /** The 422 rules common to all session events, after the state conflicts. */
    private static void common(Common c, RegisterEntity r, SessionEntity s, String amountField, BigDecimal amount) {
        if (c.source() != null && !"POS".equals(c.source().toUpperCase(Locale.ROOT))) {
            throw ApiException.rule("session_source_must_be_pos", "/source", "Session events are always POS.");
        }
        boolean kassenSichV = "KassenSichV".equals(r.regime);
        if (kassenSichV) {
            KassenSichVRules.eurOnly(c.currency());
        }
        if (s != null) {
            requireCurrency(s, c.currency());
        }
        if (kassenSichV) {
            KassenSichVRules.precision(amount, amountField);
        }
    }

    private Uni<SessionEntity> requireInProgress(RegisterEntity r) {
        return inProgress(r).map(s -> {
            if (s == null) {
                throw new ApiException(ErrorCode.REGISTER_NO_OPEN_SESSION, "The register has no session in progress.");
            }
            return s;
        });
    }

    // --- the four events --------------------------------------------------------------------------

    private Uni<OperationEntity> open(RegisterEntity r, Common c, BigDecimal opening) {
        return inProgress(r).flatMap(current -> {
            if (current != null) {
                throw invalidState("A session is already in progress on the register.", current.id);
            }
            if (opening.signum() < 0) {
                throw amountSign("/opening_balance_amount", "opening_balance_amount must not be negative.");
            }
            common(c, r, null, "/opening_balance_amount", opening);
            Instant now = Timestamps.now();
            OperationEntity o = event("SESSION_OPEN", r, c, now);
            SessionEntity s = new SessionEntity();
            s.id = Ids.next(Ids.SESSION);
            s.merchantId = r.merchantId;
            s.registerId = r.id;
            s.locationId = r.locationId;
            s.status = "open";
            s.currency = c.currency();
            s.openedAt = now;
            s.openOperationId = o.id;
            s.openingBalanceAmount = opening;
            s.createdAt = now;
            s.updatedAt = now;
            o.sessionId = s.id;
            o.amount = opening;
            r.openSessionId = s.id;
            r.resourceVersion++;
            r.updatedAt = now;
            return s.persist().flatMap(x -> o.persist()).flatMap(x -> signAndPublish(o, r, opening));
        });
    }

    private Uni<OperationEntity> adjust(RegisterEntity r, Common c, BigDecimal amount, String kind) {
        return requireInProgress(r).flatMap(s -> {
            if ("counted".equals(s.status)) {
                throw invalidState("The session is counted (frozen); only SESSION_CLOSE is accepted.", s.id);
            }
            boolean wrong = amount.signum() == 0
                    || CASH_IN.contains(kind) && amount.signum() < 0
                    || CASH_OUT.contains(kind) && amount.signum() > 0;
            if (wrong) {
                throw amountSign(
                        "/amount",
                        "amount must be non-zero, positive for pay_in, transfer_in and private_deposit, and"
                                + " negative for pay_out, drop, private_withdrawal, wage_payment and tip_payout.");
            }
            common(c, r, s, "/amount", amount);
            OperationEntity o = event("SESSION_CASH_ADJUSTMENT", r, c, Timestamps.now());
            o.sessionId = s.id;
            o.amount = amount;
            o.kind = kind;
            o.cashAmount = amount;
            return o.persist().flatMap(x -> signAndPublish(o, r, amount));
        });
    }

    private Uni<OperationEntity> count(RegisterEntity r, Common c, BigDecimal counted) {
        return requireInProgress(r).flatMap(s -> {
            if ("counted".equals(s.status)) {
                throw invalidState("The session is already counted; only SESSION_CLOSE is accepted.", s.id);
            }
            return requireNoOpenOperations(s)
                    .flatMap(x -> {
                        if (counted.signum() < 0) {
                            throw amountSign("/counted_amount", "counted_amount must not be negative.");
                        }
                        common(c, r, s, "/counted_amount", counted);
                        return cash(s);
                    })
                    .flatMap(cash -> {
                        Instant now = Timestamps.now();
                        BigDecimal expected = cash.expected(s.openingBalanceAmount);
                        OperationEntity o = event("SESSION_CASH_COUNT", r, c, now);
                        o.sessionId = s.id;
                        o.amount = counted;
                        o.countedAmount = counted;
                        o.expectedAmount = expected;
                        o.varianceAmount = counted.subtract(expected);
                        s.status = "counted";
                        s.countedAt = now;
                        s.countOperationId = o.id;
                        s.cashAdjustmentsAmount = cash.adjustments();
                        s.cashPaymentsAmount = cash.payments();
                        s.expectedAmount = expected;
                        s.countedAmount = counted;
                        s.varianceAmount = o.varianceAmount;
                        s.updatedAt = now;
                        return o.persist().flatMap(y -> signAndPublish(o, r, o.varianceAmount));
                    });
        });
    }

    private Uni<OperationEntity> close(RegisterEntity r, Common c, BigDecimal transfer) {
        return requireInProgress(r)
                .flatMap(s -> requireNoOpenOperations(s)
                        .flatMap(x -> {
                            common(c, r, s, "/closing_transfer_amount", transfer);
                            return cash(s);
                        })
                        .flatMap(cash -> {
                            boolean counted = "counted".equals(s.status);
                            BigDecimal expected = counted ? s.expectedAmount : cash.expected(s.openingBalanceAmount);
                            BigDecimal base = counted ? s.countedAmount : expected;
                            BigDecimal balance = base.add(transfer);
                            if (balance.signum() < 0) {
                                throw ApiException.rule(
                                        "closing_balance_negative",
                                        "/closing_transfer_amount",
                                        "The closing transfer would leave " + balance.toPlainString()
                                                + " in the drawer; the closing balance must not be negative.");
                            }
                            Instant now = Timestamps.now();
                            OperationEntity o = event("SESSION_CLOSE", r, c, now);
                            o.sessionId = s.id;
                            o.amount = transfer;
                            o.cashAmount = null;
                            o.closingBalanceAmount = balance;
                            o.countedAmount = counted ? s.countedAmount : null;
                            o.expectedAmount = counted ? s.expectedAmount : null;
                            o.varianceAmount = counted ? s.varianceAmount : null;
                            r.lastClosingNumber++;
                            o.closingNumber = r.lastClosingNumber;
                            if (!counted) {
                                s.expectedAmount = expected;
                                s.cashAdjustmentsAmount = cash.adjustments();
                                s.cashPaymentsAmount = cash.payments();
                            }
                            s.status = "closed";
                            s.closedAt = now;
                            s.closeOperationId = o.id;
                            s.closingTransferAmount = transfer;
                            s.closingBalanceAmount = balance;
                            s.closingNumber = o.closingNumber;
                            s.updatedAt = now;
                            r.openSessionId = null;
                            r.resourceVersion++;
                            r.updatedAt = now;
                            return o.persist()
                                    .flatMap(y -> signAndPublish(o, r, transfer))
                                    .flatMap(y -> publishClosed(s).replaceWith(o));
                        }));
    }

    /** Builds the closing totals, fixes them on the session and publishes {@code session.closed}. */
    private Uni<Void> publishClosed(SessionEntity s) {
        return OperationEntity.<OperationEntity>list("sessionId = ?1 order by id", s.id)
                .flatMap(ops -> {
                    Figures f = figures(ops);
                    ObjectNode t = f.totals();
                    Long first = f.firstTse();
                    Long last = f.lastTse();
                    s.totals = json.write(t);
                    s.firstTseTransactionNumber = first;
                    s.lastTseTransactionNumber = last;
                    ObjectNode data = mapper.createObjectNode();
                    data.set("session", closedSession(s));
                    data.set("totals", t);
                    data.put("operation_count", ops.size());
                    ops.forEach(op -> data.withArray("operation_ids").add(op.id));
                    data.put("first_tse_transaction_number", first);
                    data.put("last_tse_transaction_number", last);
                    return events.sessionClosed(s.merchantId, s.locationId, s.registerId, caller.tenantId(), data);
                });
    }

    private ObjectNode closedSession(SessionEntity s) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", s.id);
        n.put("register_id", s.registerId);
        n.put("location_id", s.locationId);
        n.put("currency", s.currency);
        n.put("closing_number", s.closingNumber);
        n.put("opened_at", Timestamps.format(s.openedAt));
        n.put("counted_at", Timestamps.format(s.countedAt));
        n.put("closed_at", Timestamps.format(s.closedAt));
        n.put("opening_balance_amount", Money.format(s.openingBalanceAmount));
        n.put("cash_adjustments_amount", Money.format(s.cashAdjustmentsAmount));
        n.put("cash_payments_amount", Money.format(s.cashPaymentsAmount));
        n.put("expected_amount", Money.format(s.expectedAmount));
        n.put("counted_amount", Money.format(s.countedAmount));
        n.put("variance_amount", Money.format(s.varianceAmount));
        n.put("closing_transfer_amount", Money.format(s.closingTransferAmount));
        n.put("closing_balance_amount", Money.format(s.closingBalanceAmount));
        return n;
    }

    private OperationEntity event(String type, RegisterEntity r, Common c, Instant now) {
        OperationEntity o = new OperationEntity();
        o.id = Ids.next(Ids.OPERATION);
        o.merchantId = r.merchantId;
        o.type = type;
        o.source = "POS";
        o.status = "COMPLETED";
        o.currency = c.currency();
        o.registerId = r.id;
        o.locationId = r.locationId;
        o.note = c.note();
        ObjectNode details = mapper.createObjectNode();
        details.set("operator", c.operator());
        o.details = json.write(details);
        o.completedAt = now;
        o.resourceVersion = 1;
        o.createdAt = now;
        o.updatedAt = now;
        return o;
    }

    /**
     * Signs the event (best effort, API.md §7.2): on failure the transition stands and {@code fiscal_error}
     * records the phase. Then {@code operation.completed} is published.
     */
    private Uni<OperationEntity> signAndPublish(OperationEntity o, RegisterEntity r, BigDecimal amount) {
        return signer.sign(o, r, ProcessData.sessionEvent(amount), "sign", null)
                .invoke(outcome -> {
                    if (outcome instanceof TseSigning.Failed f) {
                        ObjectNode error = mapper.createObjectNode();
                        error.put("phase", f.phase());
                        error.put("message", f.message());
                        error.put("occurred_at", Timestamps.format(Timestamps.now()));
                        o.fiscalError = json.write(error);
                    }
                })
                .flatMap(x -> events.operation(OperationEvents.COMPLETED, o, caller.tenantId()))
                .replaceWith(o);
    }

    // --- cash and open operations -----------------------------------------------------------------

    /** Cash movements of a session so far: Σ adjustments and Σ cash legs of its completed goods movements. */
    record Cash(BigDecimal adjustments, BigDecimal payments) {
        BigDecimal expected(BigDecimal opening) {
            return opening.add(adjustments).add(payments);
        }
    }

    Uni<Cash> cash(SessionEntity s) {
        return Panache.getSession()
                .flatMap(session -> session.createSelectionQuery("""
                select sum(case when o.type = 'SESSION_CASH_ADJUSTMENT' then o.cashAmount else 0 end),
                       sum(case when o.type <> 'SESSION_CASH_ADJUSTMENT' then o.cashAmount else 0 end)
                  from OperationEntity o
                 where o.sessionId = :session and o.status = 'COMPLETED' and o.cashAmount is not null""", Object[].class)
                        .setParameter("session", s.id)
                        .getSingleResult())
                .map(row -> new Cash(orZero(row[0]), orZero(row[1])));
    }

    private static BigDecimal orZero(Object value) {
        return value == null ? BigDecimal.ZERO : (BigDecimal) value;
    }

    /** 409 session_invalid_state with the OPEN operations that block a count or close. */
    private Uni<Void> requireNoOpenOperations(SessionEntity s) {
        return OperationEntity.openIds("sessionId", s.id)
                .invoke(open -> {
                    if (!open.isEmpty()) {
                        throw new ApiException(
                                ErrorCode.SESSION_INVALID_STATE,
                                409,
                                open.size()
                                        + " operation(s) of the session are still OPEN. Complete or void them first.",
                                Map.of("session_id", s.id, "open_operation_ids", open),
                                Map.of());
                    }
                })
                .replaceWithVoid();
    }

    // --- reading ----------------------------------------------------------------------------------

    @WithSession
    public Uni<ObjectNode> get(String id) {
        return SessionEntity.<SessionEntity>findById(id).flatMap(s -> {
            if (s == null || !s.merchantId.equals(caller.merchantId())) {
                throw ApiException.notFound("Session");
            }
            return render(s);
        });
    }

    @WithSession
    public Uni<Page<ObjectNode>> list(
            Integer limit, String cursor, String registerId, String status, String closedFrom, String closedTo) {
        Instant from = QueryParams.instant(closedFrom, "closed_from");
        Instant to = QueryParams.instant(closedTo, "closed_to");
        return ListQuery.of(
                        limit,
                        cursor,
                        "merchantId = :merchant",
                        Parameters.with("merchant", caller.merchantId()),
                        "sessions",
                        caller.merchantId(),
                        registerId,
                        status,
                        from,
                        to)
                .eq("registerId", registerId)
                .eq("status", status)
                .from("closedAt", from)
                .to("closedAt", to)
                .page((q, p) -> SessionEntity.<SessionEntity>find(q, p), s -> s.id)
                .flatMap(page -> renderAll(page.items(), 0, new java.util.ArrayList<>())
                        .map(items -> new Page<>(items, page.hasMore(), page.nextCursor())));
    }

    private Uni<List<ObjectNode>> renderAll(List<SessionEntity> rows, int i, List<ObjectNode> out) {
        if (i == rows.size()) {
            return Uni.createFrom().item(out);
        }
        return render(rows.get(i)).flatMap(n -> {
            out.add(n);
            return renderAll(rows, i + 1, out);
        });
    }

    /** The totals of a session's operations and the lowest and highest TSE transaction number signed in it. */
    private record Figures(ObjectNode totals, Long firstTse, Long lastTse) {}

    private Figures figures(List<OperationEntity> ops) {
        Long first = null;
        Long last = null;
        for (OperationEntity op : ops) {
            if (op.tseTransactionNumber != null) {
                first = first == null ? op.tseTransactionNumber : Math.min(first, op.tseTransactionNumber);
                last = last == null ? op.tseTransactionNumber : Math.max(last, op.tseTransactionNumber);
            }
        }
        return new Figures(totals.of(ops), first, last);
    }

    /** The session resource (API.md §7.6); cash figures and totals are live while the session is in progress. */
    private Uni<ObjectNode> render(SessionEntity s) {
        Uni<Cash> cash = "open".equals(s.status)
                ? cash(s)
                : Uni.createFrom().item(new Cash(s.cashAdjustmentsAmount, s.cashPaymentsAmount));
        // in progress: from the operations so far; closed: as fixed at close
        Uni<Figures> figures = s.inProgress()
                ? OperationEntity.<OperationEntity>list("sessionId = ?1 order by id", s.id)
                        .map(this::figures)
                : Uni.createFrom()
                        .item(new Figures(
                                (ObjectNode) json.parse(s.totals),
                                s.firstTseTransactionNumber,
                                s.lastTseTransactionNumber));
        return cash.flatMap(c -> figures.map(f -> {
            ObjectNode n = mapper.createObjectNode();
            n.put("id", s.id);
            n.put("merchant_id", s.merchantId);
            n.put("register_id", s.registerId);
            n.put("location_id", s.locationId);
            n.put("status", s.status);
            n.put("currency", s.currency);
            n.put("opened_at", Timestamps.format(s.openedAt));
            n.put("counted_at", Timestamps.format(s.countedAt));
            n.put("closed_at", Timestamps.format(s.closedAt));
            n.put("open_operation_id", s.openOperationId);
            n.put("count_operation_id", s.countOperationId);
            n.put("close_operation_id", s.closeOperationId);
            n.put("opening_balance_amount", Money.format(s.openingBalanceAmount));
            n.put("cash_adjustments_amount", Money.format(c.adjustments()));
            n.put("cash_payments_amount", Money.format(c.payments()));
            n.put(
                    "expected_amount",
                    Money.format("open".equals(s.status) ? c.expected(s.openingBalanceAmount) : s.expectedAmount));
            n.put("counted_amount", Money.format(s.countedAmount));
            n.put("variance_amount", Money.format(s.varianceAmount));
            n.put("closing_transfer_amount", Money.format(s.closingTransferAmount));
            n.put("closing_balance_amount", Money.format(s.closingBalanceAmount));
            n.put("closing_number", s.closingNumber);
            n.set("totals", f.totals());
            n.put("first_tse_transaction_number", f.firstTse());
            n.put("last_tse_transaction_number", f.lastTse());
            return n;
        }));
    }

    /** Closed sessions of a register with their closing numbers (internal endpoint for the export-service). */
    public Uni<List<SessionEntity>> closed(String registerId, Instant from, Instant to) {
        return SessionEntity.list(
                "registerId = ?1 and status = 'closed' and closedAt >= ?2 and closedAt <= ?3 order by closingNumber",
                registerId,
                from,
                to);
    }
}
