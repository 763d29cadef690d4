-- W3C trace context of the request that caused the event, sent as the record header traceparent.
ALTER TABLE outbox ADD COLUMN traceparent text;
