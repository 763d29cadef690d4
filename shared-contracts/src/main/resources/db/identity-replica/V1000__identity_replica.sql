-- Local copy of the compacted topic fiscal.identity.v1 (API.md §11.3), kept by IdentityReplica.
-- Same relation names and columns as the views of the fiscalization-service, so that one
-- IdentityStore serves authentication in all three services.
CREATE TABLE identity_api_keys (
    key_id       text PRIMARY KEY,
    key_hash     text NOT NULL UNIQUE,
    tenant_id    text NOT NULL,
    environment  text NOT NULL,
    country      text NOT NULL,
    status       text NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE TABLE identity_tenants (
    tenant_id   text PRIMARY KEY,
    status      text NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE identity_merchants (
    merchant_id   text PRIMARY KEY,
    tenant_id     text NOT NULL,
    country_code  text NOT NULL,
    status        text NOT NULL,
    deleted       boolean NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE identity_registers (
    register_id           text PRIMARY KEY,
    merchant_id           text NOT NULL,
    location_id           text NOT NULL,
    status                text NOT NULL,
    fiscalization_status  text NOT NULL,
    regime                text,
    fiscalized_at         timestamptz,
    decommissioned_at     timestamptz,
    deleted               boolean NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX identity_registers_merchant ON identity_registers (merchant_id);
