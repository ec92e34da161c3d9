//! Personal access tokens for the API. Like session ids, only their SHA-256 hashes
//! are kept; the id is a separate public handle for listing and revoking.

use crate::{get_id, Result, Store, StoreError};
use boundary_domain::MemberId;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub member: MemberId,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A token as its holder sees it listed: never the secret.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: String,
    pub label: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Revokes every live token of the user behind any of their memberships.
    ///
    /// # Errors
    /// Database errors.
    pub async fn revoke_user_tokens(&self, user: boundary_domain::UserId, now: i64) -> Result<u64> {
        let r = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL \
             AND member_id IN (SELECT id FROM members WHERE user_id = $2)",
        )
        .bind(now)
        .bind(user.to_string())
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected())
    }

    /// # Errors
    /// Database errors.
    pub async fn create_token(
        &self,
        id: &str,
        token_hash: &str,
        member: MemberId,
        label: Option<&str>,
        now: i64,
        expires_at: Option<i64>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, member_id, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(member.to_string())
        .bind(label)
        .bind(now)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// # Errors
    /// `NotFound`.
    pub async fn token(&self, token_hash: &str) -> Result<TokenRow> {
        let r = sqlx::query(
            "SELECT member_id, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(TokenRow {
            member: get_id(&r, "member_id")?,
            expires_at: r.try_get("expires_at")?,
            revoked_at: r.try_get("revoked_at")?,
        })
    }

    /// A member's tokens, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn tokens_of(&self, member: MemberId) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, expires_at, revoked_at FROM api_tokens \
             WHERE member_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(member.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    label: r.try_get("label")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of a member's own tokens.
    ///
    /// # Errors
    /// `NotFound` when the token is not theirs or was already revoked.
    pub async fn revoke_token(&self, id: &str, member: MemberId, now: i64) -> Result<()> {
        let r = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 \
             WHERE id = $2 AND member_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(member.to_string())
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}
