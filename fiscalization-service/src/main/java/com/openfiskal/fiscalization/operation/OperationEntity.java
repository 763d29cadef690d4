package com.openfiskal.fiscalization.operation;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A goods movement or a session event (API.md §6, §7). Amounts are kept exactly as received. */
@Entity
@Table(name = "operations")
public class OperationEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "merchant_id", nullable = false)
    public String merchantId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String source;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public String currency;

    @Column(name = "register_id")
    public String registerId;

    @Column(name = "location_id")
    public String locationId;

    @Column(name = "session_id")
    public String sessionId;

    @Column(name = "external_id")
    public String externalId;

    public String note;

    @Column(name = "related_operation_id")
    public String relatedOperationId;

    @Column(name = "pretax_amount")
    public BigDecimal pretaxAmount;

    @Column(name = "tax_amount")
    public BigDecimal taxAmount;

    @Column(name = "tip_amount")
    public BigDecimal tipAmount;

    @Column(name = "total_amount")
    public BigDecimal totalAmount;

    /** What the operation put into (positive) or took out of the cash drawer. */
    @Column(name = "cash_amount")
    public BigDecimal cashAmount;

    /** The session event's own amount: opening balance, adjustment, counted amount or closing transfer. */
    public BigDecimal amount;

    public String kind;

    @Column(name = "expected_amount")
    public BigDecimal expectedAmount;

    @Column(name = "variance_amount")
    public BigDecimal varianceAmount;

    @Column(name = "counted_amount")
    public BigDecimal countedAmount;

    @Column(name = "closing_balance_amount")
    public BigDecimal closingBalanceAmount;

    @Column(name = "closing_number")
    public Long closingNumber;

    /** JSON: line items, cart discounts, payments, operator, external related operation (exact amounts). */
    @Column(nullable = false)
    public String details;

    @Column(name = "void_reason")
    public String voidReason;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "voided_at")
    public Instant voidedAt;

    /** JSON of {@code fiscal_information}; set once signing succeeded, never changed afterwards. */
    @Column(name = "fiscal_information")
    public String fiscalInformation;

    /** JSON of {@code fiscal_error} of a session event whose best-effort signing failed. */
    @Column(name = "fiscal_error")
    public String fiscalError;

    @Column(name = "tse_transaction_number")
    public Long tseTransactionNumber;

    /** A TSE transaction started by a complete whose Finish failed (phase 2); the next attempt finishes it. */
    @Column(name = "tse_started_transaction")
    public Long tseStartedTransaction;

    /** JSON {signed_at, transaction_counter, signature} of that started transaction's Start log. */
    @Column(name = "tse_started_event")
    public String tseStartedEvent;

    @Column(name = "resource_version", nullable = false)
    public long resourceVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** At most this many OPEN operations are named in an error (API.md §2.12 {@code open_operation_ids}). */
    public static final int MAX_LISTED_OPEN = 100;

    /**
     * Ids of the OPEN operations, oldest first and at most {@link #MAX_LISTED_OPEN}, of a session
     * ({@code sessionId}) or a register ({@code registerId}): what blocks a count, close or decommission.
     */
    public static Uni<List<String>> openIds(String field, String id) {
        return OperationEntity.<OperationEntity>find(field + " = ?1 and status = 'OPEN' order by id", id)
                .range(0, MAX_LISTED_OPEN - 1)
                .list()
                .map(open -> open.stream().map(o -> o.id).toList());
    }

    public boolean isSessionEvent() {
        return type.startsWith("SESSION_");
    }

    public boolean isPos() {
        return "POS".equals(source);
    }
}
