package com.openfiskal.fiscalization.location;

import com.openfiskal.fiscalization.common.AddressColumns;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "locations")
public class LocationEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "merchant_id", nullable = false)
    public String merchantId;

    @Column(nullable = false)
    public String name;

    @Embedded
    public AddressColumns address;

    @Column(nullable = false)
    public String timezone;

    @Column(name = "country_code", nullable = false)
    public String countryCode;

    @Column(name = "resource_version", nullable = false)
    public long resourceVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;
}
