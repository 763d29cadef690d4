-- Idempotency-Key outcomes (API.md §2.9). A row is inserted in the same transaction as the change it
-- guards and carries the stored response; a concurrent duplicate waits on the row's unique key.
CREATE TABLE idempotency_records (
    scope             text NOT NULL,
    idempotency_key   text NOT NULL,
    fingerprint       text NOT NULL,
    response_status   integer,
    response_headers  text,
    response_body     text,
    request_id        text NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);
