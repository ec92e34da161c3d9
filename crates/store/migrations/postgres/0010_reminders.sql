-- Reminder e-mails already sent, by key, so that each is sent once. The key names a case
-- and what is due; the e-mails themselves say nothing about the case and are not kept.
CREATE TABLE reminders_sent (
    key TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    sent_at BIGINT NOT NULL
);
