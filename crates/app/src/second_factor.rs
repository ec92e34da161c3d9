//! Two-factor sign-in with time-based one-time passwords (RFC 6238: HMAC-SHA1, six
//! digits, 30-second steps, as every authenticator app expects), one step of clock
//! drift either way, each code accepted once; and ten single-use recovery codes, kept
//! hashed, for a lost phone. An organisation's admin may require it of everyone.

use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::{FieldErrors, KeyId, UserId};
use boundary_store::StoreError;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

const STEP_SECONDS: i64 = 30;
const DRIFT_STEPS: i64 = 1;
pub const RECOVERY_CODES: usize = 10;
const RECOVERY_CODE_LEN: usize = 10;
/// Recovery codes use letters and digits that cannot be mistaken for each other.
const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What someone needs to add Boundary to their authenticator app.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// For typing in by hand: the secret in base 32, in groups of four.
    pub secret_base32: String,
    /// For the QR code.
    pub otpauth_uri: String,
}

/// Where a person stands with two-factor sign-in.
#[derive(Debug, Clone, Copy)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    pub required_by_org: bool,
    pub recovery_codes_left: i64,
}

pub(crate) fn wrong_code() -> AppError {
    FieldErrors::one(
        "code",
        "That code is not right. Codes change every 30 seconds: type the one your app shows now, or one of your recovery codes",
    )
    .into()
}

fn totp_for(secret: Vec<u8>, email: &str) -> Result<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        u64::try_from(STEP_SECONDS).unwrap_or(30),
        secret,
        Some("Boundary".into()),
        email.replace(':', ""),
    )
    .map_err(AppError::from)
}

fn enrolment_of(totp: &TOTP) -> Enrolment {
    let b32 = totp.get_secret_base32();
    Enrolment {
        secret_base32: b32
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        otpauth_uri: totp.get_url(),
    }
}

