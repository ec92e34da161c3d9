//! Letters on a case: drafts, and letters kept as sent.

use super::advice::RecordCreated;
use super::ApiQuery;
use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use boundary_domain::advice::letter::LetterKind;
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DraftQuery {
    /// `warning`, `removal_request` or `removal_notice`.
    kind: String,
    /// For the removal letters: the date of the request (today when absent).
    #[param(format = Date)]
    requested_on: Option<String>,
    /// For the removal letters: an immediate removal after violence.
    immediate: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DraftOut {
    kind: String,
    text: String,
}

/// A draft letter made from what the case records, to edit before keeping it.
#[utoipa::path(get, path = "/api/v1/cases/{id}/letters/draft", params(("id" = String, Path), DraftQuery),
    responses((status = 200, body = DraftOut), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn draft(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> Result<Json<DraftOut>, ApiError> {
    let text = state
        .app
        .letter_draft(
            &actor,
            id,
            &q.kind,
            q.requested_on.as_deref(),
            q.immediate.unwrap_or(false),
        )
        .await?;
    Ok(Json(DraftOut { kind: q.kind, text }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct LetterIn {
    /// `warning`, `removal_request` or `removal_notice`.
    kind: String,
    /// The letter as sent.
    #[schema(min_length = 1, pattern = r"\S")]
    text: String,
    /// For the removal letters: the date of the request (today when absent).
    #[schema(format = Date)]
    requested_on: Option<String>,
    /// For the removal letters: an immediate removal after violence.
    immediate: Option<bool>,
}

/// Keep a letter as it was sent. Owner, or a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/letters", params(("id" = String, Path)), request_body = LetterIn,
    responses((status = 201, body = RecordCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn keep(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<LetterIn>,
) -> Result<(StatusCode, Json<RecordCreated>), ApiError> {
    let a = state
        .app
        .write_letter(
            &actor,
            id,
            &body.kind,
            &body.text,
            body.requested_on.as_deref(),
            body.immediate.unwrap_or(false),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LetterOut {
    seq: i64,
    recorded_at: String,
    kind: String,
    written_on: String,
    text: String,
    requested_on: Option<String>,
    immediate: bool,
}

/// The letters kept on a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/letters", params(("id" = String, Path)),
    responses((status = 200, body = [LetterOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<LetterOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records
            .letters
            .iter()
            .map(|r| LetterOut {
                seq: r.seq.get(),
                recorded_at: r.recorded_at.to_string(),
                kind: r.record.kind.code().into(),
                written_on: iso_date::format(r.record.written_on),
                text: r.record.text.clone(),
                requested_on: r.record.requested_on.map(iso_date::format),
                immediate: r.record.immediate,
            })
            .collect(),
    ))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/cases/{id}/letters/draft", draft)
        .post("/api/v1/cases/{id}/letters", keep)
        .get("/api/v1/cases/{id}/letters", list)
        .get("/api/v1/letter-templates", templates)
        .put("/api/v1/letter-templates/{kind}", set_template)
        .delete("/api/v1/letter-templates/{kind}", reset_template)
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TemplateOut {
    kind: String,
    text: String,
    /// The practice's own wording, rather than Boundary's.
    custom: bool,
}

/// The wording the practice uses for each kind of letter. Admins.
#[utoipa::path(get, path = "/api/v1/letter-templates",
    responses((status = 200, body = [TemplateOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn templates(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TemplateOut>>, ApiError> {
    Ok(Json(
        state
            .app
            .letter_templates(&actor)
            .await?
            .into_iter()
            .map(|t| TemplateOut {
                kind: t.kind.code().into(),
                text: t.text,
                custom: t.custom,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TemplateIn {
    /// The wording, with placeholders such as `{{ patient }}`.
    #[schema(min_length = 1, pattern = r"\S")]
    text: String,
}

/// Set the practice's own wording for a kind of letter. Admins.
#[utoipa::path(put, path = "/api/v1/letter-templates/{kind}", params(("kind" = String, Path)), request_body = TemplateIn,
    responses((status = 204), (status = 404), (status = 422, description = "A template that cannot be used, and why")),
    security(("bearer" = [])))]
pub(crate) async fn set_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(kind): Id<LetterKind>,
    ApiJson(body): ApiJson<TemplateIn>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_letter_template(&actor, kind, &body.text)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Go back to Boundary's wording for a kind of letter. Admins.
#[utoipa::path(delete, path = "/api/v1/letter-templates/{kind}", params(("kind" = String, Path)),
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn reset_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(kind): Id<LetterKind>,
) -> Result<StatusCode, ApiError> {
    state.app.reset_letter_template(&actor, kind).await?;
    Ok(StatusCode::NO_CONTENT)
}
