//! `/api/v1/cases`: open, list and read cases.

use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::{Id, Ids};
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use boundary_app::cases::OpenCaseInput;
use boundary_app::CaseRow;
use boundary_domain::CaseId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct PersonIn {
    /// A name or label the doctor will recognise (at most 100 characters).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    label: String,
    /// Ten digits with a valid modulus-11 check digit; spaces allowed.
    nhs_number: Option<String>,
    /// Phone numbers, e-mail addresses and handles they use (at most 20).
    identifiers: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct CaseIn {
    person: PersonIn,
    chaperone_required: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PersonOut {
    label: String,
    nhs_number: Option<String>,
    identifiers: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseOut {
    id: String,
    /// One of open, warned, care_transferred, removed_from_list, police_involved, closed.
    status: &'static str,
    chaperone_required: bool,
    person: PersonOut,
    opened_at: String,
    entry_count: i64,
}

impl From<&CaseRow> for CaseOut {
    fn from(c: &CaseRow) -> Self {
        Self {
            id: c.id.to_string(),
            status: c.status.code(),
            chaperone_required: c.chaperone_required,
            person: PersonOut {
                label: c.person.label.clone(),
                nhs_number: c.person.nhs_number.as_ref().map(|n| n.as_str().to_owned()),
                identifiers: c.person.identifiers.clone(),
            },
            opened_at: c.opened_at.to_string(),
            entry_count: c.entry_count,
        }
    }
}

/// Open a case about a person of concern.
#[utoipa::path(post, path = "/api/v1/cases", request_body = CaseIn,
    responses((status = 201, body = CaseOut), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CaseIn>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    let input = OpenCaseInput {
        label: body.person.label,
        nhs_number: body.person.nhs_number,
        identifiers: body.person.identifiers.unwrap_or_default(),
        chaperone_required: body.chaperone_required.unwrap_or(false),
    };
    let case = state.app.open_case(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(CaseOut::from(&case))))
}

/// The cases the caller may see.
#[utoipa::path(get, path = "/api/v1/cases", responses((status = 200, body = [CaseOut])), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<CaseOut>>, ApiError> {
    let cases = state.app.cases(&actor).await?;
    Ok(Json(cases.iter().map(CaseOut::from).collect()))
}

/// One case; 404 if it does not exist or the caller may not see it.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path)),
    responses((status = 200, body = CaseOut), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<CaseOut>, ApiError> {
    let case = state.app.view_case(&actor, id).await?;
    Ok(Json(CaseOut::from(&case)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct StatusIn {
    /// open, warned, care_transferred, removed_from_list, police_involved or closed.
    status: String,
    note: Option<String>,
}

/// Change a case's status.
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", params(("id" = String, Path)), request_body = StatusIn,
    responses((status = 200, body = CaseOut), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn change_status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<StatusIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let case = state
        .app
        .change_status(&actor, id, &body.status, body.note.as_deref())
        .await?;
    Ok(Json(CaseOut::from(&case)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ChaperoneIn {
    required: bool,
}

/// Set or clear "chaperone required for every consultation".
#[utoipa::path(put, path = "/api/v1/cases/{id}/chaperone", params(("id" = String, Path)), request_body = ChaperoneIn,
    responses((status = 200, body = CaseOut), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn set_chaperone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<ChaperoneIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let case = state
        .app
        .set_chaperone_required(&actor, id, body.required)
        .await?;
    Ok(Json(CaseOut::from(&case)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ShareIn {
    /// The e-mail address of a member of the same organisation.
    #[schema(format = Email)]
    email: String,
    /// read, or contribute (may also log contacts).
    access: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ShareOut {
    member_id: String,
    email: String,
    access: &'static str,
}

/// Share a case with a member of the same organisation. Owner only.
#[utoipa::path(post, path = "/api/v1/cases/{id}/shares", params(("id" = String, Path)), request_body = ShareIn,
    responses((status = 201, body = [ShareOut]), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn share(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<ShareIn>,
) -> Result<(StatusCode, Json<Vec<ShareOut>>), ApiError> {
    state
        .app
        .share_case(&actor, id, &body.email, &body.access)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(shares_out(&state, &actor, id).await?),
    ))
}

async fn shares_out(
    state: &AppState,
    actor: &boundary_app::Actor,
    id: CaseId,
) -> Result<Vec<ShareOut>, ApiError> {
    Ok(state
        .app
        .shares(actor, id)
        .await?
        .into_iter()
        .map(|(m, email, _, access)| ShareOut {
            member_id: m.to_string(),
            email,
            access: access.code(),
        })
        .collect())
}

/// Who the case is shared with. Owner only.
#[utoipa::path(get, path = "/api/v1/cases/{id}/shares", params(("id" = String, Path)),
    responses((status = 200, body = [ShareOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn shares(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<ShareOut>>, ApiError> {
    Ok(Json(shares_out(&state, &actor, id).await?))
}

/// End a member's access at once. Owner only.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/shares/{member_id}", params(("id" = String, Path), ("member_id" = String, Path)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id, member): Ids<CaseId, boundary_domain::MemberId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_share(&actor, id, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditOut {
    member_id: String,
    name: String,
    email: String,
    /// viewed case, viewed entries, viewed entry, viewed receipt, viewed attachment,
    /// viewed attachment list, viewed export, viewed export download, shared read,
    /// shared contribute, ended sharing.
    action: String,
    /// The entry viewed, or the member shared with.
    detail: Option<String>,
    address: Option<String>,
    at: String,
}

impl From<boundary_app::AuditRow> for AuditOut {
    fn from(a: boundary_app::AuditRow) -> Self {
        Self {
            member_id: a.member.to_string(),
            name: a.name,
            email: a.email,
            action: a.action,
            detail: a.detail,
            address: a.address,
            at: a.at.to_string(),
        }
    }
}

/// Who has seen, been given or lost access to the case, newest first. Owner only.
#[utoipa::path(get, path = "/api/v1/cases/{id}/audit", params(("id" = String, Path)),
    responses((status = 200, body = [AuditOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<AuditOut>>, ApiError> {
    let rows = state.app.case_audit(&actor, id).await?;
    Ok(Json(rows.into_iter().map(AuditOut::from).collect()))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/cases", list)
        .post("/api/v1/cases", create)
        .get("/api/v1/cases/{id}", show)
        .post("/api/v1/cases/{id}/status", change_status)
        .put("/api/v1/cases/{id}/chaperone", set_chaperone)
        .get("/api/v1/cases/{id}/shares", shares)
        .post("/api/v1/cases/{id}/shares", share)
        .get("/api/v1/cases/{id}/audit", audit)
        .delete("/api/v1/cases/{id}/shares/{member_id}", revoke)
}