/// A recovery code as typed: lower case, without spaces or dashes.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl App {
    /// # Errors
    /// Database errors.
    pub async fn second_factor_status(&self, actor: &Actor) -> Result<SecondFactorStatus> {
        let enabled = match self.store.totp(actor.user).await {
            Ok(t) => t.confirmed,
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        Ok(SecondFactorStatus {
            enabled,
            required_by_org: self.store.totp_required(actor.org).await?,
            recovery_codes_left: self.store.recovery_codes_left(actor.user).await?,
        })
    }

    /// A new secret for the actor's authenticator app, waiting for its first code. Asks
    /// for their password again: a session left open must not be enough to add a factor.
    ///
    /// # Errors
    /// `Invalid` for a wrong password; `Conflict` when two-factor sign-in is already on.
    pub async fn begin_second_factor(
        &self,
        actor: &Actor,
        password: &SecretString,
    ) -> Result<Enrolment> {
        let password = password.expose_secret();
        self.confirm_password(actor, password, "password").await?;
        if self.second_factor_status(actor).await?.enabled {
            return Err(AppError::Conflict(
                "Two-factor sign-in is already on. Turn it off first to move it to another app."
                    .into(),
            ));
        }
        let secret = self.random.bytes32()[..20].to_vec();
        let totp = totp_for(secret.clone(), &actor.email)?;
        self.store
            .begin_totp(
                actor.user,
                KeyId::from_random(self.random.bytes16()),
                &secret,
                self.now(),
            )
            .await?;
        Ok(enrolment_of(&totp))
    }

    /// The enrolment waiting for its first code, to show again after a wrong one.
    ///
    /// # Errors
    /// `NotFound` when none is waiting.
    pub async fn pending_second_factor(&self, actor: &Actor) -> Result<Enrolment> {
        let t = self.store.totp(actor.user).await?;
        if t.confirmed {
            return Err(AppError::NotFound);
        }
        Ok(enrolment_of(&totp_for(t.secret, &actor.email)?))
    }

    /// Turns two-factor sign-in on with the first code from the app, and returns the
    /// recovery codes, shown this once. Every other session of the person ends.
    ///
    /// # Errors
    /// `Invalid` for a wrong code; `NotFound` when enrolment was not begun.
    pub async fn confirm_second_factor(
        &self,
        actor: &Actor,
        code: &str,
        current_session: &str,
    ) -> Result<Vec<String>> {
        let pending = self.store.totp(actor.user).await?;
        if pending.confirmed {
            return Err(AppError::Conflict(
                "Two-factor sign-in is already on.".into(),
            ));
        }
        if !self
            .totp_code_ok(actor.user, pending.secret, &actor.email, code)
            .await?
        {
            return Err(wrong_code());
        }
        let (codes, hashes) = self.recovery_codes().await?;
        self.store.confirm_totp(actor.user, &hashes).await?;
        // Sessions and tokens made with the password alone end with it.
        self.end_everything_else(actor, current_session).await?;
        tracing::info!(member = %actor.member, "two-factor sign-in turned on");
        Ok(codes)
    }

    /// Ten new recovery codes in place of the old ones, after the password and a current
    /// code.
    ///
    /// # Errors
    /// `Invalid` for a wrong password or code; `Conflict` when two-factor sign-in is off.
    pub async fn renew_recovery_codes(
        &self,
        actor: &Actor,
        password: &SecretString,
        code: &str,
    ) -> Result<Vec<String>> {
        let password = password.expose_secret();
        self.confirm_password(actor, password, "password").await?;
        self.require_second_factor(actor, code).await?;
        let (codes, hashes) = self.recovery_codes().await?;
        self.store
            .replace_recovery_codes(actor.user, &hashes)
            .await?;
        Ok(codes)
    }

    /// Turns two-factor sign-in off, after the password and a current code, unless the
    /// organisation requires it. Every other session of the person ends.
    ///
    /// # Errors
    /// `Invalid` for a wrong password or code; `Conflict` when the organisation requires it.
    pub async fn turn_off_second_factor(
        &self,
        actor: &Actor,
        password: &SecretString,
        code: &str,
        current_session: &str,
    ) -> Result<()> {
        let password = password.expose_secret();
        if self.store.totp_required(actor.org).await? {
            return Err(AppError::Conflict(format!(
                "{} requires two-factor sign-in, so it cannot be turned off.",
                actor.org_name
            )));
        }
        self.confirm_password(actor, password, "password").await?;
        self.require_second_factor(actor, code).await?;
        self.store.remove_totp(actor.user).await?;
        self.end_sessions(actor, current_session, "others").await?;
        tracing::info!(member = %actor.member, "two-factor sign-in turned off");
        Ok(())
    }

    /// Makes two-factor sign-in required, or optional, for everyone in the admin's
    /// organisation. Those without it are sent to set it up at their next page.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin.
    pub async fn set_second_factor_required(&self, actor: &Actor, required: bool) -> Result<()> {
        authorise::manage_people(actor)?;
        if !required {
            crate::admin::refuse_token(actor)?;
        }
        self.store.set_totp_required(actor.org, required).await?;
        tracing::info!(by = %actor.member, org = %actor.org, required, "two-factor rule changed");
        Ok(())
    }

    /// Whether the organisation requires two-factor sign-in. Admins only.
    ///
    /// # Errors
    /// `NotFound` for anyone but an admin.
    pub async fn second_factor_required(&self, actor: &Actor) -> Result<bool> {
        authorise::manage_people(actor)?;
        Ok(self.store.totp_required(actor.org).await?)
    }

    /// A code for a change to how the actor signs in, counted against the account like
    /// any other failed sign-in.
    async fn require_second_factor(&self, actor: &Actor, code: &str) -> Result<()> {
        let check = async {
            match self.second_factor_ok(actor.user, &actor.email, code).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(wrong_code()),
                Err(AppError::NotFound) => Err(AppError::Conflict(
                    "Two-factor sign-in is not on for you.".into(),
                )),
                Err(e) => Err(e),
            }
        };
        self.throttled(
            &actor.email,
            &crate::throttle::From::signed_in(actor),
            check,
            |_| true,
        )
        .await
    }

    /// Checks a code from the app, or a recovery code, and uses it up.
    ///
    /// # Errors
    /// `NotFound` when the person has no confirmed secret.
    pub(crate) async fn second_factor_ok(
        &self,
        user: UserId,
        email: &str,
        code: &str,
    ) -> Result<bool> {
        let totp = self.store.totp(user).await?;
        if !totp.confirmed {
            return Err(AppError::NotFound);
        }
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            return self.totp_code_ok(user, totp.secret, email, &digits).await;
        }
        let typed = normalise(code);
        if typed.len() != RECOVERY_CODE_LEN {
            return Ok(false);
        }
        for hash in self.store.unused_recovery_codes(user).await? {
            if self.password_matches(Some(hash.clone()), &typed).await? {
                // Only one of two racing uses of the same code wins.
                return match self
                    .store
                    .use_recovery_code(user, &hash, self.now_micros())
                    .await
                {
                    Ok(()) => Ok(true),
                    Err(StoreError::NotFound) => Ok(false),
                    Err(e) => Err(e.into()),
                };
            }
        }
        Ok(false)
    }

    /// A six-digit code from the current step or one either side, not used before.
    async fn totp_code_ok(
        &self,
        user: UserId,
        secret: Vec<u8>,
        email: &str,
        code: &str,
    ) -> Result<bool> {
        let code = code.trim();
        let totp = totp_for(secret, email)?;
        let now_step = self.now().unix_micros().div_euclid(1_000_000) / STEP_SECONDS;
        let matched = (now_step - DRIFT_STEPS..=now_step + DRIFT_STEPS).find(|step| {
            let at = u64::try_from(step * STEP_SECONDS).unwrap_or(0);
            bool::from(totp.generate(at).as_bytes().ct_eq(code.as_bytes()))
        });
        let Some(step) = matched else {
            return Ok(false);
        };
        // A code seen once — even by someone looking over a shoulder — never works again,
        // nor does any older one.
        match self.store.use_totp_step(user, step).await {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Ten codes to show, and their Argon2id hashes to keep: at about 49 bits each they
    /// are too short for a plain hash (ASVS 6.5.2), so each gets a salted, slow one.
    async fn recovery_codes(&self) -> Result<(Vec<String>, Vec<String>)> {
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        let mut hashes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            let mut bytes = std::iter::repeat_with(|| self.random.bytes16()).flatten();
            let chars = code_chars(&mut bytes, RECOVERY_CODE_LEN);
            hashes.push(self.hash_password(&chars).await?);
            codes.push(format!("{}-{}", &chars[..5], &chars[5..]));
        }
        Ok((codes, hashes))
    }
}

/// `len` characters of the code alphabet, each equally likely: a byte is used only below
/// the largest multiple of the alphabet's size (248 for 31 letters), so that no letter is
/// more likely than another.
fn code_chars(bytes: &mut impl Iterator<Item = u8>, len: usize) -> String {
    let n = CODE_ALPHABET.len();
    let limit = 256 - 256 % n;
    bytes
        .filter(|b| usize::from(*b) < limit)
        .take(len)
        .map(|b| char::from(CODE_ALPHABET[usize::from(b) % n]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_code_letters_are_equally_likely() {
        // 248..=255 would favour the first eight letters: they are skipped.
        let mut bytes = [255u8, 0, 248, 30, 247, 31].into_iter();
        assert_eq!(code_chars(&mut bytes, 4), "a99a");
        let mut every = (0u8..=255).cycle().take(256 * 4);
        let code = code_chars(&mut every, 248 * 4);
        for c in CODE_ALPHABET {
            assert_eq!(
                code.bytes().filter(|b| b == c).count(),
                32,
                "{}",
                char::from(*c)
            );
        }
    }
}
