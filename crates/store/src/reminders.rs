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

    /// Claims a reminder before sending it: true for the one server, of any number
    /// sharing the database, that may send it.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim_reminder(&self, key: &str, member: MemberId, at: i64) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO reminders_sent (key, member_id, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(member.to_string())
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Gives a claim back after the mail server refused, so the reminder is tried again.
    ///
    /// # Errors
    /// Database errors.
    pub async fn release_reminder(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM reminders_sent WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
