-- The software TSE (uncertified, TSE.md §14): one TSS per register, its encrypted key, its gapless
-- signature counter and transaction numbers, and every signed log message as its DER bytes.
CREATE TABLE tse_tss (
    id                     text PRIMARY KEY,
    register_id            text NOT NULL,
    state                  text NOT NULL CHECK (state IN ('INITIALIZED', 'DISABLED')),
    signature_algorithm    text NOT NULL,
    public_key             bytea NOT NULL,
    serial_number          text NOT NULL UNIQUE,
    encrypted_private_key  bytea NOT NULL,
    certificate            bytea NOT NULL,
    encrypted_admin_pin    bytea,
    signature_counter      bigint NOT NULL,
    transaction_counter    bigint NOT NULL,
    created_at             timestamptz NOT NULL,
    disabled_at            timestamptz
);
CREATE INDEX tse_tss_register ON tse_tss (register_id);

CREATE TABLE tse_clients (
    tss_id         text NOT NULL REFERENCES tse_tss (id),
    serial_number  text NOT NULL,
    state          text NOT NULL CHECK (state IN ('REGISTERED', 'DEREGISTERED')),
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tss_id, serial_number)
);

CREATE TABLE tse_log_messages (
    tss_id              text NOT NULL REFERENCES tse_tss (id),
    signature_counter   bigint NOT NULL,
    log_type            text NOT NULL CHECK (log_type IN ('transaction', 'system')),
    operation_type      text NOT NULL,
    client_id           text,
    transaction_number  bigint,
    log_time            timestamptz NOT NULL,
    message             bytea NOT NULL,
    PRIMARY KEY (tss_id, signature_counter)
);
CREATE INDEX tse_log_messages_transaction ON tse_log_messages (tss_id, transaction_number) WHERE transaction_number IS NOT NULL;
