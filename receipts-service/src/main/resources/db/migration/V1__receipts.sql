-- Receipts (API.md §10): one per completed SALE, RETURN and EXCHANGE, built from its operation.completed
-- event with the issuer snapshot, so a receipt stays as it was issued whatever changes afterwards.
CREATE TABLE receipts (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL,
    merchant_id  text NOT NULL,
    operation_id text NOT NULL UNIQUE,
    -- 256 random bits, base64url; the only credential of the public page. Stored as issued so that every
    -- read can return links.hosted (API.md §10.5, §13: operator's choice; we keep it plain).
    token        text NOT NULL UNIQUE,
    status       text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'archived')),
    -- the receipt object of §10.1 without status and links, as built when the event was consumed
    document     text NOT NULL,
    -- the TSE QR code's modules (QrCodes.Modules), encoded once from fiscal.qr_data; null for ONLINE
    qr_modules   bytea,
    issued_at    timestamptz NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX receipts_archivable ON receipts (issued_at) WHERE status = 'available';

-- Deliveries of a receipt (API.md §10.6): queued until a worker sends them, with up to 3 attempts.
CREATE TABLE deliveries (
    id              text PRIMARY KEY,
    receipt_id      text NOT NULL REFERENCES receipts (id),
    merchant_id     text NOT NULL,
    channel         text NOT NULL,
    recipient       text NOT NULL,
    locale          text NOT NULL,
    status          text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    -- when a queued delivery is next due; while a worker sends it, the end of that worker's lease
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    failure_reason  text
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'queued';
CREATE INDEX deliveries_per_receipt ON deliveries (receipt_id, created_at);
