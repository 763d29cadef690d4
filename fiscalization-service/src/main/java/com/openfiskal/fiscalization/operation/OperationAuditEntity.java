package com.openfiskal.fiscalization.operation;

import com.openfiskal.contracts.http.RequestIds;
import com.openfiskal.contracts.json.Timestamps;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.jboss.logging.MDC;

/** One attempt to sign, finish or void an operation, kept also when it failed (API.md §8.5). */
@Entity
@Table(name = "operation_audit")
public class OperationAuditEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "operation_id", nullable = false)
    public String operationId;

    @Column(nullable = false)
    public String action;

    @Column(nullable = false)
    public String outcome;

    public Integer phase;

    @Column(name = "tse_transaction_number")
    public Long tseTransactionNumber;

    public String message;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** Appends one entry, in the caller's transaction, with the request id of the current request. */
    public static Uni<Void> record(
            String operationId, String action, String outcome, Integer phase, Long transaction, String message) {
        return of(operationId, action, outcome, phase, transaction, message)
                .persist()
                .replaceWithVoid();
    }

    /** The entry, not yet stored, with the request id of the current request. */
    static OperationAuditEntity of(
            String operationId, String action, String outcome, Integer phase, Long transaction, String message) {
        OperationAuditEntity a = new OperationAuditEntity();
        a.operationId = operationId;
        a.action = action;
        a.outcome = outcome;
        a.phase = phase;
        a.tseTransactionNumber = transaction;
        a.message = message;
        Object requestId = MDC.get(RequestIds.KEY);
        a.requestId = requestId == null ? null : requestId.toString();
        a.occurredAt = Timestamps.now();
        return a;
    }
}
