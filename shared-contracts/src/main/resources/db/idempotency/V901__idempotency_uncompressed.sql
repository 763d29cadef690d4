-- A stored response (~1.7 kB of JSON per create or complete) pushed the row past PostgreSQL's 2 kB
-- threshold, so every one was compressed with pglz: the largest single item of PostgreSQL's CPU under
-- sales load (docs/performance.md). These rows live a day; they are now kept inline uncompressed up to a
-- full page. (lz4 would be the cheaper compression, but is not built into every PostgreSQL we run on.)
ALTER TABLE idempotency_records SET (toast_tuple_target = 8160);
