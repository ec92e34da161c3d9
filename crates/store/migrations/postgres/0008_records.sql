-- Projection: what a case records of the advice followed — warnings, police reports, the
-- answers behind a removal request — each the sealed body of the event that made it.
CREATE TABLE case_records (
    seq BIGINT PRIMARY KEY,
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    sealed BYTEA NOT NULL
);
CREATE INDEX case_records_case ON case_records (case_id, seq);
