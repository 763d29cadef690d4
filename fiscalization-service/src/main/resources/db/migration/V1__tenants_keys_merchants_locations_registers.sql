-- Tenants and their API keys (only keyed hashes are stored, API.md §2.1).
CREATE TABLE tenants (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (id),
    key_hash        text NOT NULL UNIQUE,
    environment     text NOT NULL CHECK (environment IN ('test', 'live')),
    country         text NOT NULL,
    display_prefix  text NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE merchants (
    id                    text PRIMARY KEY,
    tenant_id             text NOT NULL REFERENCES tenants (id),
    legal_name            text NOT NULL,
    country_code          text NOT NULL,
    address_line1         text NOT NULL,
    address_line2         text,
    address_city          text NOT NULL,
    address_postal_code   text NOT NULL,
    address_country_code  text NOT NULL,
    fiscal_identities     text NOT NULL DEFAULT '[]',
    status                text NOT NULL CHECK (status IN ('active', 'inactive')),
    resource_version      bigint NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    deleted_at            timestamptz
);
CREATE INDEX merchants_tenant ON merchants (tenant_id, country_code, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE locations (
    id                    text PRIMARY KEY,
    merchant_id           text NOT NULL REFERENCES merchants (id),
    name                  text NOT NULL,
    address_line1         text NOT NULL,
    address_line2         text,
    address_city          text NOT NULL,
    address_postal_code   text NOT NULL,
    address_country_code  text NOT NULL,
    timezone              text NOT NULL,
    country_code          text NOT NULL,
    resource_version      bigint NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    deleted_at            timestamptz
);
CREATE INDEX locations_merchant ON locations (merchant_id, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE registers (
    id                    text PRIMARY KEY,
    merchant_id           text NOT NULL REFERENCES merchants (id),
    location_id           text NOT NULL REFERENCES locations (id),
    name                  text NOT NULL,
    external_id           text,
    status                text NOT NULL CHECK (status IN ('active', 'inactive')),
    fiscalization_status  text NOT NULL
        CHECK (fiscalization_status IN ('not_fiscalized', 'pending', 'fiscalized', 'failed', 'decommissioned')),
    regime                text,
    fiscalized_at         timestamptz,
    first_fiscalized_at   timestamptz,
    decommissioned_at     timestamptz,
    tss_serial_number     text,
    client_serial_number  text,
    signature_algorithm   text,
    public_key            text,
    time_format           text,
    certificate           text,
    error_message         text,
    error_occurred_at     timestamptz,
    open_session_id       text,
    resource_version      bigint NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    deleted_at            timestamptz
);
CREATE INDEX registers_merchant ON registers (merchant_id, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX registers_location ON registers (location_id) WHERE deleted_at IS NULL;

-- Transactional outbox: written in the same transaction as the change, published in seq order.
CREATE TABLE outbox (
    seq         bigserial PRIMARY KEY,
    event_id    text NOT NULL UNIQUE,
    topic       text NOT NULL,
    record_key  text NOT NULL,
    event_type  text NOT NULL,
    payload     text NOT NULL,
    request_id  text,
    created_at  timestamptz NOT NULL
);

-- What authentication reads (shared-contracts IdentityStore); the other services keep tables of the
-- same shape, filled from the compacted identity topic.
CREATE VIEW identity_api_keys AS
    SELECT id AS key_id, key_hash, tenant_id, environment, country, status FROM api_keys;
CREATE VIEW identity_tenants AS
    SELECT id AS tenant_id, status FROM tenants;
CREATE VIEW identity_merchants AS
    SELECT id AS merchant_id, tenant_id, country_code, status, deleted_at IS NOT NULL AS deleted FROM merchants;
