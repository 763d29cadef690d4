package com.openfiskal.export.job;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An export job (API.md §9.1). The worker updates it over JDBC; the API reads and creates it here. */
@Entity
@Table(name = "exports")
public class ExportEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "merchant_id")
    public String merchantId;

    @Column(name = "register_id")
    public String registerId;

    public String type;
    public String status;

    @Column(name = "window_from")
    public Instant from;

    @Column(name = "window_to")
    public Instant to;

    @Column(name = "effective_from")
    public Instant effectiveFrom;

    @Column(name = "effective_to")
    public Instant effectiveTo;

    /** Comma-separated, in closing-number order. */
    @Column(name = "session_ids")
    public String sessionIds;

    @Column(name = "closing_numbers")
    public String closingNumbers;

    public String timezone;

    /** JSON {message, details} when failed. */
    public String error;

    public int attempts;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    public String artifact;

    @Column(name = "size_bytes")
    public Long sizeBytes;

    public String sha256;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "artifact_deleted")
    public boolean artifactDeleted;
}
