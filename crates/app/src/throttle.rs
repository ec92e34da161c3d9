//! Slowing password and code guesses without handing a stranger a way to lock the doctor
//! out (issue 18, finding 5). Failures are counted three ways: per account *and* source
//! address (the tight limit: one guesser at one address), per address (a whole practice
//! may share one, so a looser limit), and per account from anywhere (the loosest, against
//! guesses spread over many addresses). The account-wide wait does not apply to a browser
//! the account has signed in on before (a known-device cookie, OWASP's "device cookies"):
//! such a browser is counted by its cookie alone, so a pursuer who keeps failing — from
//! elsewhere or from the same network — slows only unknown browsers, never the doctor's
//! own phone.

use crate::{App, AppError, Result};
use subtle::ConstantTimeEq;

/// Failures allowed before waits begin.
const PAIR_FREE_FAILURES: i64 = 5;
const ADDRESS_FREE_FAILURES: i64 = 30;
const ACCOUNT_FREE_FAILURES: i64 = 20;
const MAX_LOCK_SECONDS: i64 = 15 * 60;

/// How long a browser stays known after a sign-in on it.
pub const DEVICE_DAYS: i64 = 365;

/// Where an attempt comes from.
#[derive(Debug, Clone, Default)]
pub struct From<'a> {
    /// The client's address, as the web layer worked it out.
    pub address: Option<std::net::IpAddr>,
    /// The known-device cookie the browser sent, if any.
    pub device: Option<&'a str>,
    /// The attempt comes from a signed-in session (confirming a password or code before a
    /// change): its browser is known, and the session itself is limited instead, so that
    /// a stolen session cannot guess on and on.
    pub signed_in: bool,
    /// Names that session, for its own count.
    pub session: Option<String>,
}

impl From<'_> {
    /// A signed-in person confirming their password or code before a change: their
    /// browser is one the account knows.
    #[must_use]
    pub fn signed_in(actor: &crate::Actor) -> Self {
        Self {
            address: actor.address.as_deref().and_then(|a| a.parse().ok()),
            device: None,
            signed_in: true,
            session: Some(format!(
                "session:{}:{}",
                actor.member,
                actor.signed_in_at.unwrap_or_default()
            )),
        }
    }
}

fn normalised(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An address as the throttle counts it: IPv6 by its /64, which one household or phone
/// is given whole, so that stepping through it does not make a fresh guesser each time.
fn counted(address: std::net::IpAddr) -> String {
    match address {
        std::net::IpAddr::V4(a) => a.to_string(),
        std::net::IpAddr::V6(a) => {
            let s = a.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

impl App {
    /// A known-device token for a browser that has just signed in to this account:
    /// `<issued micros>.<keyed tag>`. Nothing is stored; the master key recognises it.
    ///
    /// # Errors
    /// `Internal` if the tag cannot be made.
    pub fn device_token(&self, email: &str) -> Result<String> {
        let issued = self.now_micros();
        let tag = self
            .store
            .device_tag(&format!("{}\n{issued}", normalised(email)))
            .ok_or_else(|| AppError::Internal("device tag".into()))?;
        Ok(format!("{issued}.{tag}"))
    }

    /// The browser signed in to this account within the last year.
    fn device_known(&self, email: &str, token: &str) -> bool {
        let Some((issued, tag)) = token.split_once('.') else {
            return false;
        };
        let Ok(issued_at) = issued.parse::<i64>() else {
            return false;
        };
        let age = self.now_micros() - issued_at;
        if !(0..=DEVICE_DAYS * 86_400 * 1_000_000).contains(&age) {
            return false;
        }
        self.store
            .device_tag(&format!("{}\n{issued}", normalised(email)))
            .is_some_and(|want| want.as_bytes().ct_eq(tag.as_bytes()).into())
    }

    /// Runs one attempt at signing in under the throttle: refused before any work while a
    /// wait applies; a failure counted against each key; success clears the account's.
    pub(crate) async fn throttled<T>(
        &self,
        email: &str,
        from: &From<'_>,
        attempt: impl std::future::Future<Output = Result<T>>,
        clears: impl Fn(&T) -> bool,
    ) -> Result<T> {
        let email = normalised(email);
        let account = format!("account:{email}");
        let pair = match from.address {
            Some(a) => format!("account:{email}|address:{}", counted(a)),
            None => format!("account:{email}|address:unknown"),
        };
        let address = from.address.map(|a| format!("address:{}", counted(a)));
        let device = from
            .device
            .filter(|d| self.device_known(&email, d))
            .map(|d| format!("account:{email}|device:{}", crate::auth::secret_hash(d)));
        let known = from.signed_in || device.is_some();
        // A known browser is counted by itself alone: nobody without its cookie — not even
        // someone on the same network — can make it wait.
        let pair = device.unwrap_or(pair);
        let mut waits: Vec<String> = vec![pair.clone()];
        if !known {
            waits.extend(address.clone());
            waits.push(account.clone());
        }
        waits.extend(from.session.clone());
        let now = self.now_micros();
        let until = self.store.locked_until(&waits).await?;
        // Which account, without writing its address into the log, nor a hash of it that
        // guesses could be checked against.
        let who = self.store.log_tag(&account);
        if until > now {
            tracing::warn!(account = %who, address = ?from.address, known, "sign-in refused: waiting after failures");
            // Refused before any hashing: a flood of guesses costs the server nothing.
            return Err(AppError::Throttled((until - now + 999_999) / 1_000_000));
        }
        match attempt.await {
            Err(AppError::Invalid(e)) => {
                tracing::warn!(account = %who, address = ?from.address, "sign-in failed");
                self.count_failure(&pair, PAIR_FREE_FAILURES).await?;
                if let Some(session) = &from.session {
                    self.count_failure(session, PAIR_FREE_FAILURES).await?;
                }
                self.count_failure(&account, ACCOUNT_FREE_FAILURES).await?;
                if let Some(a) = &address {
                    self.count_failure(a, ADDRESS_FREE_FAILURES).await?;
                }
                Err(AppError::Invalid(e))
            }
            Ok(ok) => {
                if clears(&ok) {
                    self.store.clear_failures(&pair).await?;
                    // A known browser getting in says nothing about the guesses made
                    // elsewhere: those keep counting against unknown browsers.
                    if !known {
                        self.store.clear_failures(&account).await?;
                    }
                }
                Ok(ok)
            }
            Err(e) => Err(e),
        }
    }

    /// Counts a failure; past the free ones, each further failure doubles the wait,
    /// up to a quarter of an hour.
    async fn count_failure(&self, key: &str, free: i64) -> Result<()> {
        let failures = self.store.count_failure(key).await?;
        if failures > free {
            let shift = u32::try_from((failures - free - 1).min(10)).unwrap_or(10);
            let seconds = (1i64 << shift).min(MAX_LOCK_SECONDS);
            self.store
                .lock_until(key, self.now_micros() + seconds * 1_000_000)
                .await?;
        }
        Ok(())
    }
}
