//! Signing in: Argon2id passwords, throttling, the second factor's half-way step, and
//! one-time links (staying signed in is `sessions.rs`). Every secret handed out is
//! random, shown once, and stored only as its SHA-256 hash.

use crate::passwords::check_password_rules;
use crate::{Actor, App, AppError, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use boundary_domain::{Email, FieldErrors, MemberId};
use boundary_store::accounts::MemberRow;
use boundary_store::sessions::LinkPurpose;
use boundary_store::StoreError;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

/// Compared against when the e-mail address is unknown, so that a wrong address takes
/// as long as a wrong password and the answer does not tell which accounts exist.
static DUMMY_HASH: OnceCell<String> = OnceCell::const_new();

/// Codes allowed for one half-finished sign-in.
const CODE_TRIES: i64 = 5;

/// How long someone has, after a right password, to give their second factor.
const SECOND_FACTOR_SECONDS: i64 = 5 * 60;

/// Where a sign-in stands after the password.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in.
    Done(NewSession, Box<Actor>),
    /// The password was right; a code from their app is still needed. The secret goes in
    /// a short-lived cookie and names this half-finished sign-in, nothing more.
    NeedsCode(String),
}

pub use crate::sessions::{NewSession, SessionInfo};
pub use crate::throttle::From;

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl App {
    pub(crate) fn secret(&self) -> String {
        hex::encode(self.random.bytes32())
    }

    /// Argon2id with the crate's defaults (OWASP's minimum: 19 MiB, 2 passes), off the
    /// async threads.
    pub(crate) async fn hash_password(&self, password: &str) -> Result<String> {
        let salt = SaltString::encode_b64(&self.random.bytes16())?;
        let password = password.to_owned();
        let _permit = self.hashing.acquire().await?;
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(AppError::from)
        })
        .await?
    }

    pub(crate) async fn password_matches(
        &self,
        hash: Option<String>,
        password: &str,
    ) -> Result<bool> {
        let real = hash.is_some();
        let hash = match hash {
            Some(h) => h,
            None => DUMMY_HASH
                .get_or_try_init(|| self.hash_password("not a real password, only for timing"))
                .await?
                .clone(),
        };
        let password = password.to_owned();
        let _permit = self.hashing.acquire().await?;
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|h| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &h)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await?;
        Ok(real && ok)
    }

    /// Signs in with e-mail and password. A wrong address and a wrong password get the
    /// same answer after the same work.
    ///
    /// # Errors
    /// `Invalid` with one message for any wrong combination.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &SecretString,
        user_agent: Option<&str>,
        from: &From<'_>,
    ) -> Result<SignIn> {
        let password = password.expose_secret();
        // A right password with a code still to come does not clear the failures, or
        // each password sign-in would buy five more guesses at the code.
        self.throttled(
            email,
            from,
            self.sign_in_checked(email, password, user_agent),
            |outcome| matches!(outcome, SignIn::Done(..)),
        )
        .await
    }

    /// Finishes a sign-in with a code from the person's app or a recovery code. Wrong
    /// codes count against the account and the address exactly as wrong passwords do.
    ///
    /// # Errors
    /// `NotFound` when the half-finished sign-in is unknown or over five minutes old;
    /// `Invalid` for a wrong or reused code; `Throttled`.
    pub async fn sign_in_with_code(
        &self,
        pending: &str,
        code: &str,
        user_agent: Option<&str>,
        from: &From<'_>,
    ) -> Result<(NewSession, Actor)> {
        let member = match self.link(pending).await? {
            (LinkPurpose::SecondFactor, Some(m)) => self.store.member(m).await?,
            _ => return Err(AppError::NotFound),
        };
        let email = member.email.clone();
        // Each half-finished sign-in gets five codes, counted before any is checked, so
        // that guesses sent side by side cannot slip past the count; then it is void.
        let tries_key = format!("pending:{}", secret_hash(pending));
        if self.store.count_failure(&tries_key).await? > CODE_TRIES {
            let _ = self.use_link(pending).await;
            tracing::warn!(member = %member.id, "half-finished sign-in voided after too many codes");
            return Err(AppError::NotFound);
        }
        let check = async {
            if !member.usable() {
                return Err(AppError::NotFound);
            }
            if !self
                .second_factor_ok(member.user, &member.email, code)
                .await?
            {
                return Err(crate::second_factor::wrong_code());
            }
            self.use_link(pending).await?;
            self.store.clear_failures(&tries_key).await?;
            let session = self.start_session(member.id, user_agent).await?;
            tracing::info!(member = %member.id, "signed in with a second factor");
            Ok((session, actor_of(member)))
        };
        self.throttled(&email, from, check, |_| true).await
    }

    async fn sign_in_checked(
        &self,
        email: &str,
        password: &str,
        user_agent: Option<&str>,
    ) -> Result<SignIn> {
        let wrong = || {
            AppError::Invalid(FieldErrors::one(
                "email",
                "The e-mail address or password is not right",
            ))
        };
        let user = match Email::parse(email) {
            Ok(e) => match self.store.user_by_email(&e).await {
                Ok(u) => Some(u),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        };
        let hash = user.as_ref().and_then(|u| u.password_hash.clone());
        if !self.password_matches(hash, password).await? {
            return Err(wrong());
        }
        let user = user.ok_or_else(wrong)?;
        let member = self
            .store
            .memberships(user.id)
            .await?
            .into_iter()
            .find(boundary_store::accounts::MemberRow::usable)
            .ok_or_else(wrong)?;
        if member.totp_enabled {
            let pending = self
                .create_link(
                    LinkPurpose::SecondFactor,
                    Some(member.id),
                    SECOND_FACTOR_SECONDS,
                )
                .await?;
            return Ok(SignIn::NeedsCode(pending));
        }
        let session = self.start_session(member.id, user_agent).await?;
        tracing::info!(member = %member.id, "signed in");
        Ok(SignIn::Done(session, Box::new(actor_of(member))))
    }

    /// Changes the actor's password after checking the current one, and ends every other
    /// session they have; the session they are using is replaced by a new one.
    ///
    /// # Errors
    /// `Invalid` for a wrong current password or a weak new one.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &SecretString,
        new: &SecretString,
        user_agent: Option<&str>,
    ) -> Result<NewSession> {
        let current = current.expose_secret();
        let new = new.expose_secret();
        let user = self.confirm_password(actor, current, "current").await?;
        check_password_rules(new, &[&actor.email, &actor.name]).map_err(|e| {
            let mut f = FieldErrors::new();
            for (_, m) in e.iter() {
                f.add("new", m);
            }
            AppError::Invalid(f)
        })?;
        let hash = self.hash_password(new).await?;
        // Ends every session of the user, this one included, and every API token.
        self.store.set_password(user.id, &hash).await?;
        self.store
            .revoke_user_tokens(user.id, self.now_micros())
            .await?;
        tracing::info!(member = %actor.member, "password changed; every session and token ended");
        // A new id, but the old sign-in's time: a password change must not renew the
        // 12-hour limit for whoever holds the session.
        let signed_in_at = actor.signed_in_at.unwrap_or_else(|| self.now_micros());
        self.session_signed_in_at(actor.member, user_agent, signed_in_at)
            .await
    }

    /// Asks for the actor's password again before a change to how they sign in (ASVS
    /// 7.5.1). A wrong one counts against the account like a failed sign-in.
    ///
    /// # Errors
    /// `Invalid` under `field` for a wrong password; `Throttled`.
    pub(crate) async fn confirm_password(
        &self,
        actor: &Actor,
        password: &str,
        field: &str,
    ) -> Result<boundary_store::accounts::UserRow> {
        let check = async {
            let user = self
                .store
                .user_by_email(
                    &Email::parse(&actor.email)
                        .map_err(|_| AppError::Internal("a member's stored e-mail".into()))?,
                )
                .await?;
            if self
                .password_matches(user.password_hash.clone(), password)
                .await?
            {
                Ok(user)
            } else {
                Err(FieldErrors::one(field, "That is not your current password").into())
            }
        };
        // A right password here clears nothing: a second factor may still follow. The
        // person is signed in, so their browser is one the account knows.
        self.throttled(&actor.email, &From::signed_in(actor), check, |_| false)
            .await
    }

    /// A one-time link secret, stored hashed.
    pub(crate) async fn create_link(
        &self,
        purpose: LinkPurpose,
        member: Option<MemberId>,
        seconds: i64,
    ) -> Result<String> {
        let secret = self.secret();
        let expires = self.now_micros() + seconds * 1_000_000;
        self.store
            .create_link(&secret_hash(&secret), purpose, member, expires)
            .await?;
        Ok(secret)
    }

    /// What a one-time link is for, if it is still live.
    ///
    /// # Errors
    /// `NotFound` for a used, expired or unknown link.
    pub async fn link(&self, secret: &str) -> Result<(LinkPurpose, Option<MemberId>)> {
        Ok(self
            .store
            .live_link(&secret_hash(secret), self.now_micros())
            .await?)
    }

    pub(crate) async fn use_link(&self, secret: &str) -> Result<()> {
        Ok(self
            .store
            .use_link(&secret_hash(secret), self.now_micros())
            .await?)
    }
}

pub(crate) fn actor_of(m: MemberRow) -> Actor {
    Actor {
        member: m.id,
        user: m.user,
        org: m.org,
        org_name: m.org_name,
        name: m.name,
        email: m.email,
        second_factor_due: m.totp_required && !m.totp_enabled,
        via_token: false,
        signed_in_at: None,
        roles: m.roles,
        address: None,
    }
}
