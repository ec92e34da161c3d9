//! Two-factor sign-in: each person's TOTP secret, sealed under a data key of its own,
//! the newest time step accepted (so a code works once), single-use recovery codes kept
//! as hashes, and each organisation's rule that its members must use it.

use crate::crypto::DataKey;
use crate::events::key_ad;
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::{KeyId, OrgId, Timestamp, UserId};
use sqlx::Row;

fn secret_ad(user: UserId) -> Vec<u8> {
    format!("boundary/totp/v1|{user}").into_bytes()
}

/// A person's TOTP secret and where they are with it.
#[derive(Debug)]
pub struct Totp {
    pub secret: Vec<u8>,
    pub confirmed: bool,
    pub last_step: i64,
}

impl Store {
    /// Starts enrolment: a new secret, waiting for its first code. Any earlier secret of
    /// the person's, confirmed or not, is replaced.
    ///
    /// # Errors
    /// Database or sealing errors.
    pub async fn begin_totp(
        &self,
        user: UserId,
        key_id: KeyId,
        secret: &[u8],
        at: Timestamp,
    ) -> Result<()> {
        let key = DataKey::generate();
        let wrapped = self.master().wrap(&key, &key_ad(&key_id))?;
        let sealed = key.seal(secret, &secret_ad(user))?;
        let mut tx = self.pool().begin().await?;
        delete_totp(&mut tx, user).await?;
        let stored = sqlx::query(crate::events::INSERT_DATA_KEY)
            .bind(key_id.to_string())
            .bind(wrapped)
            .bind(self.master().id())
            .bind(at.to_string())
            .execute(&mut *tx)
            .await?;
        crate::events::refuse_retired_key(stored.rows_affected())?;
        sqlx::query(
            "INSERT INTO totp (user_id, key_id, sealed, confirmed, last_step, created_at) \
             VALUES ($1, $2, $3, 0, 0, $4)",
        )
        .bind(user.to_string())
        .bind(key_id.to_string())
        .bind(sealed)
        .bind(at.unix_micros())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// # Errors
    /// `NotFound` when the person has no secret, confirmed or pending.
    pub async fn totp(&self, user: UserId) -> Result<Totp> {
        let r = sqlx::query(
            "SELECT t.key_id, t.sealed, t.confirmed, t.last_step, k.wrapped FROM totp t \
             JOIN data_keys k ON k.id = t.key_id WHERE t.user_id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let key_id: KeyId = get_id(&r, "key_id")?;
        let wrapped: Vec<u8> = r.try_get("wrapped")?;
        let sealed: Vec<u8> = r.try_get("sealed")?;
        let key = self.unwrap_data_key(key_id, &wrapped)?;
        Ok(Totp {
            secret: key.open(&sealed, &secret_ad(user))?,
            confirmed: r.try_get::<i64, _>("confirmed")? != 0,
            last_step: r.try_get("last_step")?,
        })
    }

    /// Records `step` as used, if it is newer than any step used before. Exactly one
    /// caller wins for a given step, however many race.
    ///
    /// # Errors
    /// `NotFound` when the step is not newer: the code was used already.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<()> {
        let r = sqlx::query("UPDATE totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
            .bind(step)
            .bind(user.to_string())
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Confirms enrolment and replaces the person's recovery codes, in one transaction.
    ///
    /// # Errors
    /// `NotFound` when there is no pending secret.
    pub async fn confirm_totp(&self, user: UserId, code_hashes: &[String]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let r = sqlx::query("UPDATE totp SET confirmed = 1 WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        replace_codes(&mut tx, user, code_hashes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// # Errors
    /// Database errors.
    pub async fn replace_recovery_codes(&self, user: UserId, code_hashes: &[String]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        replace_codes(&mut tx, user, code_hashes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses up one recovery code.
    ///
    /// # Errors
    /// `NotFound` for a code that is not the person's or was used already.
    pub async fn use_recovery_code(&self, user: UserId, code_hash: &str, now: i64) -> Result<()> {
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user.to_string())
        .bind(code_hash)
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The hashes of the person's unused recovery codes.
    ///
    /// # Errors
    /// Database errors.
    pub async fn unused_recovery_codes(&self, user: UserId) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT code_hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("code_hash")?)).collect()
    }

    /// How many unused recovery codes the person has.
    ///
    /// # Errors
    /// Database errors.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(r.try_get("n")?)
    }

    /// Turns two-factor sign-in off for a person: secret and recovery codes go.
    ///
    /// # Errors
    /// Database errors.
    pub async fn remove_totp(&self, user: UserId) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        delete_totp(&mut tx, user).await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// # Errors
    /// `NotFound`.
    pub async fn set_totp_required(&self, org: OrgId, required: bool) -> Result<()> {
        let r = sqlx::query("UPDATE orgs SET totp_required = $1 WHERE id = $2")
            .bind(i64::from(required))
            .bind(org.to_string())
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// # Errors
    /// `NotFound`.
    pub async fn totp_required(&self, org: OrgId) -> Result<bool> {
        let r = sqlx::query("SELECT totp_required FROM orgs WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(r.try_get::<i64, _>("totp_required")? != 0)
    }
}

async fn replace_codes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: UserId,
    code_hashes: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?;
    for h in code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.to_string())
            .bind(h)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Removes a person's secret and the data key that sealed it.
async fn delete_totp(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user: UserId) -> Result<()> {
    let old = sqlx::query("SELECT key_id FROM totp WHERE user_id = $1")
        .bind(user.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(r) = old {
        let key_id: String = r.try_get("key_id")?;
        sqlx::query("DELETE FROM totp WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM data_keys WHERE id = $1")
            .bind(key_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
