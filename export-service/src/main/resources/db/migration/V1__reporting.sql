-- Projections of the fiscalization events (API.md §11), the compiled cashpoint closings and the export jobs.

-- Every event applied, so a redelivery (at-least-once) changes nothing.
CREATE TABLE consumed_events (
    event_id    text PRIMARY KEY,
    consumed_at timestamptz NOT NULL DEFAULT now()
);

-- TSE master data of every TSS a register was fiscalized with (tse.csv).
CREATE TABLE tss (
    serial              text PRIMARY KEY,
    register_id         text NOT NULL,
    public_key          text NOT NULL,
    certificate         text,
    signature_algorithm text NOT NULL,
    time_format         text NOT NULL
);

-- The register's fiscal lifetime: the window of an export is clamped to it (API.md §9.2).
CREATE TABLE fiscal_registers (
    register_id        text PRIMARY KEY,
    merchant_id        text NOT NULL,
    location_id        text,
    tss_serial         text,
    first_fiscalized_at timestamptz,
    fiscalized_at      timestamptz,
    decommissioned_at  timestamptz
);

-- Every operation as its operation.completed / operation.voided event carried it.
CREATE TABLE operations (
    operation_id text PRIMARY KEY,
    register_id  text,
    session_id   text,
    status       text NOT NULL,
    document     jsonb NOT NULL
);
CREATE INDEX operations_session ON operations (session_id);

-- A closed session: waiting until every operation it counts has arrived, then built (or failed).
CREATE TABLE closed_sessions (
    session_id     text PRIMARY KEY,
    register_id    text NOT NULL,
    merchant_id    text NOT NULL,
    closing_number bigint NOT NULL,
    closed_at      timestamptz NOT NULL,
    timezone       text NOT NULL,
    payload        jsonb NOT NULL,
    state          text NOT NULL CHECK (state IN ('waiting', 'built', 'failed')),
    error          text,
    received_at    timestamptz NOT NULL DEFAULT now(),
    built_at       timestamptz,
    UNIQUE (register_id, closing_number)
);
CREATE INDEX closed_sessions_waiting ON closed_sessions (register_id, closing_number) WHERE state = 'waiting';

-- The compiled closing: the CSV lines of every table, in order; an export concatenates them.
CREATE TABLE closing_rows (
    register_id    text NOT NULL,
    closing_number bigint NOT NULL,
    file_no        smallint NOT NULL,
    seq            integer NOT NULL,
    line           text NOT NULL,
    PRIMARY KEY (register_id, closing_number, file_no, seq)
);

-- Where each exported Bon lives, for references from later returns (references.csv).
CREATE TABLE bons (
    operation_id   text PRIMARY KEY,
    kasse_id       text NOT NULL,
    erstellung     text NOT NULL,
    closing_number bigint NOT NULL
);

CREATE TABLE exports (
    id              text PRIMARY KEY,
    tenant_id       text NOT NULL,
    merchant_id     text NOT NULL,
    register_id     text NOT NULL,
    type            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
    window_from     timestamptz NOT NULL,
    window_to       timestamptz NOT NULL,
    effective_from  timestamptz NOT NULL,
    effective_to    timestamptz NOT NULL,
    session_ids     text NOT NULL,
    closing_numbers text NOT NULL,
    timezone        text NOT NULL,
    error           text,
    attempts        integer NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    artifact        text,
    size_bytes      bigint,
    sha256          text,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    expires_at      timestamptz,
    artifact_deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX exports_merchant ON exports (merchant_id, id DESC);
CREATE INDEX exports_pending ON exports (created_at) WHERE status = 'pending';
