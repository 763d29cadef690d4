package com.openfiskal.fiscalization.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorResponses;
import com.openfiskal.contracts.fiscalization.model.OperationComplete;
import com.openfiskal.contracts.fiscalization.model.PaymentInput;
import com.openfiskal.contracts.http.IfMatch;
import com.openfiskal.contracts.http.RequestIds;
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.kassensichv.ProcessData;
import com.openfiskal.contracts.tracing.Tracing;
import com.openfiskal.fiscalization.common.AddressColumns;
import com.openfiskal.fiscalization.common.Responses;
import com.openfiskal.fiscalization.location.LocationEntity;
import com.openfiskal.fiscalization.merchant.MerchantEntity;
import com.openfiskal.fiscalization.outbox.Outbox;
import com.openfiskal.fiscalization.outbox.OutboxEventEntity;
import com.openfiskal.fiscalization.register.RegisterEntity;
import com.openfiskal.fiscalization.tse.TseLogEntity;
import com.openfiskal.fiscalization.tse.TseProvider;
import com.openfiskal.fiscalization.tse.TseSigning;
import com.openfiskal.fiscalization.tse.TssEntity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Group commit of completes (API.md §6.6): the completes of POS goods movements that arrive while earlier
 * ones are being written are written together, in one database transaction of four round trips — begin;
 * claim the idempotency keys, lock the operations and their TSSs; insert and update everything; commit —
 * instead of a transaction of about fifteen round trips each. A sale's database work is mostly the cost of
 * a round trip and of a commit, not of its statements (docs/performance.md, session 10), so a group costs
 * the database little more than one complete. Nothing waits for a group to fill: a complete that finds a
 * writer free is written at once, alone; only under load do groups form, from the completes that queued
 * while the writers were busy.
 *
 * <p>Each member is decided in memory between the reads and the writes, exactly as {@link
 * OperationService#complete} decides it: 404, 412, 409, the payment rules and the register's fiscal state
 * answer that member alone, and nothing of it is written (a 422 is stored under its key, as {@link
 * Idempotency#run} stores it). Locks are taken in one order — keys, operations by id, TSSs by id — the order
 * of the one-by-one path, so that groups and single requests cannot wait for each other in a circle.
 *
 * <p>What is not the common case is left to {@link OperationService#complete}, which handles every case:
 * an ONLINE operation, a TSE that does not sign in this process or has a fault injected, a phase-2
 * transaction to finish, a missing TSS, a key already taken (a duplicate waits there and is replayed), and
 * any member of a group whose transaction failed. Such a member's claim is given back in the group's
 * transaction and the member runs alone afterwards, on its request's context.
 */
@ApplicationScoped
public class CompleteGroups {

    private static final Logger LOG = Logger.getLogger(CompleteGroups.class);

    @ConfigMapping(prefix = "openfiskal.complete-groups")
    public interface Config {
        /**
         * Groups written at the same time (each on a connection of its own); 0 writes every complete alone
         * through the one-by-one path. Env: OPENFISKAL_COMPLETE_GROUPS_WRITERS.
         */
        @WithDefault("2")
        int writers();

        /** The most completes in one group. Env: OPENFISKAL_COMPLETE_GROUPS_MAX_SIZE. */
        @WithDefault("32")
        int maxSize();
    }

    /**
     * One complete waiting for its group, with what its request's context knew, and where its answer goes
     * ({@code answer} takes {@link #ALONE} too).
     */
    private record Member(
            String id,
            long expected,
            List<PaymentInput> payments,
            List<String> processedAt,
            Idempotency.Claim claim,
            String tenantId,
            String merchantId,
            String requestId,
            String traceparent,
            UniEmitter<? super Response> answer) {}

    /** What the group's reads found for an operation: the operation locked, with its issuer. */
    private record Found(
            OperationEntity operation, RegisterEntity register, MerchantEntity merchant, LocationEntity location) {}

    /** A member's answer that sends it to the one-by-one path (a null item: also what a failed group gives). */
    private static final Response ALONE = null;

    private final Pool pool;
    private final Config config;
    private final Caller caller;
    private final Idempotency idempotency;
    private final OperationService operations;
    private final OperationJson json;
    private final OperationSigner signer;
    private final OperationEvents events;
    private final TseSigning signing;
    private final TseProvider tse;
    private final Outbox outbox;
    private final OperationMetrics metrics;
    private final ConcurrentLinkedQueue<Member> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writing = new AtomicInteger();
    private final DistributionSummary sizes;
    private final Counter alone;

    public CompleteGroups(
            Pool pool,
            Config config,
            Caller caller,
            Idempotency idempotency,
            OperationService operations,
            OperationJson json,
            OperationSigner signer,
            OperationEvents events,
            TseSigning signing,
            TseProvider tse,
            Outbox outbox,
            OperationMetrics metrics,
            MeterRegistry registry) {
        this.pool = pool;
        this.config = config;
        this.caller = caller;
        this.idempotency = idempotency;
        this.operations = operations;
        this.json = json;
        this.signer = signer;
        this.events = events;
        this.signing = signing;
        this.tse = tse;
        this.outbox = outbox;
        this.metrics = metrics;
        this.sizes = DistributionSummary.builder("openfiskal.complete.groups.size")
                .description("Completes per group transaction (API.md §6.6); a group of 1 is a complete written alone")
                .register(registry);
        this.alone = Counter.builder("openfiskal.complete.groups.alone")
                .description("Completes a group handed to the one-by-one path: a replay, a rare case, a failed group")
                .register(registry);
        Gauge.builder("openfiskal.complete.groups.waiting", queue, ConcurrentLinkedQueue::size)
                .description("Completes waiting for a free group writer")
                .register(registry);
    }

    /**
     * Completes operation {@code id}: in a group when it can be, else (and for whatever its group leaves)
     * by {@code alone}, the one-by-one path with the same outcome.
     */
    public Uni<Response> complete(
            IdempotentCall call, String id, OperationComplete body, String ifMatch, Supplier<Uni<Response>> alone) {
        Context context = Vertx.currentContext();
        if (config.writers() <= 0 || !tse.signsHeld() || context == null) {
            return alone.get();
        }
        return Uni.createFrom().deferred(() -> grouped(call, id, body, ifMatch, alone, context));
    }

    private Uni<Response> grouped(
            IdempotentCall call,
            String id,
            OperationComplete body,
            String ifMatch,
            Supplier<Uni<Response>> alone,
            Context context) {
        // what the one-by-one path checks before it reads anything, in the same order: the key's syntax (400),
        // If-Match (428/400), processed_at (400)
        Idempotency.Claim claim = idempotency.claimOf(call);
        long expected = IfMatch.required(ifMatch);
        List<String> processedAt = OperationService.processedAt(body.getPayments());
        String tenantId = caller.tenantId();
        String merchantId = caller.merchantId();
        String requestId = mdc(RequestIds.KEY);
        String traceparent = mdc(Tracing.TRACEPARENT);
        return Uni.createFrom()
                .<Response>emitter(e -> {
                    queue.add(new Member(
                            id,
                            expected,
                            body.getPayments(),
                            processedAt,
                            claim,
                            tenantId,
                            merchantId,
                            requestId,
                            traceparent,
                            e));
                    drain();
                })
                // the answer continues on the request's own context, where its request scope lives
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .flatMap(r -> r == ALONE ? alone.get() : Uni.createFrom().item(r));
    }

    /** Starts a group for each free writer while completes are waiting. */
    private void drain() {
        while (!queue.isEmpty()) {
            int w = writing.get();
            if (w >= config.writers()) {
                return;
            }
            if (!writing.compareAndSet(w, w + 1)) {
                continue;
            }
            List<Member> group = new ArrayList<>();
            for (Member m; group.size() < config.maxSize() && (m = queue.poll()) != null; ) {
                group.add(m);
            }
            if (group.isEmpty()) {
                writing.decrementAndGet();
                continue;
            }
            sizes.record(group.size());
            Writes writes = new Writes();
            write(group, writes)
                    .subscribe()
                    .with(
                            answers -> {
                                writes.operations.values().forEach(o -> metrics.outcome(o, "completed"));
                                done(group, answers);
                            },
                            failure -> {
                                // the statements' parameters (signed logs, receipts) stay out of the log
                                LOG.warnf(
                                        "A group of %d completes failed, each runs alone: %s",
                                        group.size(), failure.getClass().getName());
                                LOG.debug("The group's failure", failure);
                                done(group, Map.of());
                            });
        }
    }

    private void done(List<Member> group, Map<Member, Response> answers) {
        writing.decrementAndGet();
        for (Member m : group) {
            Response answer = answers.get(m);
            if (answer == ALONE) {
                alone.increment();
            }
            m.answer().complete(answer);
        }
        drain();
    }

    // --- the group's transaction ------------------------------------------------------------------

    /** The group written in one transaction; the answer of each member, or none for those to run alone. */
    private Uni<Map<Member, Response>> write(List<Member> group, Writes writes) {
        return pool.withTransaction(c -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<Idempotency.Claim> claims = new ArrayList<>();
            for (Member m : group) {
                if (m.claim() != null) {
                    claims.add(m.claim());
                }
            }
            Uni<Set<Idempotency.Claim>> claimed =
                    claims.isEmpty() ? Uni.createFrom().item(Set.of()) : idempotency.claim(c, claims, now);
            List<String> ids = group.stream().map(Member::id).distinct().toList();
            // sent together: the connection pipelines them, and they run in this order
            return Uni.combine()
                    .all()
                    .unis(claimed, lockOperations(c, ids), lockTss(c, ids))
                    .asTuple()
                    .flatMap(t -> decideAndWrite(c, group, writes, t.getItem1(), t.getItem2(), t.getItem3()));
        });
    }

    private Uni<Map<String, Found>> lockOperations(SqlConnection c, List<String> ids) {
        return c.preparedQuery("SELECT " + OPERATION_COLUMNS + ", " + REGISTER_COLUMNS + ", " + MERCHANT_COLUMNS
                        + ", " + LOCATION_COLUMNS + """
                         FROM operations o
                         LEFT JOIN registers r ON r.id = o.register_id
                         JOIN merchants m ON m.id = o.merchant_id
                         LEFT JOIN locations l ON l.id = o.location_id
                        WHERE o.id = ANY($1) ORDER BY o.id FOR UPDATE OF o""")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Found> found = new HashMap<>();
                    for (Row row : rows) {
                        OperationEntity o = operation(row);
                        found.put(
                                o.id,
                                new Found(
                                        o,
                                        row.getString("r_id") == null ? null : register(row),
                                        merchant(row),
                                        row.getString("l_id") == null ? null : location(row)));
                    }
                    return found;
                });
    }

    /** The TSSs of the operations' registers, locked in id order (run after the operations are locked). */
    private Uni<Map<String, TssEntity>> lockTss(SqlConnection c, List<String> ids) {
        return c.preparedQuery("""
                        SELECT id, state, signature_algorithm, serial_number, encrypted_private_key,
                               signature_counter, transaction_counter
                          FROM tse_tss
                         WHERE id IN (SELECT r.tss_id FROM operations o JOIN registers r ON r.id = o.register_id
                                       WHERE o.id = ANY($1))
                         ORDER BY id FOR UPDATE""")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, TssEntity> out = new HashMap<>();
                    for (Row row : rows) {
                        TssEntity t = new TssEntity();
                        t.id = row.getString(0);
                        t.state = row.getString(1);
                        t.signatureAlgorithm = row.getString(2);
                        t.serialNumber = row.getString(3);
                        t.encryptedPrivateKey = row.getBuffer(4).getBytes();
                        t.signatureCounter = row.getLong(5);
                        t.transactionCounter = row.getLong(6);
                        out.put(t.id, t);
                    }
                    return out;
                });
    }

    private Uni<Map<Member, Response>> decideAndWrite(
            SqlConnection c,
            List<Member> group,
            Writes writes,
            Set<Idempotency.Claim> claimed,
            Map<String, Found> found,
            Map<String, TssEntity> tss) {
        Map<Member, Response> answers = new IdentityHashMap<>();
        Map<Idempotency.Claim, Response> settled = new IdentityHashMap<>();
        for (Member m : group) {
            if (m.claim() != null && !claimed.contains(m.claim())) {
                answers.put(m, ALONE); // the key is taken: waited for, replayed or refused alone
                continue;
            }
            Response answer = inMdc(m, () -> decide(m, found.get(m.id()), tss, writes));
            answers.put(m, answer);
            if (m.claim() != null) {
                // a member left to run alone gives its key back (null), and claims it again there
                settled.put(m.claim(), answer);
            }
        }
        Uni<Map<Idempotency.Claim, Response>> settle =
                settled.isEmpty() ? Uni.createFrom().item(Map.of()) : idempotency.settle(c, settled);
        return Uni.combine().all().unis(writes.run(c), settle).asTuple().map(t -> {
            Map<Idempotency.Claim, Response> sent = t.getItem2();
            for (Member m : group) {
                if (m.claim() != null && answers.get(m) != ALONE) {
                    answers.put(m, sent.get(m.claim()));
                }
            }
            if (!writes.events.isEmpty()) {
                outbox.written(); // as Outbox.add does: the relay runs a moment later, after the commit
            }
            return answers;
        });
    }

    /**
     * One member decided as {@link OperationService#complete} decides it, its writes added to {@code writes};
     * the answer, or {@link #ALONE} for the one-by-one path.
     */
    private Response decide(Member m, Found f, Map<String, TssEntity> tss, Writes writes) {
        try {
            if (f == null || !f.operation().merchantId.equals(m.merchantId())) {
                throw ApiException.notFound("Operation");
            }
            OperationEntity o = f.operation();
            OperationService.requireChangeable(o, m.expected());
            RegisterEntity r = f.register();
            if (!o.isPos() || r == null || o.tseStartedTransaction != null) {
                return ALONE;
            }
            ObjectNode details = json.details(o);
            boolean kassenSichV = OperationService.KASSENSICHV.equals(r.regime);
            GoodsMovementRules.payments(o, details.path("line_items").size() > 0, m.payments(), kassenSichV);
            ArrayNode legs = operations.paymentLegs(m.payments(), m.processedAt());
            OperationService.requireFiscalized(r);
            TssEntity t = r.tssId == null ? null : tss.get(r.tssId);
            if (t == null || !"INITIALIZED".equals(t.state)) {
                return ALONE; // tse_client_missing: the one-by-one path fails the register
            }
            String processData =
                    ProcessData.receipt(OperationService.lines(details), o.tipAmount, OperationService.legsOf(legs));
            TseSigning.Signed s = signing.signHeld(r, t, processData, writes.logs);
            if (s == null) {
                return ALONE;
            }
            writes.tss.put(t.id, t);
            signer.signed(o, s);
            writes.audits.add(OperationAuditEntity.of(o.id, "complete", "signed", null, s.transactionNumber(), null));
            operations.completed(o, details, legs);
            OperationEvents.Written w;
            try {
                w = events.operation(OperationEvents.COMPLETED, o, m.tenantId(), f.merchant(), f.location(), r);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // not a member's answer: the group fails, each runs alone
            }
            writes.operations.put(o.id, o);
            writes.events.add(w.event());
            return Responses.ok(w.rendered(), o.resourceVersion);
        } catch (ApiException e) {
            return ErrorResponses.of(e);
        }
    }

    /** What the group writes, in its one round trip of writes. */
    private static final class Writes {
        final List<TseLogEntity> logs = new ArrayList<>();
        final Map<String, TssEntity> tss = new TreeMap<>();
        final List<OperationAuditEntity> audits = new ArrayList<>();
        final Map<String, OperationEntity> operations = new TreeMap<>();
        final List<OutboxEventEntity> events = new ArrayList<>();

        Uni<Void> run(SqlConnection c) {
            if (operations.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Tuple> logRows = new ArrayList<>();
            for (TseLogEntity l : logs) {
                logRows.add(Tuple.from(Arrays.asList(
                        l.tssId,
                        l.signatureCounter,
                        l.logType,
                        l.operationType,
                        l.clientId,
                        l.transactionNumber,
                        time(l.logTime),
                        Buffer.buffer(l.message))));
            }
            List<Tuple> tssRows = new ArrayList<>();
            for (TssEntity t : tss.values()) {
                tssRows.add(Tuple.of(t.id, t.signatureCounter, t.transactionCounter));
            }
            List<Tuple> auditRows = new ArrayList<>();
            for (OperationAuditEntity a : audits) {
                auditRows.add(Tuple.from(Arrays.asList(
                        a.operationId,
                        a.action,
                        a.outcome,
                        a.phase,
                        a.tseTransactionNumber,
                        a.message,
                        a.requestId,
                        time(a.occurredAt))));
            }
            List<Tuple> operationRows = new ArrayList<>();
            for (OperationEntity o : operations.values()) {
                operationRows.add(Tuple.from(Arrays.asList(
                        o.id,
                        o.status,
                        o.details,
                        time(o.completedAt),
                        time(o.updatedAt),
                        o.resourceVersion,
                        numeric(o.cashAmount),
                        o.fiscalInformation,
                        o.tseTransactionNumber)));
            }
            List<Tuple> eventRows = new ArrayList<>();
            for (OutboxEventEntity e : events) {
                eventRows.add(Tuple.from(Arrays.asList(
                        e.eventId,
                        e.topic,
                        e.recordKey,
                        e.eventType,
                        e.payload,
                        e.requestId,
                        e.traceparent,
                        time(e.createdAt))));
            }
            // sent together, pipelined on the connection; the first failure fails the transaction
            return Uni.combine()
                    .all()
                    .unis(
                            c.preparedQuery("""
                                    INSERT INTO tse_log_messages (tss_id, signature_counter, log_type, operation_type,
                                           client_id, transaction_number, log_time, message)
                                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""").executeBatch(logRows),
                            c.preparedQuery(
                                            "UPDATE tse_tss SET signature_counter = $2, transaction_counter = $3 WHERE id = $1")
                                    .executeBatch(tssRows),
                            c.preparedQuery("""
                                    INSERT INTO operation_audit (operation_id, action, outcome, phase,
                                           tse_transaction_number, message, request_id, occurred_at)
                                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""").executeBatch(auditRows),
                            c.preparedQuery("""
                                    UPDATE operations SET status = $2, details = $3, completed_at = $4, updated_at = $5,
                                           resource_version = $6, cash_amount = $7, fiscal_information = $8,
                                           tse_transaction_number = $9, tse_started_transaction = NULL,
                                           tse_started_event = NULL
                                     WHERE id = $1""").executeBatch(operationRows),
                            c.preparedQuery("""
                                    INSERT INTO outbox (event_id, topic, record_key, event_type, payload, request_id,
                                           traceparent, created_at)
                                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""").executeBatch(eventRows))
                    .discardItems();
        }
    }

    // --- rows -------------------------------------------------------------------------------------

    private static final String OPERATION_COLUMNS = """
            o.id, o.merchant_id, o.type, o.source, o.status, o.currency, o.register_id, o.location_id,
            o.session_id, o.external_id, o.note, o.related_operation_id, o.pretax_amount, o.tax_amount,
            o.tip_amount, o.total_amount, o.cash_amount, o.amount, o.kind, o.expected_amount, o.variance_amount,
            o.counted_amount, o.closing_balance_amount, o.closing_number, o.details, o.void_reason,
            o.completed_at, o.voided_at, o.fiscal_information, o.fiscal_error, o.tse_transaction_number,
            o.tse_started_transaction, o.tse_started_event, o.resource_version, o.created_at, o.updated_at""";

    private static final String REGISTER_COLUMNS = """
            r.id AS r_id, r.merchant_id AS r_merchant_id, r.location_id AS r_location_id, r.name AS r_name,
            r.external_id AS r_external_id, r.status AS r_status, r.fiscalization_status AS r_fiscalization_status,
            r.regime AS r_regime, r.tss_serial_number AS r_tss_serial_number,
            r.client_serial_number AS r_client_serial_number, r.signature_algorithm AS r_signature_algorithm,
            r.public_key AS r_public_key, r.time_format AS r_time_format, r.tss_id AS r_tss_id""";

    private static final String MERCHANT_COLUMNS = """
            m.id AS m_id, m.legal_name AS m_legal_name, m.fiscal_identities AS m_fiscal_identities,
            m.address_line1 AS m_address_line1, m.address_line2 AS m_address_line2, m.address_city AS m_address_city,
            m.address_postal_code AS m_address_postal_code, m.address_country_code AS m_address_country_code""";

    private static final String LOCATION_COLUMNS = """
            l.id AS l_id, l.name AS l_name, l.timezone AS l_timezone,
            l.address_line1 AS l_address_line1, l.address_line2 AS l_address_line2, l.address_city AS l_address_city,
            l.address_postal_code AS l_address_postal_code, l.address_country_code AS l_address_country_code""";

    private static OperationEntity operation(Row row) {
        OperationEntity o = new OperationEntity();
        o.id = row.getString("id");
        o.merchantId = row.getString("merchant_id");
        o.type = row.getString("type");
        o.source = row.getString("source");
        o.status = row.getString("status");
        o.currency = row.getString("currency");
        o.registerId = row.getString("register_id");
        o.locationId = row.getString("location_id");
        o.sessionId = row.getString("session_id");
        o.externalId = row.getString("external_id");
        o.note = row.getString("note");
        o.relatedOperationId = row.getString("related_operation_id");
        o.pretaxAmount = row.getBigDecimal("pretax_amount");
        o.taxAmount = row.getBigDecimal("tax_amount");
        o.tipAmount = row.getBigDecimal("tip_amount");
        o.totalAmount = row.getBigDecimal("total_amount");
        o.cashAmount = row.getBigDecimal("cash_amount");
        o.amount = row.getBigDecimal("amount");
        o.kind = row.getString("kind");
        o.expectedAmount = row.getBigDecimal("expected_amount");
        o.varianceAmount = row.getBigDecimal("variance_amount");
        o.countedAmount = row.getBigDecimal("counted_amount");
        o.closingBalanceAmount = row.getBigDecimal("closing_balance_amount");
        o.closingNumber = row.getLong("closing_number");
        o.details = row.getString("details");
        o.voidReason = row.getString("void_reason");
        o.completedAt = instant(row, "completed_at");
        o.voidedAt = instant(row, "voided_at");
        o.fiscalInformation = row.getString("fiscal_information");
        o.fiscalError = row.getString("fiscal_error");
        o.tseTransactionNumber = row.getLong("tse_transaction_number");
        o.tseStartedTransaction = row.getLong("tse_started_transaction");
        o.tseStartedEvent = row.getString("tse_started_event");
        o.resourceVersion = row.getLong("resource_version");
        o.createdAt = instant(row, "created_at");
        o.updatedAt = instant(row, "updated_at");
        return o;
    }

    private static RegisterEntity register(Row row) {
        RegisterEntity r = new RegisterEntity();
        r.id = row.getString("r_id");
        r.merchantId = row.getString("r_merchant_id");
        r.locationId = row.getString("r_location_id");
        r.name = row.getString("r_name");
        r.externalId = row.getString("r_external_id");
        r.status = row.getString("r_status");
        r.fiscalizationStatus = row.getString("r_fiscalization_status");
        r.regime = row.getString("r_regime");
        r.tssSerialNumber = row.getString("r_tss_serial_number");
        r.clientSerialNumber = row.getString("r_client_serial_number");
        r.signatureAlgorithm = row.getString("r_signature_algorithm");
        r.publicKey = row.getString("r_public_key");
        r.timeFormat = row.getString("r_time_format");
        r.tssId = row.getString("r_tss_id");
        return r;
    }

    private static MerchantEntity merchant(Row row) {
        MerchantEntity m = new MerchantEntity();
        m.id = row.getString("m_id");
        m.legalName = row.getString("m_legal_name");
        m.fiscalIdentities = row.getString("m_fiscal_identities");
        m.address = address(row, "m_");
        return m;
    }

    private static LocationEntity location(Row row) {
        LocationEntity l = new LocationEntity();
        l.id = row.getString("l_id");
        l.name = row.getString("l_name");
        l.timezone = row.getString("l_timezone");
        l.address = address(row, "l_");
        return l;
    }

    private static AddressColumns address(Row row, String prefix) {
        if (row.getString(prefix + "address_line1") == null) {
            return null;
        }
        AddressColumns a = new AddressColumns();
        a.line1 = row.getString(prefix + "address_line1");
        a.line2 = row.getString(prefix + "address_line2");
        a.city = row.getString(prefix + "address_city");
        a.postalCode = row.getString(prefix + "address_postal_code");
        a.countryCode = row.getString(prefix + "address_country_code");
        return a;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime time(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Numeric numeric(BigDecimal d) {
        return d == null ? null : Numeric.create(d);
    }

    // --- the member's request in the log and the rows it writes -----------------------------------

    private static String mdc(String key) {
        Object v = MDC.get(key);
        return v == null ? null : v.toString();
    }

    /** Runs {@code decision} with the member's request id and trace context, which its rows record. */
    private static Response inMdc(Member m, Supplier<Response> decision) {
        Object requestId = MDC.get(RequestIds.KEY);
        Object traceparent = MDC.get(Tracing.TRACEPARENT);
        put(RequestIds.KEY, m.requestId);
        put(Tracing.TRACEPARENT, m.traceparent);
        try {
            return decision.get();
        } finally {
            put(RequestIds.KEY, requestId);
            put(Tracing.TRACEPARENT, traceparent);
        }
    }

    private static void put(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
