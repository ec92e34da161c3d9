-- The Merkle tree, in the stored-hash-index layout of Go's checksum database: every
-- leaf hash and every completed interior hash, written once.
CREATE TABLE tree_hashes (
    idx BIGINT PRIMARY KEY,
    hash BLOB NOT NULL
);

-- Every signed checkpoint, one per committed append (or batch of appends).
CREATE TABLE checkpoints (
    tree_size BIGINT PRIMARY KEY,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Each full verification of the log, for the ledger page.
CREATE TABLE verifications (
    id BIGINT PRIMARY KEY,
    ran_at TEXT NOT NULL,
    ok BIGINT NOT NULL,
    events BIGINT NOT NULL,
    message TEXT NOT NULL
);
