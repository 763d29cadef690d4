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

/** A client (register) registered at a TSS; its serial is what every transaction log names. */
@Entity
@Table(name = "tse_clients")
@IdClass(TseClientEntity.Key.class)
public class TseClientEntity extends PanacheEntityBase {

    @Id
    @Column(name = "tss_id")
    public String tssId;

    @Id
    @Column(name = "serial_number")
    public String serialNumber;

    @Column(nullable = false)
    public String state;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static class Key implements Serializable {
        public String tssId;
        public String serialNumber;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(tssId, k.tssId) && Objects.equals(serialNumber, k.serialNumber);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tssId, serialNumber);
        }
    }
}
