package com.openfiskal.fiscalization.merchant;

import com.openfiskal.fiscalization.common.AddressColumns;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "merchants")
public class MerchantEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(name = "legal_name", nullable = false)
    public String legalName;

    @Column(name = "country_code", nullable = false)
    public String countryCode;

    @Embedded
    public AddressColumns address;

    /** JSON array of {@link FiscalIdentities.Identity}. */
    @Column(name = "fiscal_identities", nullable = false)
    public String fiscalIdentities;

    @Column(nullable = false)
    public String status;

    @Column(name = "resource_version", nullable = false)
    public long resourceVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;
}
