-- An event's payload (~2 kB) is deleted once Kafka has it, seconds after it was written: kept inline
-- uncompressed up to a full page instead of being compressed with pglz, which costs CPU on every sale and
-- saves nothing worth keeping. (V6, the outbox NOTIFY trigger, was removed; its number stays taken.)
ALTER TABLE outbox SET (toast_tuple_target = 8160);
