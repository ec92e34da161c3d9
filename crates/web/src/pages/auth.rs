//! Set-up, sign in, sign out and quick exit.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::routes::Routes;
use crate::session::{
    check_form_token, clear_session_cookie, client_address, device_cookie, device_token,
    form_token, pending_cookie, session_cookie, session_secret, user_agent, SignedIn,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::auth::{From, SignIn};
use boundary_app::people::SetupInput;
use boundary_app::AppError;
use boundary_domain::FieldErrors;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    form: FormState,
    csrf: String,
    signed_out: bool,
}

#[derive(serde::Deserialize)]
struct SignInQuery {
    signed_out: Option<String>,
    /// The page to go back to afterwards (see `session::local_path`).
    next: Option<String>,
}

/// Where a sign-in that succeeded goes: back where the person was, or to their cases.
pub(super) fn after_sign_in(form: &FormState) -> &str {
    crate::session::local_path(form.value("next")).unwrap_or("/cases")
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    form: FormState,
    csrf: String,
    link: String,
}

type Pairs = Form<Vec<(String, String)>>;

/// Renders a pre-sign-in form, setting the form-token cookie if the browser has none.
pub(super) fn pre_session_page(
    state: &AppState,
    headers: &HeaderMap,
    page: impl FnOnce(String) -> Response,
) -> Response {
    let (token, set) = form_token(state, headers);
    let mut res = page(crate::session::masked(state, &token));
    if let Some(c) = set.and_then(|c| c.parse().ok()) {
        res.headers_mut().append(SET_COOKIE, c);
    }
    res
}

/// After a one-time link has done its work: a fresh session, and on to the cases.
pub(super) async fn signed_in_as(
    state: &AppState,
    headers: &HeaderMap,
    member: boundary_domain::MemberId,
) -> Result<Response, PageError> {
    let ua = user_agent(headers);
    let session = state.app.start_session(member, ua.as_deref()).await?;
    Ok(signed_in_redirect(state, &session.secret, "/cases"))
}

/// After a full sign-in: this browser is now one the account knows.
pub(super) fn remember_device(state: &AppState, res: &mut Response, email: &str) {
    let cookie = state
        .app
        .device_token(email)
        .ok()
        .and_then(|t| device_cookie(&state.config, &t).parse().ok());
    if let Some(c) = cookie {
        res.headers_mut().append(SET_COOKIE, c);
    }
}

pub(super) fn signed_in_redirect(state: &AppState, secret: &str, to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    if let Ok(c) = session_cookie(&state.config, secret).parse() {
        res.headers_mut().append(SET_COOKIE, c);
    }
    res
}

