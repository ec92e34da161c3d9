//! Cookie sessions and CSRF protection.
//!
//! Signed-in forms carry the session's synchroniser token. Forms shown before sign-in
//! (sign in, set up, choose a password) use a random token in a separate cookie that the
//! form must echo. Both cookies are HttpOnly and SameSite=Strict, and take the `__Host-`
//! prefix and `Secure` when Boundary is served over https.
//!
//! Pages are compressed, so a token shown as-is beside text an attacker can place on the
//! page could be read a byte at a time from response sizes (BREACH). Each page therefore
//! shows the token masked with fresh random bytes ([`masked`]); forms may echo either form.

use crate::error::PageError;
use crate::form::FormState;
use crate::pages::layout::Chrome;
use crate::state::{AppState, WebConfig};
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use boundary_app::{Actor, AppError};
use subtle::ConstantTimeEq;

const SESSION: &str = "boundary_session";
const FORM: &str = "boundary_form";
/// Names a sign-in waiting for its second factor; lives five minutes.
const PENDING: &str = "boundary_pending";
/// Marks a browser that has signed in to an account before, so that a stranger's failed
/// guesses elsewhere do not lock it out (see `boundary_app::throttle`).
const DEVICE: &str = "boundary_device";
/// Names a log-form draft the server holds for this browser after its session ended
/// (see `boundary_app::held_drafts`); it carries the draft's key and lives an hour.
const DRAFT: &str = "boundary_draft";
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

/// The held draft this browser has a ticket for, if any.
pub(crate) fn draft_ticket(config: &WebConfig, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, &name(config, DRAFT)).filter(|t| !t.is_empty())
}

/// Keeps the ticket to a held draft in the browser.
pub(crate) fn keep_draft_ticket(config: &WebConfig, res: &mut Response, ticket: &str) {
    if let Ok(c) = cookie(config, DRAFT, ticket, Some(3600)).parse() {
        res.headers_mut().append(SET_COOKIE, c);
    }
}

/// Forgets the browser's held draft, on the server and in the browser: it has come back,
/// or the person signed out or left.
pub(crate) fn forget_draft(state: &AppState, headers: &HeaderMap, res: &mut Response) {
    if let Some(ticket) = draft_ticket(&state.config, headers) {
        state.app.drop_draft(&ticket);
        if let Ok(c) = cookie(&state.config, DRAFT, "", Some(0)).parse() {
            res.headers_mut().append(SET_COOKIE, c);
        }
    }
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

/// `token` as shown on one page: hex of a random pad, then hex of the token XOR the pad.
pub(crate) fn masked(state: &AppState, token: &str) -> String {
    let mut pad = vec![0u8; token.len()];
    state.app.fill_random(&mut pad);
    let hidden: Vec<u8> = pad.iter().zip(token.bytes()).map(|(p, t)| p ^ t).collect();
    format!("{}{}", hex::encode(pad), hex::encode(hidden))
}

/// Whether a posted token is `want`, shown plain or masked.
fn same(posted: &str, want: &str) -> bool {
    if want.is_empty() {
        return false;
    }
    let plain = if posted.len() == want.len() * 4 {
        let (pad, hidden) = posted.split_at(want.len() * 2);
        match (hex::decode(pad), hex::decode(hidden)) {
            (Ok(pad), Ok(hidden)) => pad.iter().zip(&hidden).map(|(p, h)| p ^ h).collect(),
            _ => return false,
        }
    } else {
        posted.as_bytes().to_vec()
    };
    plain.ct_eq(want.as_bytes()).into()
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
    /// The token as this response shows it (see [`masked`]).
    pub csrf_shown: String,
}

/// A path on this server, fit to send someone back to after they sign in: never another
/// site (`//evil.example`, `/\\evil.example`), never a header-splitting control character.
pub(crate) fn local_path(s: &str) -> Option<&str> {
    let fits = s.starts_with('/')
        && !s.starts_with("//")
        && !s.starts_with("/\\")
        && s.len() <= 512
        && !s.chars().any(char::is_control);
    fits.then_some(s)
}

/// Where to come back to after signing in: the page asked for, or for a form posted once
/// the session had ended, the page the form was on (its `Referer`, from this server only).
fn come_back_to(state: &AppState, parts: &Parts) -> Option<String> {
    if parts.method == axum::http::Method::GET {
        return parts.uri.path_and_query().map(|p| p.as_str().to_owned());
    }
    let referer = parts
        .headers
        .get(axum::http::header::REFERER)?
        .to_str()
        .ok()?;
    let path = referer.strip_prefix(state.config.origin())?;
    local_path(path).map(str::to_owned)
}

/// Sends someone whose session has ended to sign in, and back here afterwards.
fn sign_in_first(state: &AppState, parts: &Parts) -> Response {
    let to = come_back_to(state, parts)
        .filter(|p| local_path(p).is_some())
        .map_or_else(
            || "/sign-in".to_owned(),
            |p| {
                format!(
                    "/sign-in?{}",
                    serde_urlencoded::to_string([("next", p)]).unwrap_or_default()
                )
            },
        );
    let mut res = Redirect::to(&to).into_response();
    res.extensions_mut().insert(SignInFirst);
    res
}

/// Marks the answer to a request that came without a live session: sign in first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignInFirst;

/// On a "sign in first" answer: the member whose session had just ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionEndedFor(pub boundary_domain::MemberId);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(secret) = session_secret(&state.config, &parts.headers) else {
            return Err(sign_in_first(state, parts));
        };
        let (mut actor, csrf) = match state.app.session_actor(&secret).await {
            Ok(found) => found,
            Err(AppError::Unauthenticated) => return Err(sign_in_first(state, parts)),
            // Whose session it was goes with the answer: a form sent now can be held
            // for that member alone (see `pages::held_draft`).
            Err(AppError::SessionEnded(member)) => {
                let mut refused = sign_in_first(state, parts);
                refused.extensions_mut().insert(SessionEndedFor(member));
                return Err(refused);
            }
            Err(e) => return Err(PageError(e).into_response()),
        };
        tracing::Span::current().record("member", tracing::field::display(actor.member));
        actor.address = address_of(state, parts);
        if actor.second_factor_due
            && !SECOND_FACTOR_SETUP
                .iter()
                .any(|p| parts.uri.path().starts_with(p))
        {
            return Err(PageError(AppError::SecondFactorDue).into_response());
        }
        let csrf_shown = masked(state, &csrf);
        Ok(Self {
            actor,
            csrf,
            csrf_shown,
        })
    }
}

impl SignedIn {
    /// The frame of a page for this person.
    pub(crate) fn chrome(&self) -> Chrome {
        Chrome::signed_in(&self.actor, &self.csrf_shown)
    }

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
            let mut t = [0u8; 32];
            state.app.fill_random(&mut t);
            let t = hex::encode(t);
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
