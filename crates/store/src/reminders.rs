//! Which reminder e-mails have gone, and which cases may need one.

use crate::{get_id, Result, Store};
use boundary_domain::{CaseId, MemberId};

impl Store {
    /// Every case not closed, with its owner: the cases reminders are worked out for.
    ///
    /// # Errors
    /// Database errors.
    pub async fn open_cases(&self) -> Result<Vec<(CaseId, MemberId)>> {
        let rows =
            sqlx::query("SELECT id, owner_id FROM cases WHERE status <> 'closed' ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| Ok((get_id(r, "id")?, get_id(r, "owner_id")?)))
            .collect()
    }

    /// # Errors
    /// Database errors.
    pub async fn reminder_sent(&self, key: &str) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 AS sent FROM reminders_sent WHERE key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// # Errors
    /// Database errors.
    pub async fn mark_reminder_sent(&self, key: &str, member: MemberId, at: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO reminders_sent (key, member_id, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(member.to_string())
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
