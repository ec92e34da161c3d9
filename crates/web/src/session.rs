//! Cookie sessions and CSRF protection.
//!
//! Signed-in forms carry the session's synchroniser token. Forms shown before sign-in
//! (sign in, set up, choose a password) use a random token in a separate cookie that the
//! form must echo. Both cookies are HttpOnly and SameSite=Strict, and take the `__Host-`
//! prefix and `Secure` when Boundary is served over https.

use crate::error::PageError;
use crate::form::FormState;
use crate::{AppState, WebConfig};
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use boundary_app::{Actor, AppError};
use subtle::ConstantTimeEq;

const SESSION: &str = "boundary_session";
const FORM: &str = "boundary_form";
/// Names a sign-in waiting for its second factor; lives five minutes.
const PENDING: &str = "boundary_pending";
/// Marks a browser that has signed in to an account before, so that a stranger's failed
/// guesses elsewhere do not lock it out (see `boundary_app::throttle`).
const DEVICE: &str = "boundary_device";
pub(crate) const CSRF_FIELD: &str = "csrf";

fn name(config: &WebConfig, base: &str) -> String {
    if config.https() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub(crate) fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn cookie(config: &WebConfig, base: &str, value: &str, max_age: Option<i64>) -> String {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        name(config, base)
    );
    if config.https() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

pub(crate) fn session_cookie(config: &WebConfig, secret: &str) -> String {
    cookie(config, SESSION, secret, None)
}

pub(crate) fn clear_session_cookie(config: &WebConfig) -> String {
    cookie(config, SESSION, "", Some(0))
}

pub(crate) fn pending_cookie(config: &WebConfig, secret: &str) -> String {
    cookie(config, PENDING, secret, Some(300))
}

pub(crate) fn clear_pending_cookie(config: &WebConfig) -> String {
    cookie(config, PENDING, "", Some(0))
}

pub(crate) fn device_cookie(config: &WebConfig, token: &str) -> String {
    cookie(
        config,
        DEVICE,
        token,
        Some(boundary_app::throttle::DEVICE_DAYS * 86_400),
    )
}

pub(crate) fn device_token(config: &WebConfig, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, &name(config, DEVICE)).filter(|s| !s.is_empty())
}

pub(crate) fn pending_secret(config: &WebConfig, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, &name(config, PENDING)).filter(|s| !s.is_empty())
}

pub(crate) fn session_secret(config: &WebConfig, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, &name(config, SESSION)).filter(|s| !s.is_empty())
}

/// The client's address: the peer's, or — only when the peer is the trusted proxy — the
/// last address that proxy put in `X-Forwarded-For`.
pub(crate) fn client_address(
    config: &WebConfig,
    peer: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
) -> Option<std::net::IpAddr> {
    let peer = peer?.ip();
    if config.trusted_proxy != Some(peer) {
        return Some(peer);
    }
    // The last address of the last header line: the one the trusted proxy added. A client
    // can send lines of its own, which come first.
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|a| a.trim().parse().ok())
        .or(Some(peer))
}

/// The client's address from a request's parts, for the access audit.
pub(crate) fn address_of(state: &AppState, parts: &Parts) -> Option<String> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    client_address(&state.config, peer, &parts.headers).map(|a| a.to_string())
}

pub(crate) fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && a.as_bytes().ct_eq(b.as_bytes()).into()
}

const CSRF_FAILED: &str =
    "This form has expired or did not come from Boundary. Go back, reload the page and try again.";

/// Where someone whose organisation requires two-factor sign-in may go before setting
/// it up: the set-up pages themselves, and the ways out.
const SECOND_FACTOR_SETUP: [&str; 3] = ["/account/two-factor", "/sign-out", "/quick-exit"];

/// A signed-in member, from the session cookie; pages without one send people to sign in.
pub(crate) struct SignedIn {
    pub actor: Actor,
    pub csrf: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let secret =
            session_secret(&state.config, &parts.headers).ok_or(AppError::Unauthenticated)?;
        let (mut actor, csrf) = state.app.session_actor(&secret).await?;
        tracing::Span::current().record("member", tracing::field::display(actor.member));
        actor.address = address_of(state, parts);
        if actor.second_factor_due
            && !SECOND_FACTOR_SETUP
                .iter()
                .any(|p| parts.uri.path().starts_with(p))
        {
            return Err(PageError(AppError::SecondFactorDue));
        }
        Ok(Self { actor, csrf })
    }
}

impl SignedIn {
    /// # Errors
    /// `Forbidden` when the form's token is missing or not this session's.
    pub(crate) fn check_csrf(&self, form: &FormState) -> Result<(), PageError> {
        if same(form.value(CSRF_FIELD), &self.csrf) {
            Ok(())
        } else {
            tracing::warn!("form refused: missing or wrong CSRF token");
            Err(PageError(AppError::Forbidden(CSRF_FAILED)))
        }
    }
}

/// The token for forms shown before sign-in: the one in the cookie if there is one,
/// or a new one with the cookie to set.
pub(crate) fn form_token(state: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    match read_cookie(headers, &name(&state.config, FORM)).filter(|v| v.len() == 64) {
        Some(t) => (t, None),
        None => {
            let t = hex::encode(boundary_app::Random::bytes32(state.app.random.as_ref()));
            let c = cookie(&state.config, FORM, &t, Some(3600));
            (t, Some(c))
        }
    }
}

/// # Errors
/// `Forbidden` when the posted token does not match the cookie.
pub(crate) fn check_form_token(
    state: &AppState,
    headers: &HeaderMap,
    form: &FormState,
) -> Result<(), PageError> {
    let cookie = read_cookie(headers, &name(&state.config, FORM)).unwrap_or_default();
    if same(form.value(CSRF_FIELD), &cookie) {
        Ok(())
    } else {
        tracing::warn!("form refused: missing or wrong CSRF token");
        Err(PageError(AppError::Forbidden(CSRF_FAILED)))
    }
}
