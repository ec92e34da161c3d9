//! The chaperone register and transfers of care, per ../shared/INTERFACES.md.

use super::advice::RecordCreated;
use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use boundary_domain::advice::chaperone::ChaperoneInput;
use boundary_domain::advice::transfer::TransferInput;
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ChaperoneIn {
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    consultation_on: String,
    chaperone_name: Option<String>,
    chaperone_role: Option<String>,
    /// A chaperone was offered and declined.
    declined: Option<bool>,
    /// When declined: what was done instead.
    instead: Option<String>,
    patient_consent: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChaperoneOut {
    seq: i64,
    consultation_on: String,
    chaperone_name: Option<String>,
    chaperone_role: Option<String>,
    declined: bool,
    instead: Option<String>,
    patient_consent: bool,
}

/// Record a consultation's chaperone, or that one was offered and declined. Owner, or
/// a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/chaperones", params(("id" = String, Path)), request_body = ChaperoneIn,
    responses((status = 201, body = RecordCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn record_chaperone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<ChaperoneIn>,
) -> Result<(StatusCode, Json<RecordCreated>), ApiError> {
    let input = ChaperoneInput {
        consultation_on: body.consultation_on,
        chaperone_name: body.chaperone_name,
        chaperone_role: body.chaperone_role,
        declined: body.declined.unwrap_or(false),
        instead: body.instead,
        patient_consent: Some(body.patient_consent),
    };
    let a = state.app.record_chaperone(&actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// The chaperone register of a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/chaperones", params(("id" = String, Path)),
    responses((status = 200, body = [ChaperoneOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn chaperones(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<ChaperoneOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records
            .chaperones
            .into_iter()
            .map(|r| ChaperoneOut {
                seq: r.seq.get(),
                consultation_on: iso_date::format(r.record.consultation_on),
                chaperone_name: r.record.chaperone_name,
                chaperone_role: r.record.chaperone_role,
                declined: r.record.declined,
                instead: r.record.instead,
                patient_consent: r.record.patient_consent,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct TransferIn {
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    transferred_on: String,
    /// The clinician or service now responsible.
    #[schema(min_length = 1, pattern = r"\S")]
    to: String,
    reason: String,
    handover: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TransferOut {
    seq: i64,
    transferred_on: String,
    to: String,
    reason: String,
    handover: Option<String>,
}

/// Record a transfer of the patient's care. Owner only.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transfers", params(("id" = String, Path)), request_body = TransferIn,
    responses((status = 201, body = RecordCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn record_transfer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<TransferIn>,
) -> Result<(StatusCode, Json<RecordCreated>), ApiError> {
    let a = state
        .app
        .record_transfer(
            &actor,
            id,
            &TransferInput {
                transferred_on: body.transferred_on,
                to: body.to,
                reason: body.reason,
                handover: body.handover,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// The transfers of care recorded on a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/transfers", params(("id" = String, Path)),
    responses((status = 200, body = [TransferOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn transfers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<TransferOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records
            .transfers
            .into_iter()
            .map(|r| TransferOut {
                seq: r.seq.get(),
                transferred_on: iso_date::format(r.record.transferred_on),
                to: r.record.to,
                reason: r.record.reason,
                handover: r.record.handover,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PromptOut {
    /// at_home, after_warning, via_third_party or rising_rate.
    kind: &'static str,
    /// Why it appeared, from what the log holds.
    why: String,
    /// What to consider doing.
    consider: String,
}

/// Escalation prompts from the case's own log.
#[utoipa::path(get, path = "/api/v1/cases/{id}/prompts", params(("id" = String, Path)),
    responses((status = 200, body = [PromptOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn prompts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<PromptOut>>, ApiError> {
    let prompts = state.app.prompts(&actor, id).await?;
    state.app.note_advice_read(&actor, id).await?;
    Ok(Json(
        prompts
            .into_iter()
            .map(|p| PromptOut {
                kind: p.kind,
                why: p.why,
                consider: p.consider,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct RiskScreenIn {
    /// Every question's code mapped to true for yes, false for no and null for "don't
    /// know": fixated, obsessive, unwanted, repeated, frightened, threats, violence,
    /// home_or_following, others_contacted, worse, property, sexual, others_targeted,
    /// orders_broken.
    answers: std::collections::BTreeMap<String, Option<bool>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RiskScreenOut {
    seq: i64,
    recorded_at: String,
    /// How many answers were yes, of 14.
    score: usize,
    /// How many answers were "don't know" (null in `answers`).
    unknown: usize,
    /// Fixated, obsessive, unwanted and repeated.
    four_met: bool,
    answers: std::collections::BTreeMap<String, Option<bool>>,
}

/// Record a set of answers to the risk questions. Owner, or a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/risk-screens", params(("id" = String, Path)), request_body = RiskScreenIn,
    responses((status = 201, body = RecordCreated), (status = 404), (status = 422, description = "Unanswered or unknown questions")),
    security(("bearer" = [])))]
pub(crate) async fn record_screen(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<RiskScreenIn>,
) -> Result<(StatusCode, Json<RecordCreated>), ApiError> {
    let a = state
        .app
        .record_risk_screen(&actor, id, &body.answers)
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Every set of answers to the risk questions, oldest first: the trend.
#[utoipa::path(get, path = "/api/v1/cases/{id}/risk-screens", params(("id" = String, Path)),
    responses((status = 200, body = [RiskScreenOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn screens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<RiskScreenOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records
            .screens
            .into_iter()
            .map(|r| RiskScreenOut {
                seq: r.seq.get(),
                recorded_at: r.recorded_at.to_string(),
                score: r.record.score(),
                unknown: r.record.unknown(),
                four_met: r.record.four_met(),
                answers: r.record.answers,
            })
            .collect(),
    ))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .post("/api/v1/cases/{id}/chaperones", record_chaperone)
        .get("/api/v1/cases/{id}/chaperones", chaperones)
        .post("/api/v1/cases/{id}/transfers", record_transfer)
        .get("/api/v1/cases/{id}/transfers", transfers)
        .get("/api/v1/cases/{id}/prompts", prompts)
        .post("/api/v1/cases/{id}/risk-screens", record_screen)
        .get("/api/v1/cases/{id}/risk-screens", screens)
}
