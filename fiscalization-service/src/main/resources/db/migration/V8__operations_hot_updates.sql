-- Every goods movement is written twice: inserted OPEN, then updated once on complete or void. That update
-- changed an indexed column (status, in operations_session) and found no room on the row's page, so it
-- was never a HOT update: each one wrote a new entry into all four indexes (375 of 253,347 updates were
-- HOT in a sales benchmark). Without status in any index and with half of each page left free for the one
-- update a row gets, the new version stays on its page and the indexes are not touched. The OPEN operations
-- of a session are found by the session's index and filtered on the row; a session is read whole on close
-- anyway. The new index is built while operations are locked against writes (seconds per million rows):
-- an upgrade of a large installation plans for that pause (docs/operations.md "Upgrades").
ALTER TABLE operations SET (fillfactor = 50);
DROP INDEX operations_session;
CREATE INDEX operations_session ON operations (session_id, id) WHERE session_id IS NOT NULL;
