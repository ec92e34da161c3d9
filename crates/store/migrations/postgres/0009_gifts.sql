-- Projection: each organisation's gift register, one row per gift, sealed under the
-- register's own data key (not a case key: the register belongs to no case).
CREATE TABLE gifts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    offered_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    sealed BYTEA NOT NULL
);
CREATE INDEX gifts_org ON gifts (org_id, offered_on);
