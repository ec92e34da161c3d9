-- RFC 3161 tokens over checkpoints, kept beside the checkpoint they stamp.
ALTER TABLE checkpoints ADD COLUMN tsa_token BLOB;
ALTER TABLE checkpoints ADD COLUMN tsa_time TEXT;

-- Deployment settings that verification needs, such as the TSA's certificate.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
