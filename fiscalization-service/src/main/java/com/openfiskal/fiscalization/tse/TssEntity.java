package com.openfiskal.fiscalization.tse;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A software TSS: its key (encrypted), certificate and counters. Locked for every signature. */
@Entity
@Table(name = "tse_tss")
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

    /** Written at creation only; afterwards only SoftwareTse's UPDATE … RETURNING moves it. */
    @Column(name = "signature_counter", nullable = false, updatable = false)
    public long signatureCounter;

    @Column(name = "transaction_counter", nullable = false, updatable = false)
    public long transactionCounter;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "disabled_at")
    public Instant disabledAt;
}
