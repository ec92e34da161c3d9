-- People and organisations. Not events: who may sign in is settings, not case history.
CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    roles TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, org_id)
);
-- Secrets handed to people (session ids, tokens, links) are kept only as SHA-256 hashes.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent TEXT
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    member_id TEXT NOT NULL REFERENCES members(id),
    label TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE TABLE one_time_links (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    member_id TEXT REFERENCES members(id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Each case's data key, sealed under the master key.
CREATE TABLE data_keys (
    id TEXT PRIMARY KEY,
    wrapped BYTEA NOT NULL,
    master_key_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The log: one global sequence, no gaps, never updated.
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    case_id TEXT,
    key_id TEXT NOT NULL REFERENCES data_keys(id),
    event_type TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    leaf_hash BYTEA NOT NULL
);

-- Projections: rebuilt from the events by `boundary rebuild`.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    status TEXT NOT NULL,
    chaperone_required BIGINT NOT NULL,
    person_sealed BYTEA,
    person_seq BIGINT,
    opened_at TEXT NOT NULL,
    entry_count BIGINT NOT NULL DEFAULT 0,
    last_contact_key BIGINT,
    last_seq BIGINT NOT NULL
);
CREATE INDEX cases_owner ON cases (owner_id);
CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    occurred_key BIGINT NOT NULL,
    sealed BYTEA NOT NULL
);
CREATE INDEX entries_case ON entries (case_id, occurred_key);
CREATE TABLE amendments (
    id TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    sealed BYTEA NOT NULL
);
CREATE INDEX amendments_entry ON amendments (entry_id, seq);
