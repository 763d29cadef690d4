package com.openfiskal.fiscalization.tse;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.DynamicUpdate;

/** A software TSS: its key (encrypted), certificate and counters. Locked for every signature. */
@Entity
@Table(name = "tse_tss")
// a signature changes only the counters: the UPDATE at flush sets those, not the keys and the certificate
@DynamicUpdate
public class TssEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "register_id", nullable = false)
    public String registerId;

    @Column(nullable = false)
    public String state;

    @Column(name = "signature_algorithm", nullable = false)
    public String signatureAlgorithm;

    /** Uncompressed EC point. */
    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    @Column(name = "serial_number", nullable = false)
    public String serialNumber;

    @Column(name = "encrypted_private_key", nullable = false)
    public byte[] encryptedPrivateKey;

    @Column(nullable = false)
    public byte[] certificate;

    @Column(name = "encrypted_admin_pin")
    public byte[] encryptedAdminPin;

    /**
     * Moved only by SoftwareTse, on an instance whose row this transaction holds locked (so the value in
     * memory is the one in the database), and written back at flush.
     */
    @Column(name = "signature_counter", nullable = false)
    public long signatureCounter;

    @Column(name = "transaction_counter", nullable = false)
    public long transactionCounter;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "disabled_at")
    public Instant disabledAt;

    /**
     * Transactions started (with their client) on this instance, that is in this database transaction: a
     * Finish that follows its Start in the same transaction needs no query to know it was started.
     */
    @Transient
    Map<Long, String> startedHere;
}
