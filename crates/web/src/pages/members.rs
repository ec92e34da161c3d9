//! The admin's page of people: invite, change roles, deactivate and reactivate.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::form::FormState;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::admin::Invite;
use boundary_app::AppError;
use boundary_domain::{MemberId, Role};

struct Person {
    id: String,
    name: String,
    email: String,
    /// (code, label, held) for each role.
    roles: Vec<(&'static str, &'static str, bool)>,
    active: bool,
    accepted: bool,
    totp: bool,
    me: bool,
}

struct Invited {
    name: String,
    email: String,
    link: String,
    expires: String,
    emailed: bool,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    chrome: Chrome,
    org: String,
    people: Vec<Person>,
    invited: Option<Invited>,
    problem: Option<String>,
    form: FormState,
    role_choices: [(&'static str, &'static str, &'static str); 4],
    totp_required: bool,
    mail_configured: bool,
}

/// A role's name and what it lets someone do, in the words the page uses.
pub(crate) fn role_words(r: Role) -> (&'static str, &'static str) {
    match r {
        Role::Clinician => ("Clinician", "Logs contacts, owns cases and shares them."),
        Role::Manager => (
            "Line manager",
            "Sees the cases that doctors choose to share with them.",
        ),
        Role::Admin => ("Admin", "Manages people and settings. Sees no case."),
        Role::Auditor => (
            "Auditor",
            "Sees who looked at which case, and the ledger's health. Sees no case content.",
        ),
    }
}

fn role_choices() -> [(&'static str, &'static str, &'static str); 4] {
    Role::ALL.map(|r| {
        let (label, hint) = role_words(r);
        (r.code(), label, hint)
    })
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    form: FormState,
    invited: Option<Invited>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let people = state
        .app
        .members(&me.actor)
        .await?
        .into_iter()
        .map(|m| Person {
            id: m.id.to_string(),
            roles: Role::ALL
                .iter()
                .map(|r| (r.code(), role_words(*r).0, m.roles.has(*r)))
                .collect(),
            me: m.id == me.actor.member,
            name: m.name,
            email: m.email,
            active: m.active,
            accepted: m.accepted,
            totp: m.totp_enabled,
        })
        .collect();
    let totp_required = state.app.second_factor_required(&me.actor).await?;
    Ok(render(
        status,
        &MembersPage {
            totp_required,
            mail_configured: state.app.mail_configured(),
            chrome: me.chrome(),
            org: me.actor.org_name.clone(),
            people,
            invited,
            problem,
            form,
            role_choices: role_choices(),
        },
    ))
}

async fn show(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    page(
        &state,
        &me,
        FormState::default(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

fn invited(state: &AppState, inv: Invite) -> Invited {
    Invited {
        name: inv.name,
        email: inv.email,
        link: format!("{}/password/{}", state.config.public_url, inv.link),
        expires: crate::format::micros(inv.expires_micros),
        emailed: inv.emailed,
    }
}

async fn invite(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let result = state
        .app
        .invite(
            &me.actor,
            form.value("email"),
            form.value("name"),
            form.value("role"),
        )
        .await;
    match result {
        Ok(inv) => {
            let shown = invited(&state, inv);
            page(
                &state,
                &me,
                FormState::default(),
                Some(shown),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            let status = form_status(true);
            page(&state, &me, form.with_errors(errors), None, None, status).await
        }
        Err(AppError::Conflict(why)) => {
            page(&state, &me, form, None, Some(why), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs a change to one member, then shows the page again: with the reason when the
/// change was refused for a reason the admin can act on.
async fn change(
    state: &AppState,
    me: &SignedIn,
    result: Result<Option<Invited>, AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(None) => Ok(Redirect::to("/admin/members").into_response()),
        Ok(Some(shown)) => {
            page(
                state,
                me,
                FormState::default(),
                Some(shown),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Conflict(why)) => {
            page(
                state,
                me,
                FormState::default(),
                None,
                Some(why),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            let why = errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join(". ");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(state, me, FormState::default(), None, Some(why), status).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_roles(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<MemberId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let roles: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "roles")
        .map(|(_, v)| v.clone())
        .collect();
    me.check_csrf(&FormState::from_pairs(pairs))?;
    let result = state
        .app
        .set_roles(&me.actor, id, &roles)
        .await
        .map(|()| None);
    change(&state, &me, result).await
}

async fn set_active(
    state: AppState,
    me: SignedIn,
    id: MemberId,
    pairs: Vec<(String, String)>,
    active: bool,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    let result = state
        .app
        .set_member_active(&me.actor, id, active)
        .await
        .map(|()| None);
    change(&state, &me, result).await
}

async fn deactivate(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<MemberId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    set_active(state, me, id, pairs, false).await
}

async fn reactivate(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<MemberId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    set_active(state, me, id, pairs, true).await
}

async fn renew_invite(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<MemberId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    let result = state
        .app
        .renew_invite(&me.actor, id)
        .await
        .map(|inv| Some(invited(&state, inv)));
    change(&state, &me, result).await
}

async fn require_two_factor(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    state
        .app
        .set_second_factor_required(&me.actor, form.is("required", "yes"))
        .await?;
    Ok(Redirect::to("/admin/members#two-factor").into_response())
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/admin/members", show)
        .post("/admin/members", invite)
        .post("/admin/members/{id}/roles", set_roles)
        .post("/admin/members/{id}/deactivate", deactivate)
        .post("/admin/members/{id}/reactivate", reactivate)
        .post("/admin/members/{id}/invite", renew_invite)
        .post("/admin/two-factor", require_two_factor)
}
