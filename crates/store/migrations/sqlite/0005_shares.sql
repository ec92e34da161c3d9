-- Projection: who a case is shared with, and how.
CREATE TABLE case_shares (
    case_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    access TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (case_id, member_id)
);
CREATE INDEX case_shares_member ON case_shares (member_id);
