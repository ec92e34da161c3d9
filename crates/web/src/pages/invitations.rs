//! Joining an organisation from its invitation link (`/password/{link}`, the path links
//! have always had). A new person chooses their first password there; someone who
//! already has an account signs in to it and accepts. The link alone never opens a
//! membership, nor does the account alone: that is what stops one organisation's admin
//! from taking another's member (issue 18).

use super::auth::{pre_session_page, signed_in_as, signed_in_redirect};
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::form::FormState;
use crate::routes::Routes;
use crate::session::{check_form_token, session_secret, user_agent, SignedIn};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use boundary_app::people::Invitation;
use boundary_app::{Actor, AppError};

type Pairs = Form<Vec<(String, String)>>;

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordPage {
    chrome: Chrome,
    form: FormState,
    csrf: String,
    link: String,
    org: String,
    invited_by: Option<String>,
}

#[derive(Template)]
#[template(path = "accept_invitation.html")]
struct AcceptPage {
    chrome: Chrome,
    link: String,
    org: String,
    /// Who sent it, so that the person knows who is asking before they accept.
    invited_by: Option<String>,
    roles: Vec<&'static str>,
    /// Signed in, but to an account the invitation is not for.
    other_account: Option<String>,
    /// Signed in to the account the invitation is for: they may accept.
    may_accept: bool,
}

/// The person signed in in this browser, if anyone; a page that merely offers to sign in
/// must not turn a stale session into an error.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<(Actor, String)> {
    let secret = session_secret(&state.config, headers)?;
    state.app.session_actor(&secret).await.ok()
}

fn role_labels(inv: &Invitation) -> Vec<&'static str> {
    inv.roles
        .iter()
        .map(|r| super::members::role_words(r).0)
        .collect()
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Result<Response, PageError> {
    let inv = state.app.invitation(&link).await?;
    if inv.needs_password {
        return Ok(pre_session_page(&state, &headers, |csrf| {
            render(
                form_status(false),
                &SetPasswordPage {
                    chrome: Chrome::anonymous(),
                    form: FormState::default(),
                    csrf,
                    link,
                    org: inv.org_name.clone(),
                    invited_by: inv.invited_by.clone(),
                },
            )
        }));
    }
    let me = signed_in(&state, &headers).await;
    let (chrome, may_accept, other_account) = match &me {
        Some((actor, csrf)) => {
            let chrome = Chrome::signed_in(actor, &crate::session::masked(&state, csrf));
            if actor.user == inv.user {
                (chrome, true, None)
            } else {
                (chrome, false, Some(actor.email.clone()))
            }
        }
        None => (Chrome::anonymous(), false, None),
    };
    Ok(render(
        StatusCode::OK,
        &AcceptPage {
            chrome,
            roles: role_labels(&inv),
            org: inv.org_name,
            invited_by: inv.invited_by,
            link,
            other_account,
            may_accept,
        },
    ))
}

async fn choose_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(link): Path<String>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    check_form_token(&state, &headers, &form)?;
    match state
        .app
        .set_password_with_link(&link, &form.secret("password"))
        .await
    {
        Ok(member) => signed_in_as(&state, &headers, member).await,
        Err(AppError::Invalid(errors)) => {
            let inv = state.app.invitation(&link).await?;
            let (org, invited_by) = (inv.org_name, inv.invited_by);
            let form = form.with("password", "").with_errors(errors);
            Ok(pre_session_page(&state, &headers, |csrf| {
                render(
                    form_status(true),
                    &SetPasswordPage {
                        chrome: Chrome::anonymous(),
                        form,
                        csrf,
                        link,
                        org,
                        invited_by,
                    },
                )
            }))
        }
        Err(e) => Err(e.into()),
    }
}

/// Accepts as the signed-in person, then carries on in the organisation just joined: the
/// old session ends, as when switching organisation.
async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: SignedIn,
    Path(link): Path<String>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    let member = state.app.accept_invitation(&me.actor, &link).await?;
    let from = session_secret(&state.config, &headers).ok_or(AppError::Unauthenticated)?;
    let session = state
        .app
        .switch_organisation(&me.actor, member, &from, user_agent(&headers).as_deref())
        .await?;
    Ok(signed_in_redirect(&state, &session.secret, "/cases"))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/password/{link}", show)
        .post("/password/{link}", choose_password)
        .post("/password/{link}/accept", accept)
}
