-- A record is inserted small (the claim) and updated in the same transaction with the response (~1.7 kB).
-- On full pages the larger version often had to move to another page: a new entry in both indexes for 47 %
-- of these updates in a sales run, and index work for every vacuum of a table that holds a day of requests
-- (the vacuums of this table coincided with the bursts of slow requests at 100 sales/s, docs/performance.md).
-- Pages kept 30 % free for the update took 99 % of them in place (HOT: no index entry; the old version is
-- pruned on the page) in the same run, for about a fifth more space per record. New pages only; pages
-- written before keep their fill.
ALTER TABLE idempotency_records SET (fillfactor = 70);
