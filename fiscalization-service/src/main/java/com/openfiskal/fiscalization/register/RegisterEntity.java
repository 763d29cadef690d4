package com.openfiskal.fiscalization.register;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "registers")
public class RegisterEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "merchant_id", nullable = false)
    public String merchantId;

    @Column(name = "location_id", nullable = false)
    public String locationId;

    @Column(nullable = false)
    public String name;

    @Column(name = "external_id")
    public String externalId;

    @Column(nullable = false)
    public String status;

    @Column(name = "fiscalization_status", nullable = false)
    public String fiscalizationStatus;

    public String regime;

    @Column(name = "fiscalized_at")
    public Instant fiscalizedAt;

    /** Window clamping of exports uses the first fiscalization (API.md §9.2). */
    @Column(name = "first_fiscalized_at")
    public Instant firstFiscalizedAt;

    @Column(name = "decommissioned_at")
    public Instant decommissionedAt;

    @Column(name = "tss_serial_number")
    public String tssSerialNumber;

    @Column(name = "client_serial_number")
    public String clientSerialNumber;

    @Column(name = "signature_algorithm")
    public String signatureAlgorithm;

    @Column(name = "public_key")
    public String publicKey;

    @Column(name = "time_format")
    public String timeFormat;

    public String certificate;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "error_occurred_at")
    public Instant errorOccurredAt;

    /** The TSS this register signs with, once fiscalized. */
    @Column(name = "tss_id")
    public String tssId;

    @Column(name = "open_session_id")
    public String openSessionId;

    /** The last DSFinV-K closing number (Z_NR) given to a session of this register. */
    @Column(name = "last_closing_number", nullable = false)
    public long lastClosingNumber;

    @Column(name = "resource_version", nullable = false)
    public long resourceVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;
}
