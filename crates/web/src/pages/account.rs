//! A person's own account: the organisations they belong to, their password, where
//! they are signed in, and their API tokens.

use super::auth::signed_in_redirect;
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::{session_secret, user_agent, SignedIn};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::AppError;

type Pairs = Form<Vec<(String, String)>>;

#[derive(Template)]
#[template(path = "password.html")]
struct ChangePasswordPage {
    chrome: Chrome,
    form: FormState,
}

async fn change_password_form(me: SignedIn) -> Response {
    render(
        form_status(false),
        &ChangePasswordPage {
            chrome: me.chrome(),
            form: FormState::default(),
        },
    )
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let ua = user_agent(&headers);
    match state
        .app
        .change_password(
            &me.actor,
            &form.secret("current"),
            &form.secret("new"),
            ua.as_deref(),
        )
        .await
    {
        Ok(session) => Ok(signed_in_redirect(&state, &session.secret, "/cases")),
        Err(AppError::Invalid(errors)) => {
            let form = form.with("current", "").with("new", "").with_errors(errors);
            Ok(render(
                form_status(true),
                &ChangePasswordPage {
                    chrome: me.chrome(),
                    form,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

struct SessionLine {
    handle: String,
    current: bool,
    device: String,
    created: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<SessionLine>,
    form: FormState,
}

async fn sessions_page(
    state: &AppState,
    headers: &HeaderMap,
    me: &SignedIn,
    form: FormState,
) -> Result<Response, PageError> {
    let secret = session_secret(&state.config, headers).unwrap_or_default();
    let sessions = state
        .app
        .my_sessions(&me.actor, &secret)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            handle: s.handle,
            current: s.current,
            device: s.device,
            created: crate::format::micros(s.created_micros),
            last_used: crate::format::micros(s.last_used_micros),
        })
        .collect();
    Ok(render(
        form_status(form.has_errors()),
        &SessionsPage {
            chrome: me.chrome(),
            sessions,
            form,
        },
    ))
}

async fn sessions(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
) -> Result<Response, PageError> {
    sessions_page(&state, &headers, &me, FormState::default()).await
}

/// Signs out another device, or every other one, after the password (ASVS 7.5.2).
async fn end_sessions(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let secret = session_secret(&state.config, &headers).unwrap_or_default();
    match state
        .app
        .sign_out_devices(
            &me.actor,
            &form.secret("password"),
            &secret,
            form.value("which"),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account/sessions").into_response()),
        Err(AppError::Invalid(errors)) => {
            let form = form.with("password", "").with_errors(errors);
            sessions_page(&state, &headers, &me, form).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    /// (member id, organisation, whether it is the one in use).
    orgs: Vec<(String, String, bool)>,
}

async fn account(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    let orgs = state
        .app
        .my_memberships(&me.actor)
        .await?
        .into_iter()
        .map(|m| (m.id.to_string(), m.org_name, m.id == me.actor.member))
        .collect();
    Ok(render(
        form_status(false),
        &AccountPage {
            chrome: me.chrome(),
            name: me.actor.name.clone(),
            email: me.actor.email.clone(),
            orgs,
        },
    ))
}

/// A new session as another of the person's memberships; the old one ends, so one
/// browser is one organisation at a time.
async fn switch_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let member = form
        .value("member")
        .parse()
        .map_err(|_| PageError(AppError::NotFound))?;
    let from = session_secret(&state.config, &headers).ok_or(AppError::Unauthenticated)?;
    let session = state
        .app
        .switch_organisation(&me.actor, member, &from, user_agent(&headers).as_deref())
        .await?;
    Ok(signed_in_redirect(&state, &session.secret, "/cases"))
}

struct TokenLine {
    id: String,
    label: String,
    created: String,
    until: String,
    live: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenLine>,
    new_token: Option<String>,
    form: FormState,
}

async fn tokens_page(
    state: &AppState,
    me: &SignedIn,
    new_token: Option<String>,
    form: FormState,
) -> Result<Response, PageError> {
    let now = state.app.now().unix_micros();
    let tokens = state
        .app
        .my_tokens(&me.actor)
        .await?
        .into_iter()
        .map(|t| {
            let expired = t.expires_at.is_some_and(|e| e <= now);
            TokenLine {
                live: t.revoked_at.is_none() && !expired,
                until: match (t.revoked_at, t.expires_at) {
                    (Some(r), _) => format!("Revoked {}", crate::format::micros(r)),
                    (None, Some(e)) if expired => format!("Expired {}", crate::format::micros(e)),
                    (None, Some(e)) => crate::format::micros(e),
                    (None, None) => "Until revoked".into(),
                },
                id: t.id,
                label: t.label.unwrap_or_else(|| "No label".into()),
                created: crate::format::micros(t.created_at),
            }
        })
        .collect();
    let status = form_status(form.has_errors());
    Ok(render(
        status,
        &TokensPage {
            chrome: me.chrome(),
            tokens,
            new_token,
            form,
        },
    ))
}

async fn tokens(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    tokens_page(&state, &me, None, FormState::default()).await
}

async fn create_token(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let days = match form.value("expires_in_days").trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let errors = boundary_domain::FieldErrors::one(
                    "expires_in_days",
                    "Enter a number of days, like 30, or leave it empty for 90",
                );
                return tokens_page(&state, &me, None, form.with_errors(errors)).await;
            }
        },
    };
    match state
        .app
        .create_token(me.actor.member, form.opt("label").as_deref(), days)
        .await
    {
        Ok(t) => tokens_page(&state, &me, Some(t.secret), FormState::default()).await,
        Err(AppError::Invalid(errors)) => {
            tokens_page(&state, &me, None, form.with_errors(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<boundary_domain::TokenId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    state.app.revoke_token(&me.actor, &id).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/account", account)
        .post("/account/organisation", switch_organisation)
        .get("/account/tokens", tokens)
        .post("/account/tokens", create_token)
        .post("/account/tokens/{id}/revoke", revoke_token)
        .get("/account/password", change_password_form)
        .post("/account/password", change_password)
        .get("/account/sessions", sessions)
        .post("/account/sessions/end", end_sessions)
}
