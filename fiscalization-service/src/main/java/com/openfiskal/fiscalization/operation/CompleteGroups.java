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
import com.openfiskal.contracts.idempotency.Idempotency;
import com.openfiskal.contracts.idempotency.IdempotentCall;
import com.openfiskal.contracts.kassensichv.ProcessData;
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
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Completes of POS goods movements written in groups ({@link GroupWriter}): one database transaction of
 * three round trips per group — begin with the idempotency claims, the operations and their TSSs locked
 * (pipelined); every insert and update (batched, pipelined); commit — instead of about fifteen round trips
 * per complete on the one-by-one path.
 *
 * <p>Each member is decided in memory between the reads and the writes by the rule code of {@link
 * OperationService#complete}: 404, 412, 409, the payment rules and the register's fiscal state answer that
 * member alone, and nothing of it is written (a 422 is stored under its key, as {@link Idempotency#run}
 * stores it). Locks are taken in one order — keys, operations by id, TSSs by id — the order of the
 * one-by-one path, so that groups and single requests cannot wait for each other in a circle.
 *
 * <p>What is not the common case is left to {@link OperationService#complete}, which handles every case:
 * an ONLINE operation, a TSE that does not sign in this process or has a fault injected, a phase-2
 * transaction to finish, a missing TSS, a key already taken (a duplicate waits there and is replayed), and
 * any member of a group whose transaction failed. Such a member's claim is given back in the group's
 * transaction.
 */
@ApplicationScoped
public class CompleteGroups {

    /** A complete as its request's context read it. */
    private record Complete(
            String id,
            long expected,
            List<PaymentInput> payments,
            List<String> processedAt,
            Idempotency.Claim claim,
            String tenantId,
            String merchantId) {}

    /** What the group's reads found for an operation: the operation locked, with its issuer. */
    private record Found(
            OperationEntity operation, RegisterEntity register, MerchantEntity merchant, LocationEntity location) {}

    private final Pool pool;
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
    private final GroupWriter<Complete> groups;

    public CompleteGroups(
            Pool pool,
            GroupWriter.Config config,
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
        this.groups = new GroupWriter<>(config, pool, "complete", registry, idempotency, Complete::claim, this::write);
    }

    /**
     * Completes operation {@code id}: in a group when it can be, else (and for whatever its group leaves)
     * by {@code alone}, the one-by-one path with the same outcome.
     */
    public Uni<Response> complete(
            IdempotentCall call, String id, OperationComplete body, String ifMatch, Supplier<Uni<Response>> alone) {
        if (!groups.enabled() || !tse.signsHeld()) {
            return alone.get();
        }
        return Uni.createFrom().deferred(() -> {
            // what the one-by-one path checks before it reads anything, in the same order: the key's syntax
            // (400), If-Match (428/400), processed_at (400)
            Idempotency.Claim claim = idempotency.claimOf(call);
            long expected = IfMatch.required(ifMatch);
            List<String> processedAt = OperationService.processedAt(body.getPayments());
            return groups.submit(
                    new Complete(
                            id,
                            expected,
                            body.getPayments(),
                            processedAt,
                            claim,
                            caller.tenantId(),
                            caller.merchantId()),
                    alone);
        });
    }

    // --- the group's transaction ------------------------------------------------------------------

    /** The group written in one transaction; the answer of each member, or none for those to run alone. */
    private Uni<GroupWriter.Written<Complete>> write(List<GroupWriter.Member<Complete>> group) {
        Writes writes = new Writes();
        List<String> ids = group.stream().map(m -> m.request.id()).distinct().toList();
        return groups.write(
                        group,
                        // sent together: the connection pipelines them, and they run in this order
                        c -> Uni.combine()
                                .all()
                                .unis(lockOperations(c, ids), lockTss(c, ids))
                                .asTuple(),
                        (r, locked) -> decide(r, locked.getItem1().get(r.id()), locked.getItem2(), writes),
                        writes::run)
                .map(answers -> new GroupWriter.Written<>(answers, () -> {
                    // counted once committed: a failed group runs again alone, and would count twice
                    writes.operations.values().forEach(o -> metrics.outcome(o, "completed"));
                    outbox.written(); // as Outbox.add does: the relay runs a moment later
                }));
    }

    private Uni<Map<String, Found>> lockOperations(SqlConnection c, List<String> ids) {
        return c.preparedQuery("SELECT " + OperationRows.OPERATION_COLUMNS + ", " + OperationRows.REGISTER_COLUMNS
                        + ", " + OperationRows.MERCHANT_COLUMNS + ", " + OperationRows.LOCATION_COLUMNS + """
                         FROM operations o
                         LEFT JOIN registers r ON r.id = o.register_id
                         JOIN merchants m ON m.id = o.merchant_id
                         LEFT JOIN locations l ON l.id = o.location_id
                        WHERE o.id = ANY($1) ORDER BY o.id FOR UPDATE OF o""")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Found> found = new HashMap<>();
                    for (Row row : rows) {
                        OperationEntity o = OperationRows.operation(row);
                        found.put(
                                o.id,
                                new Found(
                                        o,
                                        OperationRows.register(row),
                                        OperationRows.merchant(row),
                                        OperationRows.location(row)));
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

    /**
     * One member decided as {@link OperationService#complete} decides it, its writes added to {@code writes};
     * the answer, or {@link GroupWriter#ALONE} for the one-by-one path.
     */
    private Response decide(Complete m, Found f, Map<String, TssEntity> tss, Writes writes) {
        try {
            if (f == null || !f.operation().merchantId.equals(m.merchantId())) {
                throw ApiException.notFound("Operation");
            }
            OperationEntity o = f.operation();
            OperationService.requireChangeable(o, m.expected());
            RegisterEntity r = f.register();
            if (!o.isPos() || r == null || o.tseStartedTransaction != null) {
                return GroupWriter.ALONE;
            }
            ObjectNode details = json.details(o);
            boolean kassenSichV = OperationService.KASSENSICHV.equals(r.regime);
            GoodsMovementRules.payments(o, details.path("line_items").size() > 0, m.payments(), kassenSichV);
            ArrayNode legs = operations.paymentLegs(m.payments(), m.processedAt());
            OperationService.requireFiscalized(r);
            TssEntity t = r.tssId == null ? null : tss.get(r.tssId);
            if (t == null) {
                return GroupWriter.ALONE; // tse_client_missing: the one-by-one path fails the register
            }
            String processData =
                    ProcessData.receipt(OperationService.lines(details), o.tipAmount, OperationService.legsOf(legs));
            TseSigning.Signed s = signing.signHeld(r, t, processData, writes.logs);
            if (s == null) {
                return GroupWriter.ALONE; // a TSS not active (tse_client_missing too), a fault, a new client
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
                        OperationRows.time(l.logTime),
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
                        OperationRows.time(a.occurredAt))));
            }
            List<Tuple> operationRows = new ArrayList<>();
            for (OperationEntity o : operations.values()) {
                operationRows.add(Tuple.from(Arrays.asList(
                        o.id,
                        o.status,
                        o.details,
                        OperationRows.time(o.completedAt),
                        OperationRows.time(o.updatedAt),
                        o.resourceVersion,
                        OperationRows.numeric(o.cashAmount),
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
                        OperationRows.time(e.createdAt))));
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
}
