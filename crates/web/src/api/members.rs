//! `/api/v1/members` (admins: invite, change roles, deactivate) and `/api/v1/tokens`
//! (anyone: their own API tokens, listed and revoked; new ones are made while signed in
//! on the page, so that a token cannot make tokens that outlive it).

use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use boundary_app::admin::Invite;
use boundary_app::AppError;
use boundary_app::MemberRow;
use boundary_domain::MemberId;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MemberOut {
    id: String,
    email: String,
    name: String,
    /// Any of clinician, manager, admin, auditor.
    roles: Vec<&'static str>,
    active: bool,
    /// False until the invited person has joined with their link (a new person by
    /// choosing a password, someone with an account by accepting while signed in).
    accepted: bool,
}

impl From<MemberRow> for MemberOut {
    fn from(m: MemberRow) -> Self {
        Self {
            id: m.id.to_string(),
            roles: m.roles.iter().map(boundary_domain::Role::code).collect(),
            email: m.email,
            name: m.name,
            active: m.active,
            accepted: m.accepted,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct InviteIn {
    #[schema(format = Email)]
    email: String,
    #[schema(min_length = 1, pattern = r"\S")]
    name: String,
    /// clinician, manager, admin or auditor.
    role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InviteOut {
    member_id: String,
    /// The one-time link with which the person joins. There is always one: the answer
    /// does not tell whether the address has an account.
    invite_link: String,
    /// RFC 3339; the link stops working then.
    expires_at: String,
    /// The link was also e-mailed to them.
    emailed: bool,
}

fn rfc3339_micros(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t) * 1000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn invite_out(state: &AppState, inv: Invite) -> InviteOut {
    InviteOut {
        member_id: inv.member.to_string(),
        invite_link: format!("{}/password/{}", state.config.public_url, inv.link),
        expires_at: rfc3339_micros(inv.expires_micros),
        emailed: inv.emailed,
    }
}

/// Everyone in the organisation. Admins only.
#[utoipa::path(get, path = "/api/v1/members",
    responses((status = 200, body = [MemberOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MemberOut>>, ApiError> {
    let members = state.app.members(&actor).await?;
    Ok(Json(members.into_iter().map(MemberOut::from).collect()))
}

/// Invite someone with a role; a new person gets a one-time link, live for 72 hours.
/// Admins only.
#[utoipa::path(post, path = "/api/v1/members", request_body = InviteIn,
    responses((status = 201, body = InviteOut), (status = 404), (status = 409, description = "Already a member"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<InviteIn>,
) -> Result<(StatusCode, Json<InviteOut>), ApiError> {
    let inv = state
        .app
        .invite(&actor, &body.email, &body.name, &body.role)
        .await?;
    Ok((StatusCode::CREATED, Json(invite_out(&state, inv))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct MemberChangeIn {
    /// Replaces the member's roles; at least one.
    roles: Option<Vec<String>>,
    /// false deactivates: their sessions and tokens stop working at once.
    active: Option<bool>,
}

/// Change a member's roles or deactivate or reactivate them. Admins only.
#[utoipa::path(patch, path = "/api/v1/members/{id}", params(("id" = String, Path)), request_body = MemberChangeIn,
    responses((status = 200, body = MemberOut), (status = 404), (status = 409, description = "Would leave no admin, or deactivate yourself"), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn change(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<MemberId>,
    ApiJson(body): ApiJson<MemberChangeIn>,
) -> Result<Json<MemberOut>, ApiError> {
    state
        .app
        .change_member(&actor, id, body.roles.as_deref(), body.active)
        .await?;
    let member = state
        .app
        .members(&actor)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(MemberOut::from(member)))
}

/// A new invitation link for someone who has not chosen a password yet; earlier links
/// stop working. Admins only.
#[utoipa::path(post, path = "/api/v1/members/{id}/invite", params(("id" = String, Path)),
    responses((status = 201, body = InviteOut), (status = 404), (status = 409, description = "They have a password already")),
    security(("bearer" = [])))]
pub(crate) async fn renew_invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<MemberId>,
) -> Result<(StatusCode, Json<InviteOut>), ApiError> {
    let inv = state.app.renew_invite(&actor, id).await?;
    Ok((StatusCode::CREATED, Json(invite_out(&state, inv))))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenOut {
    id: String,
    label: Option<String>,
    created_at: String,
    expires_at: Option<String>,
    revoked_at: Option<String>,
}

/// Your own API tokens, newest first; never their secrets.
#[utoipa::path(get, path = "/api/v1/tokens",
    responses((status = 200, body = [TokenOut]), (status = 401)), security(("bearer" = [])))]
pub(crate) async fn tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    Ok(Json(
        state
            .app
            .my_tokens(&actor)
            .await?
            .into_iter()
            .map(|t| TokenOut {
                id: t.id,
                label: t.label,
                created_at: rfc3339_micros(t.created_at),
                expires_at: t.expires_at.map(rfc3339_micros),
                revoked_at: t.revoked_at.map(rfc3339_micros),
            })
            .collect(),
    ))
}

/// Revoke one of your tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", params(("id" = String, Path)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<boundary_domain::TokenId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_token(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct OrganisationSettings {
    /// Everyone must sign in with a code from an authenticator app too.
    totp_required: bool,
}

/// The organisation's settings. Admins only.
#[utoipa::path(get, path = "/api/v1/organisation",
    responses((status = 200, body = OrganisationSettings), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<OrganisationSettings>, ApiError> {
    Ok(Json(OrganisationSettings {
        totp_required: state.app.second_factor_required(&actor).await?,
    }))
}

/// Change the organisation's settings. Admins only.
#[utoipa::path(put, path = "/api/v1/organisation", request_body = OrganisationSettings,
    responses((status = 200, body = OrganisationSettings), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn change_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<OrganisationSettings>,
) -> Result<Json<OrganisationSettings>, ApiError> {
    state
        .app
        .set_second_factor_required(&actor, body.totp_required)
        .await?;
    Ok(Json(body))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/members", list)
        .post("/api/v1/members", invite)
        .patch("/api/v1/members/{id}", change)
        .post("/api/v1/members/{id}/invite", renew_invite)
        .get("/api/v1/tokens", tokens)
        .delete("/api/v1/tokens/{id}", revoke_token)
        .get("/api/v1/organisation", settings)
        .put("/api/v1/organisation", change_settings)
}
