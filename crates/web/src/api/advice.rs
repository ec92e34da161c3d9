//! Warnings, police reports and the removal planner, per ../shared/INTERFACES.md.

use super::ApiQuery;
use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use boundary_app::advice::Recorded;
use boundary_app::Appended;
use boundary_domain::advice::police::PoliceReportInput;
use boundary_domain::advice::removal::AssessmentInput;
use boundary_domain::advice::warning::WarningInput;
use boundary_domain::advice::{PoliceReport, Warning};
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A record just appended to the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecordCreated {
    seq: i64,
    recorded_at: String,
    leaf_hash: String,
}

impl From<Appended> for RecordCreated {
    fn from(a: Appended) -> Self {
        Self {
            seq: a.seq.get(),
            recorded_at: a.recorded_at.to_string(),
            leaf_hash: a.leaf_hash.to_hex(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct WarningIn {
    /// YYYY-MM-DD, not in the future.
    #[schema(format = Date)]
    given_on: String,
    /// In person, by letter…
    #[schema(min_length = 1, pattern = r"\S")]
    how: String,
    reasons: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WarningOut {
    seq: i64,
    recorded_at: String,
    given_on: String,
    how: String,
    reasons: String,
    /// The first day the warning no longer counts for a removal request.
    lapses_on: String,
}

impl From<&Recorded<Warning>> for WarningOut {
    fn from(r: &Recorded<Warning>) -> Self {
        Self {
            seq: r.seq.get(),
            recorded_at: r.recorded_at.to_string(),
            given_on: iso_date::format(r.record.given_on),
            how: r.record.how.clone(),
            reasons: r.record.reasons.clone(),
            lapses_on: iso_date::format(r.record.lapses_on()),
        }
    }
}

/// Record a warning given to the patient. Owner, or a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/warnings", params(("id" = String, Path)), request_body = WarningIn,
    responses((status = 201, body = RecordCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn warn(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<WarningIn>,
) -> Result<(StatusCode, Json<RecordCreated>), ApiError> {
    let a = state
        .app
        .record_warning(
            &actor,
            id,
            &WarningInput {
                given_on: body.given_on,
                how: body.how,
                reasons: body.reasons,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// The warnings recorded on a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/warnings", params(("id" = String, Path)),
    responses((status = 200, body = [WarningOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn warnings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<WarningOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records.warnings.iter().map(WarningOut::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct PoliceReportIn {
    /// YYYY-MM-DD, not in the future.
    #[schema(format = Date)]
    reported_on: String,
    #[schema(min_length = 1, pattern = r"\S")]
    force: String,
    officer: Option<String>,
    /// The incident number or crime reference.
    reference: String,
    summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PoliceReportOut {
    seq: i64,
    recorded_at: String,
    reported_on: String,
    force: String,
    officer: Option<String>,
    reference: String,
    summary: String,
}

impl From<&Recorded<PoliceReport>> for PoliceReportOut {
    fn from(r: &Recorded<PoliceReport>) -> Self {
        let p = &r.record;
        Self {
            seq: r.seq.get(),
            recorded_at: r.recorded_at.to_string(),
            reported_on: iso_date::format(p.reported_on),
            force: p.force.clone(),
            officer: p.officer.clone(),
            reference: p.reference.clone(),
            summary: p.summary.clone(),
        }
    }
}

/// Record a report to the police. Owner, or a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/police-reports", params(("id" = String, Path)), request_body = PoliceReportIn,
    responses((status = 201, body = RecordCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<PoliceReportIn>,
) -> Result<(StatusCode, Json<RecordCreated>), ApiError> {
    let input = PoliceReportInput {
        reported_on: body.reported_on,
        force: body.force,
        officer: body.officer,
        reference: body.reference,
        summary: body.summary,
    };
    let a = state.app.record_police_report(&actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// The police reports recorded on a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/police-reports", params(("id" = String, Path)),
    responses((status = 200, body = [PoliceReportOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn reports(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<PoliceReportOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records
            .police_reports
            .iter()
            .map(PoliceReportOut::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AssessmentIn {
    /// The grounds are not about a protected characteristic or the patient's medical
    /// condition.
    grounds_confirmed: bool,
    /// Why no warning was needed: harmful_to_patient, risk_to_others or not_practicable.
    exception: Option<String>,
    /// Required with an exception.
    exception_why: Option<String>,
    /// For an immediate removal: why the patient cannot be told.
    patient_not_told_why: Option<String>,
}

/// Record the owner's answers behind a removal request; the newest counts. Owner only.
#[utoipa::path(put, path = "/api/v1/cases/{id}/removal-assessment", params(("id" = String, Path)), request_body = AssessmentIn,
    responses((status = 200, body = RecordCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<AssessmentIn>,
) -> Result<Json<RecordCreated>, ApiError> {
    let a = state
        .app
        .assess_removal(
            &actor,
            id,
            &AssessmentInput {
                grounds_confirmed: body.grounds_confirmed,
                exception: body.exception,
                exception_why: body.exception_why,
                patient_not_told_why: body.patient_not_told_why,
            },
        )
        .await?;
    Ok(Json(a.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PlanQuery {
    /// YYYY-MM-DD; today (UK) when absent.
    #[param(format = Date)]
    requested_on: Option<String>,
    /// true for removal with immediate effect after violence or threats.
    #[param(value_type = Option<bool>)]
    immediate: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlanOut {
    can_request: bool,
    why: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirm_in_writing_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    police_reference: Option<String>,
}

/// Whether a request to remove the patient from the practice list can be made on a day,
/// why, and what follows (GP practices in England).
#[utoipa::path(get, path = "/api/v1/cases/{id}/removal-plan", params(("id" = String, Path), PlanQuery),
    responses((status = 200, body = PlanOut), (status = 404), (status = 422, description = "Invalid date")),
    security(("bearer" = [])))]
pub(crate) async fn removal_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<PlanOut>, ApiError> {
    let immediate = match q.immediate.as_deref().map(str::trim) {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(boundary_domain::FieldErrors::one(
                "immediate",
                "Use immediate=true for removal with immediate effect, or leave it out",
            )
            .into())
        }
    };
    let (_, p) = state
        .app
        .removal_plan(&actor, id, q.requested_on.as_deref(), immediate)
        .await?;
    state.app.note_advice_read(&actor, id).await?;
    Ok(Json(PlanOut {
        can_request: p.can_request,
        why: p.why,
        effective_on: p.effective_on.map(iso_date::format),
        confirm_in_writing_by: p.confirm_in_writing_by.map(iso_date::format),
        police_reference: p.police_reference,
    }))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .post("/api/v1/cases/{id}/warnings", warn)
        .get("/api/v1/cases/{id}/warnings", warnings)
        .post("/api/v1/cases/{id}/police-reports", report)
        .get("/api/v1/cases/{id}/police-reports", reports)
        .put("/api/v1/cases/{id}/removal-assessment", assess)
        .get("/api/v1/cases/{id}/removal-plan", removal_plan)
}
