-- The TSS a fiscalized register signs with (the software TSE's id, or a cloud TSE's TSS id).
ALTER TABLE registers ADD COLUMN tss_id text;
CREATE INDEX registers_pending ON registers (updated_at) WHERE fiscalization_status = 'pending' AND deleted_at IS NULL;