async fn sign_in_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<SignInQuery>,
) -> Response {
    pre_session_page(&state, &headers, |csrf| {
        render(
            form_status(false),
            &SignInPage {
                chrome: Chrome::anonymous(),
                form: FormState::default().with("next", q.next.as_deref().unwrap_or_default()),
                csrf,
                signed_out: q.signed_out.is_some(),
            },
        )
    })
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    check_form_token(&state, &headers, &form)?;
    let ua = user_agent(&headers);
    let device = device_token(&state.config, &headers);
    let from = From {
        address: client_address(&state.config, Some(peer), &headers),
        device: device.as_deref(),
        signed_in: false,
        session: None,
    };
    let result = state
        .app
        .sign_in(
            form.value("email"),
            &form.secret("password"),
            ua.as_deref(),
            &from,
        )
        .await;
    let (status, result) = match result {
        Err(AppError::Throttled(seconds)) => (
            StatusCode::TOO_MANY_REQUESTS,
            Err(AppError::Invalid(FieldErrors::one(
                "email",
                format!(
                    "Too many attempts to sign in. {}",
                    boundary_app::wait_message(seconds)
                ),
            ))),
        ),
        other => (form_status(true), other),
    };
    // A session id the browser held before is dropped: the new one replaces it.
    if result.is_ok() {
        if let Some(old) = session_secret(&state.config, &headers) {
            state.app.sign_out(&old).await?;
        }
    }
    match result {
        Ok(SignIn::Done(session, actor)) => {
            let mut res = signed_in_redirect(&state, &session.secret, after_sign_in(&form));
            remember_device(&state, &mut res, &actor.email);
            Ok(res)
        }
        Ok(SignIn::NeedsCode(pending)) => {
            let code_step = match crate::session::local_path(form.value("next")) {
                Some(next) => format!(
                    "/sign-in/code?{}",
                    serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
                ),
                None => "/sign-in/code".to_owned(),
            };
            let mut res = Redirect::to(&code_step).into_response();
            if let Ok(c) = pending_cookie(&state.config, &pending).parse() {
                res.headers_mut().append(SET_COOKIE, c);
            }
            Ok(res)
        }
        Err(AppError::Invalid(errors)) => {
            let form = form.with("password", "").with_errors(errors);
            Ok(pre_session_page(&state, &headers, |csrf| {
                render(
                    status,
                    &SignInPage {
                        chrome: Chrome::anonymous(),
                        form,
                        csrf,
                        signed_out: false,
                    },
                )
            }))
        }
        Err(e) => Err(e.into()),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    if let Some(secret) = session_secret(&state.config, &headers) {
        state.app.sign_out(&secret).await?;
    }
    let mut res = Redirect::to("/sign-in?signed_out=1").into_response();
    if let Ok(c) = clear_session_cookie(&state.config).parse() {
        res.headers_mut().append(SET_COOKIE, c);
    }
    crate::session::forget_draft(&state, &headers, &mut res);
    // Not the cookies: the session's is expired above, and the known-device cookie stays,
    // so that signing out does not leave the doctor open to being locked out by someone
    // else's failed guesses. Quick exit forgets everything.
    res.headers_mut()
        .insert(CLEAR_SITE_DATA, HeaderValue::from_static(CLEAR_PAGES));
    Ok(res)
}

async fn setup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Result<Response, PageError> {
    state.app.link(&link).await?;
    Ok(pre_session_page(&state, &headers, |csrf| {
        render(
            form_status(false),
            &SetupPage {
                chrome: Chrome::anonymous(),
                form: FormState::default(),
                csrf,
                link,
            },
        )
    }))
}

async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(link): Path<String>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    check_form_token(&state, &headers, &form)?;
    let input = SetupInput {
        org_name: form.value("org_name").into(),
        name: form.value("name").into(),
        email: form.value("email").into(),
        password: form.secret("password"),
    };
    match state.app.complete_setup(&link, &input).await {
        Ok(member) => signed_in_as(&state, &headers, member).await,
        Err(AppError::Invalid(errors)) => {
            let form = form.with("password", "").with_errors(errors);
            Ok(pre_session_page(&state, &headers, |csrf| {
                render(
                    form_status(true),
                    &SetupPage {
                        chrome: Chrome::anonymous(),
                        form,
                        csrf,
                        link,
                    },
                )
            }))
        }
        Err(e) => Err(e.into()),
    }
}

/// On leaving, the browser forgets every page it kept and every cookie (ASVS 14.3.1):
/// what a doctor read must not be one "back" away in a shared clinic room.
const CLEAR_SITE_DATA: &str = "clear-site-data";
const CLEAR_ALL: &str = "\"cache\", \"cookies\", \"storage\"";
const CLEAR_PAGES: &str = "\"cache\", \"storage\"";

/// Where quick exit goes: a page anyone might have open.
pub(crate) const NEUTRAL_PAGE: &str = "https://www.bbc.co.uk/weather";

#[derive(Template)]
#[template(path = "quick_exit.html")]
struct QuickExitPage {
    neutral: &'static str,
}

/// Signs out and leaves for a neutral page. A meta refresh rather than a redirect:
/// the Content-Security-Policy's form-action would stop a redirect to another site.
async fn quick_exit(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    if let Some(secret) = session_secret(&state.config, &headers) {
        state.app.sign_out(&secret).await?;
    }
    let mut res = render(
        form_status(false),
        &QuickExitPage {
            neutral: NEUTRAL_PAGE,
        },
    );
    if let Ok(c) = clear_session_cookie(&state.config).parse() {
        res.headers_mut().append(SET_COOKIE, c);
    }
    crate::session::forget_draft(&state, &headers, &mut res);
    res.headers_mut()
        .insert(CLEAR_SITE_DATA, HeaderValue::from_static(CLEAR_ALL));
    Ok(res)
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/sign-in", sign_in_form)
        .post("/sign-in", sign_in)
        .post("/sign-out", sign_out)
        .post("/quick-exit", quick_exit)
        .get("/setup/{link}", setup_form)
        .post("/setup/{link}", setup)
}
