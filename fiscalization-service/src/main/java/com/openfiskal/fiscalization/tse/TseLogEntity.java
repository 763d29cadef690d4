package com.openfiskal.fiscalization.tse;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One signed log message, stored as its DER bytes; (tss, counter) is unique, so a counter never repeats. */
@Entity
@Table(name = "tse_log_messages")
@IdClass(TseLogEntity.Key.class)
public class TseLogEntity extends PanacheEntityBase {

    @Id
    @Column(name = "tss_id")
    public String tssId;

    @Id
    @Column(name = "signature_counter")
    public long signatureCounter;

    @Column(name = "log_type", nullable = false)
    public String logType;

    @Column(name = "operation_type", nullable = false)
    public String operationType;

    @Column(name = "client_id")
    public String clientId;

    @Column(name = "transaction_number")
    public Long transactionNumber;

    @Column(name = "log_time", nullable = false)
    public Instant logTime;

    @Column(nullable = false)
    public byte[] message;

    public static class Key implements Serializable {
        public String tssId;
        public long signatureCounter;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tssId, k.tssId) && signatureCounter == k.signatureCounter;
        }

        @Override
        public int hashCode() {
            return Objects.hash(tssId, signatureCounter);
        }
    }
}
