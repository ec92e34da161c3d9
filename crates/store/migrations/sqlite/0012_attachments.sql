-- Projection: the files attached to each case, their record (hash, type, size, name,
-- entry) sealed with the case key. The files themselves are sealed too, in the data
-- folder's attachments/ directory, named by the attachment's id.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    entry_id TEXT,
    seq BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    sealed BLOB NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id, seq);
