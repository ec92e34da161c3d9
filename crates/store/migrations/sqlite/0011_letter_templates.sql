-- A practice's own wording for its letters, set by its admin: settings, not case
-- history, so not events. Boundary's wording is used where there is no row.
CREATE TABLE letter_templates (
    org_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);
