//! Personal access tokens for the API: made by their holder, shown once, listed by a
//! public id, revocable, and always expiring (90 days unless the holder chooses up to a
//! year). Changing the password, signing out other devices and turning on two-factor
//! sign-in end them all: a token must not outlive what should end it.

use crate::auth::{actor_of, secret_hash};
use crate::{Actor, App, AppError, Result};
use boundary_domain::{FieldErrors, MemberId};
use boundary_store::tokens::TokenInfo;
use boundary_store::StoreError;

const TOKEN_PREFIX: &str = "bnd_";
pub const TOKEN_LABEL_MAX: usize = 100;
/// A token may live at most a year.
pub const TOKEN_DAYS_MAX: i64 = 366;
/// How long a token lives when its maker does not say.
pub const TOKEN_DAYS_DEFAULT: i64 = 90;

/// A token just made: its public id, and the secret, which is never shown again.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: String,
    pub secret: String,
    pub expires_micros: i64,
}

impl App {
    /// A personal access token for the API, returned once, living `expires_in_days`
    /// (90 when not given).
    ///
    /// # Errors
    /// `Invalid` for an over-long label or an expiry outside 1 to 366 days.
    pub async fn create_token(
        &self,
        member: MemberId,
        label: Option<&str>,
        expires_in_days: Option<i64>,
    ) -> Result<NewToken> {
        let label = label.map(str::trim).filter(|l| !l.is_empty());
        let mut errors = FieldErrors::new();
        if label.is_some_and(|l| l.chars().count() > TOKEN_LABEL_MAX) {
            errors.add(
                "label",
                format!("Use at most {TOKEN_LABEL_MAX} characters for the label"),
            );
        }
        if let Some(d) = expires_in_days {
            if !(1..=TOKEN_DAYS_MAX).contains(&d) {
                errors.add(
                    "expires_in_days",
                    format!("A token can last from 1 to {TOKEN_DAYS_MAX} days"),
                );
            }
        }
        errors.into_result()?;
        let secret = format!("{TOKEN_PREFIX}{}", self.secret());
        let id = boundary_domain::TokenId::from_random(self.random.bytes16()).to_string();
        let now = self.now_micros();
        let days = expires_in_days.unwrap_or(TOKEN_DAYS_DEFAULT);
        let expires_micros = now + days * 86_400 * 1_000_000;
        self.store
            .create_token(
                &id,
                &secret_hash(&secret),
                member,
                label,
                now,
                Some(expires_micros),
            )
            .await?;
        tracing::info!(%member, token = %id, "API token created");
        Ok(NewToken {
            id,
            secret,
            expires_micros,
        })
    }

    /// The actor's own tokens, newest first; never their secrets.
    ///
    /// # Errors
    /// Database errors.
    pub async fn my_tokens(&self, actor: &Actor) -> Result<Vec<TokenInfo>> {
        Ok(self.store.tokens_of(actor.member).await?)
    }

    /// Revokes one of the actor's own tokens; it stops working at once.
    ///
    /// # Errors
    /// `NotFound` for a token that is not theirs or is already revoked.
    pub async fn revoke_token(&self, actor: &Actor, id: &boundary_domain::TokenId) -> Result<()> {
        self.store
            .revoke_token(id.as_str(), actor.member, self.now_micros())
            .await?;
        tracing::info!(member = %actor.member, token = %id, "API token revoked");
        Ok(())
    }

    /// The member a bearer token speaks for.
    ///
    /// # Errors
    /// `Unauthenticated` for an unknown, revoked or expired token, or a deactivated member.
    pub async fn token_actor(&self, token: &str) -> Result<Actor> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let t = match self.store.token(&secret_hash(token)).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => return Err(AppError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        let now = self.now_micros();
        if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::Unauthenticated);
        }
        let member = self.store.member(t.member).await?;
        if !member.usable() {
            return Err(AppError::Unauthenticated);
        }
        Ok(Actor {
            via_token: true,
            ..actor_of(member)
        })
    }
}
