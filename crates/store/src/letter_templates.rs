//! A practice's own wording for its letters. Who may change it is `app`'s call.

use crate::{Result, Store};
use boundary_domain::{MemberId, OrgId};
use sqlx::Row;

impl Store {
    /// The organisation's template for a kind of letter (its code), if it has one.
    ///
    /// # Errors
    /// Database errors.
    pub async fn letter_template(&self, org: OrgId, kind: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT body FROM letter_templates WHERE org_id = $1 AND kind = $2")
            .bind(org.to_string())
            .bind(kind)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get("body")).transpose()?)
    }

    /// # Errors
    /// Database errors.
    pub async fn set_letter_template(
        &self,
        org: OrgId,
        kind: &str,
        body: &str,
        by: MemberId,
        at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO letter_templates (org_id, kind, body, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, kind) \
             DO UPDATE SET body = $3, updated_at = $4, updated_by = $5",
        )
        .bind(org.to_string())
        .bind(kind)
        .bind(body)
        .bind(at)
        .bind(by.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Goes back to Boundary's wording for a kind of letter.
    ///
    /// # Errors
    /// Database errors.
    pub async fn clear_letter_template(&self, org: OrgId, kind: &str) -> Result<()> {
        sqlx::query("DELETE FROM letter_templates WHERE org_id = $1 AND kind = $2")
            .bind(org.to_string())
            .bind(kind)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
