package com.openfiskal.receipts.receipt;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A receipt as stored: written by the event consumer over JDBC, read here by the API and the hosted page. */
@Entity
@Table(name = "receipts")
public class ReceiptEntity extends PanacheEntityBase {

    public static final String AVAILABLE = "available";
    public static final String ARCHIVED = "archived";

    @Id
    public String id;

    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "merchant_id")
    public String merchantId;

    @Column(name = "operation_id")
    public String operationId;

    public String token;

    public String status;

    /** The receipt object without status and links (see {@link ReceiptDocument}). */
    public String document;

    @Column(name = "issued_at")
    public Instant issuedAt;

    @Column(name = "created_at")
    public Instant createdAt;
}
