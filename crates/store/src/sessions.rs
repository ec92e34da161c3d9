//! Sign-in sessions, one-time links and sign-in throttling. The secret a person
//! holds (cookie, token, link) is stored only as its SHA-256 hash, so a copy of the
//! database cannot be used to sign in.

use crate::{get_id, Result, Store, StoreError};
use boundary_domain::MemberId;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub member: MemberId,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// A one-time link's purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Sets up the first organisation and account on an empty store.
    Setup,
    /// An organisation's invitation: a new person chooses their first password with it;
    /// someone with an account accepts it while signed in. (Stored as `set_password`,
    /// its name before invitations needed accepting, so links already sent still work.)
    Invitation,
    /// Half a sign-in: the password was right, the second factor is still to come.
    SecondFactor,
}

impl LinkPurpose {
    fn code(self) -> &'static str {
        match self {
            LinkPurpose::Setup => "setup",
            LinkPurpose::Invitation => "set_password",
            LinkPurpose::SecondFactor => "second_factor",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "setup" => Ok(LinkPurpose::Setup),
            "set_password" => Ok(LinkPurpose::Invitation),
            "second_factor" => Ok(LinkPurpose::SecondFactor),
            _ => Err(StoreError::Corrupt(format!("link purpose {s}"))),
        }
    }
}

impl Store {
    /// A session whose sign-in happened at `signed_in_at` (its `created_at`, from which
    /// the absolute limit counts) and which is in use `now`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn create_session(
        &self,
        id_hash: &str,
        member: MemberId,
        csrf_token: &str,
        (signed_in_at, now): (i64, i64),
        user_agent: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, member_id, csrf_token, created_at, last_seen_at, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(member.to_string())
        .bind(csrf_token)
        .bind(signed_in_at)
        .bind(now)
        .bind(user_agent)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// # Errors
    /// `NotFound`.
    pub async fn session(&self, id_hash: &str) -> Result<SessionRow> {
        let r = sqlx::query(
            "SELECT member_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(SessionRow {
            member: get_id(&r, "member_id")?,
            csrf_token: r.try_get("csrf_token")?,
            created_at: r.try_get("created_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
        })
    }

    /// Every session of the user behind `member`, in every organisation, newest use first:
    /// (id hash, created, last seen, user agent).
    ///
    /// # Errors
    /// Database errors.
    pub async fn sessions_of(
        &self,
        member: MemberId,
    ) -> Result<Vec<(String, i64, i64, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT s.id_hash, s.created_at, s.last_seen_at, s.user_agent FROM sessions s \
             JOIN members m ON m.id = s.member_id \
             WHERE m.user_id = (SELECT user_id FROM members WHERE id = $1) ORDER BY s.last_seen_at DESC",
        )
        .bind(member.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id_hash")?,
                    r.try_get("created_at")?,
                    r.try_get("last_seen_at")?,
                    r.try_get("user_agent")?,
                ))
            })
            .collect()
    }

    /// # Errors
    /// Database errors.
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// # Errors
    /// Database errors.
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// # Errors
    /// Database errors.
    pub async fn create_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        member: Option<MemberId>,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO one_time_links (token_hash, purpose, member_id, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(purpose.code())
        .bind(member.map(|m| m.to_string()))
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A link that is unused and unexpired, without using it.
    ///
    /// # Errors
    /// `NotFound` for an unknown, used or expired link.
    pub async fn live_link(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(LinkPurpose, Option<MemberId>)> {
        let r = sqlx::query(
            "SELECT purpose, member_id FROM one_time_links \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let purpose: String = r.try_get("purpose")?;
        let member: Option<String> = r.try_get("member_id")?;
        Ok((
            LinkPurpose::parse(&purpose)?,
            member
                .map(|m| m.parse())
                .transpose()
                .map_err(|_| StoreError::Corrupt("member_id".into()))?,
        ))
    }

    /// The latest time (unix µs) until which any of `keys` is locked out of signing in.
    ///
    /// # Errors
    /// Database errors.
    pub async fn locked_until(&self, keys: &[String]) -> Result<i64> {
        let mut until = 0;
        for key in keys {
            let r = sqlx::query("SELECT locked_until FROM sign_in_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
            if let Some(r) = r {
                until = until.max(r.try_get::<i64, _>("locked_until")?);
            }
        }
        Ok(until)
    }

    /// Counts a failed sign-in against `key`; returns how many there have been in a row.
    ///
    /// # Errors
    /// Database errors.
    pub async fn count_failure(&self, key: &str) -> Result<i64> {
        let r = sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, locked_until) VALUES ($1, 1, 0) \
             ON CONFLICT (key) DO UPDATE SET failures = sign_in_throttle.failures + 1 \
             RETURNING failures",
        )
        .bind(key)
        .fetch_one(self.pool())
        .await?;
        Ok(r.try_get("failures")?)
    }

    /// # Errors
    /// Database errors.
    pub async fn lock_until(&self, key: &str, until: i64) -> Result<()> {
        sqlx::query("UPDATE sign_in_throttle SET locked_until = $1 WHERE key = $2")
            .bind(until)
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// # Errors
    /// Database errors.
    pub async fn clear_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every unused link of one purpose.
    ///
    /// # Errors
    /// Database errors.
    pub async fn expire_links(&self, purpose: LinkPurpose, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE one_time_links SET used_at = $1 WHERE purpose = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(purpose.code())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Ends every unused link of one member.
    ///
    /// # Errors
    /// Database errors.
    pub async fn expire_member_links(&self, member: MemberId, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE one_time_links SET used_at = $1 WHERE member_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(member.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks a live link used. Exactly one caller can win this, however many race.
    ///
    /// # Errors
    /// `NotFound` when it was already used, expired or never existed.
    pub async fn use_link(&self, token_hash: &str, now: i64) -> Result<()> {
        let r = sqlx::query(
            "UPDATE one_time_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}
