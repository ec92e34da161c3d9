-- Exports being made for the case page, so that a large one shows its progress to
-- whichever server the page asks. The finished file is kept sealed with the case key
-- beside the attachments (exports/<id>) and removed with its row an hour after it was last
-- heard of.
-- Times are Unix seconds.
CREATE TABLE export_jobs (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    state TEXT NOT NULL,
    done BIGINT NOT NULL,
    total BIGINT NOT NULL,
    failure TEXT,
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX export_jobs_updated ON export_jobs (updated_at);
