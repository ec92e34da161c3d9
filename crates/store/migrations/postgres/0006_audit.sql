-- Projection: the access audit — every view of a case, and every change of who may see it.
CREATE TABLE case_audit (
    seq BIGINT PRIMARY KEY,
    case_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT,
    address TEXT,
    at TEXT NOT NULL
);
CREATE INDEX case_audit_case ON case_audit (case_id, seq);
CREATE INDEX case_audit_org ON case_audit (org_id, seq);
