package com.openfiskal.receipts.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A delivery of a receipt (API.md §10.6). Created here; the {@link DeliveryWorker} moves it on over JDBC. */
@Entity
@Table(name = "deliveries")
public class DeliveryEntity extends PanacheEntityBase {

    public static final String QUEUED = "queued";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    @Id
    public String id;

    @Column(name = "receipt_id")
    public String receiptId;

    @Column(name = "merchant_id")
    public String merchantId;

    public String channel;
    public String recipient;
    public String locale;
    public String status;
    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "failure_reason")
    public String failureReason;
}
