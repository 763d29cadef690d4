-- Sessions (shifts) and operations (API.md §6, §7). Amounts are numeric without scale, so every value is
-- kept exactly as received ("19.000" stays 19.000); output rounds to 2 decimals.

-- The register's DSFinV-K closing number (Z_NR): the last one given; starts at 1, no gaps, never resets.
ALTER TABLE registers ADD COLUMN last_closing_number bigint NOT NULL DEFAULT 0;

CREATE TABLE sessions (
    id                        text PRIMARY KEY,
    merchant_id               text NOT NULL REFERENCES merchants (id),
    register_id               text NOT NULL REFERENCES registers (id),
    location_id               text NOT NULL,
    status                    text NOT NULL CHECK (status IN ('open', 'counted', 'closed')),
    currency                  text NOT NULL,
    opened_at                 timestamptz NOT NULL,
    counted_at                timestamptz,
    closed_at                 timestamptz,
    open_operation_id         text NOT NULL,
    count_operation_id        text,
    close_operation_id        text,
    opening_balance_amount    numeric NOT NULL,
    -- filled at count and at close; while open they are summed from the operations
    cash_adjustments_amount   numeric,
    cash_payments_amount      numeric,
    expected_amount           numeric,
    counted_amount            numeric,
    variance_amount           numeric,
    closing_transfer_amount   numeric,
    closing_balance_amount    numeric,
    closing_number            bigint,
    totals                    text,
    first_tse_transaction_number bigint,
    last_tse_transaction_number  bigint,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    UNIQUE (register_id, closing_number)
);
CREATE INDEX sessions_merchant ON sessions (merchant_id, id DESC);
CREATE INDEX sessions_register_closed ON sessions (register_id, closed_at) WHERE status = 'closed';
-- at most one session in progress per register (API.md §7.1), also against a bug in the locking
CREATE UNIQUE INDEX sessions_one_in_progress ON sessions (register_id) WHERE status <> 'closed';

CREATE TABLE operations (
    id                       text PRIMARY KEY,
    merchant_id              text NOT NULL REFERENCES merchants (id),
    type                     text NOT NULL CHECK (type IN ('SALE', 'RETURN', 'EXCHANGE', 'SESSION_OPEN',
                                 'SESSION_CASH_ADJUSTMENT', 'SESSION_CASH_COUNT', 'SESSION_CLOSE')),
    source                   text NOT NULL CHECK (source IN ('POS', 'ONLINE')),
    status                   text NOT NULL CHECK (status IN ('OPEN', 'COMPLETED', 'VOIDED')),
    currency                 text NOT NULL,
    register_id              text REFERENCES registers (id),
    location_id              text,
    session_id               text REFERENCES sessions (id),
    external_id              text,
    note                     text,
    related_operation_id     text,
    -- goods movements
    pretax_amount            numeric,
    tax_amount               numeric,
    tip_amount               numeric,
    total_amount             numeric,
    -- what the operation did to the cash drawer: Σ cash legs of a completed goods movement, or the amount
    -- of a cash adjustment; expected cash sums it (API.md §7.5)
    cash_amount              numeric,
    -- session events: opening balance, adjustment amount, counted amount or closing transfer
    amount                   numeric,
    kind                     text,
    expected_amount          numeric,
    variance_amount          numeric,
    counted_amount           numeric,
    closing_balance_amount   numeric,
    closing_number           bigint,
    -- line items, discounts, payments, operator, external related operation: JSON with exact amounts
    details                  text NOT NULL,
    void_reason              text,
    completed_at             timestamptz,
    voided_at                timestamptz,
    fiscal_information       text,
    fiscal_error             text,
    -- the TSE transaction this operation was signed as (document_number)
    tse_transaction_number   bigint,
    -- a TSE transaction started by a complete whose Finish failed (phase 2, API.md §8.5); resumed later
    tse_started_transaction  bigint,
    tse_started_event        text,
    resource_version         bigint NOT NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL
);
CREATE INDEX operations_merchant ON operations (merchant_id, id DESC);
CREATE INDEX operations_session ON operations (session_id, status) WHERE session_id IS NOT NULL;
CREATE INDEX operations_register ON operations (register_id, id DESC) WHERE register_id IS NOT NULL;

-- Every attempt to sign or finish an operation, also the failed ones (API.md §8.5, §6.7: the void note).
CREATE TABLE operation_audit (
    id                     bigserial PRIMARY KEY,
    operation_id           text NOT NULL REFERENCES operations (id),
    action                 text NOT NULL,
    outcome                text NOT NULL,
    phase                  int,
    tse_transaction_number bigint,
    message                text,
    request_id             text,
    occurred_at            timestamptz NOT NULL
);
CREATE INDEX operation_audit_operation ON operation_audit (operation_id, id);
