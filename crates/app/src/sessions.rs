//! Staying signed in: server-side sessions, each named by the SHA-256 of a secret that
//! only the browser's cookie holds, ending when idle too long, too old, or when the
//! member is deactivated; a person sees and ends their own on every device.

use crate::auth::{actor_of, secret_hash};
use crate::{Actor, App, AppError, Result};
use boundary_domain::MemberId;
use boundary_store::StoreError;
use secrecy::{ExposeSecret, SecretString};

/// One of a person's sessions, as the sessions page shows it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub handle: String,
    pub current: bool,
    pub device: String,
    pub created_micros: i64,
    pub last_used_micros: i64,
}

/// A session just created: the secret for the cookie and the form token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
}

impl App {
    /// The actor's sessions, on every device: a public handle (not the secret), the device,
    /// when it began and was last used, and whether it is this one.
    ///
    /// # Errors
    /// Database errors.
    pub async fn my_sessions(
        &self,
        actor: &Actor,
        current_secret: &str,
    ) -> Result<Vec<SessionInfo>> {
        let current = secret_hash(current_secret);
        Ok(self
            .store
            .sessions_of(actor.member)
            .await?
            .into_iter()
            .map(|(hash, created, last, ua)| SessionInfo {
                handle: hash[..16].to_owned(),
                current: hash == current,
                device: ua.unwrap_or_else(|| "Unknown device".into()),
                created_micros: created,
                last_used_micros: last,
            })
            .collect())
    }

    /// Signs out one of the actor's other devices, or all of them with `"others"` — which
    /// ends their API tokens too — after they type their password again (ASVS 7.5.2).
    ///
    /// # Errors
    /// `Invalid` for a wrong password; `NotFound` for a handle that is not theirs.
    pub async fn sign_out_devices(
        &self,
        actor: &Actor,
        password: &SecretString,
        current_secret: &str,
        handle: &str,
    ) -> Result<()> {
        let password = password.expose_secret();
        self.confirm_password(actor, password, "password").await?;
        if handle == "others" {
            self.end_everything_else(actor, current_secret).await
        } else {
            self.end_sessions(actor, current_secret, handle).await
        }
    }

    /// Every other session of the actor's, and every API token: what "sign out
    /// everywhere else" and turning on two-factor sign-in mean.
    pub(crate) async fn end_everything_else(
        &self,
        actor: &Actor,
        current_secret: &str,
    ) -> Result<()> {
        self.end_sessions(actor, current_secret, "others").await?;
        let ended = self
            .store
            .revoke_user_tokens(actor.user, self.now_micros())
            .await?;
        tracing::info!(member = %actor.member, tokens = ended, "other sessions and API tokens ended");
        Ok(())
    }

    /// Signs out the actor's session with this handle, or every other one with `"others"`.
    ///
    /// # Errors
    /// `NotFound` for a handle that is not one of the actor's sessions.
    pub(crate) async fn end_sessions(
        &self,
        actor: &Actor,
        current_secret: &str,
        handle: &str,
    ) -> Result<()> {
        let current = secret_hash(current_secret);
        let mine = self.store.sessions_of(actor.member).await?;
        let doomed: Vec<&String> = mine
            .iter()
            .map(|(h, ..)| h)
            .filter(|h| {
                if handle == "others" {
                    **h != current
                } else {
                    h.starts_with(handle) && handle.len() == 16
                }
            })
            .collect();
        if doomed.is_empty() && handle != "others" {
            return Err(AppError::NotFound);
        }
        for h in doomed {
            self.store.delete_session(h).await?;
        }
        Ok(())
    }

    /// A new session for a member. Each sign-in makes a new id, so an id planted before
    /// sign-in is worthless after it.
    ///
    /// # Errors
    /// Database errors.
    pub async fn start_session(
        &self,
        member: MemberId,
        user_agent: Option<&str>,
    ) -> Result<NewSession> {
        self.session_signed_in_at(member, user_agent, self.now_micros())
            .await
    }

    /// A new session id for a sign-in made at `signed_in_at`: switching organisation
    /// changes the id but not the time the 12-hour limit counts from.
    pub(crate) async fn session_signed_in_at(
        &self,
        member: MemberId,
        user_agent: Option<&str>,
        signed_in_at: i64,
    ) -> Result<NewSession> {
        let s = NewSession {
            secret: self.secret(),
            csrf_token: self.secret(),
        };
        let ua: Option<String> = user_agent.map(|u| u.chars().take(200).collect());
        self.store
            .create_session(
                &secret_hash(&s.secret),
                member,
                &s.csrf_token,
                (signed_in_at, self.now_micros()),
                ua.as_deref(),
            )
            .await?;
        Ok(s)
    }

    /// The member behind a session cookie and the session's form token, if the session
    /// is live; an idle or too-old session is ended here.
    ///
    /// # Errors
    /// `Unauthenticated` for an unknown, expired or deactivated session.
    pub async fn session_actor(&self, secret: &str) -> Result<(Actor, String)> {
        let h = secret_hash(secret);
        let s = match self.store.session(&h).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(AppError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        let now = self.now_micros();
        let idle = now - s.last_seen_at > self.limits.session_idle_seconds * 1_000_000;
        let old = now - s.created_at > self.limits.session_absolute_seconds * 1_000_000;
        if idle || old {
            self.store.delete_session(&h).await?;
            return Err(AppError::SessionEnded(s.member));
        }
        let member = self.store.member(s.member).await?;
        if !member.usable() {
            self.store.delete_session(&h).await?;
            return Err(AppError::Unauthenticated);
        }
        self.store.touch_session(&h, now).await?;
        let actor = Actor {
            signed_in_at: Some(s.created_at),
            ..actor_of(member)
        };
        Ok((actor, s.csrf_token))
    }

    /// # Errors
    /// Database errors.
    pub async fn sign_out(&self, secret: &str) -> Result<()> {
        Ok(self.store.delete_session(&secret_hash(secret)).await?)
    }
}
