package com.openfiskal.fiscalization.session;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** One shift on one POS register (API.md §7). */
@Entity
@Table(name = "sessions")
public class SessionEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "merchant_id", nullable = false)
    public String merchantId;

    @Column(name = "register_id", nullable = false)
    public String registerId;

    @Column(name = "location_id", nullable = false)
    public String locationId;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public String currency;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    @Column(name = "counted_at")
    public Instant countedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "open_operation_id", nullable = false)
    public String openOperationId;

    @Column(name = "count_operation_id")
    public String countOperationId;

    @Column(name = "close_operation_id")
    public String closeOperationId;

    @Column(name = "opening_balance_amount", nullable = false)
    public BigDecimal openingBalanceAmount;

    @Column(name = "cash_adjustments_amount")
    public BigDecimal cashAdjustmentsAmount;

    @Column(name = "cash_payments_amount")
    public BigDecimal cashPaymentsAmount;

    /** Expected cash as of the count (or the close when never counted). */
    @Column(name = "expected_amount")
    public BigDecimal expectedAmount;

    @Column(name = "counted_amount")
    public BigDecimal countedAmount;

    @Column(name = "variance_amount")
    public BigDecimal varianceAmount;

    @Column(name = "closing_transfer_amount")
    public BigDecimal closingTransferAmount;

    @Column(name = "closing_balance_amount")
    public BigDecimal closingBalanceAmount;

    @Column(name = "closing_number")
    public Long closingNumber;

    /** The totals JSON, fixed at close. */
    public String totals;

    @Column(name = "first_tse_transaction_number")
    public Long firstTseTransactionNumber;

    @Column(name = "last_tse_transaction_number")
    public Long lastTseTransactionNumber;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean inProgress() {
        return !"closed".equals(status);
    }
}
