-- Wakes the outbox relay as soon as events commit (OutboxRelay LISTENs on this channel) instead of on its
-- next poll. PostgreSQL delivers a NOTIFY at commit, only if the transaction commits, and folds identical
-- ones within a transaction, so one per statement is enough. Channels are per database, not per schema.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fiscalization_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
