-- Two-factor sign-in. The TOTP secret must be read back to check codes, so it is sealed
-- under a data key of its own, which `boundary keys rotate` re-wraps like any other.
ALTER TABLE orgs ADD COLUMN totp_required BIGINT NOT NULL DEFAULT 0;
CREATE TABLE totp (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    key_id TEXT NOT NULL REFERENCES data_keys(id),
    sealed BLOB NOT NULL,
    -- 0 while enrolment waits for the first code from the person's app.
    confirmed BIGINT NOT NULL DEFAULT 0,
    -- The newest time step accepted, so that no code is accepted twice.
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
-- Single-use recovery codes, kept only as SHA-256 hashes.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
