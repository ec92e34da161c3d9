//! The advice checklist of a case, per ../shared/INTERFACES.md: each step as it stands,
//! and a step marked done or not applicable.

use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::{Id, Ids};
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use boundary_app::advice::ChecklistLine;
use boundary_domain::advice::{Step, StepState};
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct MarkIn {
    /// YYYY-MM-DD: the step was done then.
    #[schema(format = Date)]
    done_on: Option<String>,
    /// With `done_on`: for example the defence body's reference.
    note: Option<String>,
    /// Instead of `done_on`: why the step does not apply.
    not_applicable: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepOut {
    step: &'static str,
    title: &'static str,
    /// open, done, due_again or not_applicable.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    done_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// True when the case's own records ticked it (a logged contact, a warning, a report).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    by_itself: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
    /// Who ticked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
}

impl From<ChecklistLine> for StepOut {
    fn from(l: ChecklistLine) -> Self {
        let mut out = StepOut {
            step: l.step.code(),
            title: l.step.words().0,
            state: "open",
            done_on: None,
            note: None,
            by_itself: false,
            due_since: None,
            why: None,
            by: l.by,
        };
        match l.state {
            StepState::Open => {}
            StepState::Done {
                on,
                note,
                by_itself,
            } => {
                out.state = "done";
                out.done_on = Some(iso_date::format(on));
                out.note = note;
                out.by_itself = by_itself;
            }
            StepState::DueAgain {
                last_done,
                due_since,
            } => {
                out.state = "due_again";
                out.done_on = Some(iso_date::format(last_done));
                out.due_since = Some(iso_date::format(due_since));
            }
            StepState::NotApplicable { why } => {
                out.state = "not_applicable";
                out.why = Some(why);
            }
        }
        out
    }
}

/// The advice checklist, as it stands today, in the order it is usually followed.
#[utoipa::path(get, path = "/api/v1/cases/{id}/checklist", tag = "advice", params(("id" = String, Path)),
    responses((status = 200, body = [StepOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn checklist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<StepOut>>, ApiError> {
    let lines = state.app.checklist(&actor, id).await?;
    state.app.note_advice_read(&actor, id).await?;
    Ok(Json(lines.into_iter().map(StepOut::from).collect()))
}

/// Tick a checklist step with a date, or mark it not applicable with a reason. Owner, or
/// a contribute share. Answers with the step as it now stands.
#[utoipa::path(put, path = "/api/v1/cases/{id}/checklist/{step}", tag = "advice", params(("id" = String, Path), ("step" = String, Path)), request_body = MarkIn,
    responses((status = 200, body = StepOut), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn mark(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id, step): Ids<CaseId, Step>,
    ApiJson(body): ApiJson<MarkIn>,
) -> Result<Json<StepOut>, ApiError> {
    state
        .app
        .mark_step(
            &actor,
            id,
            step,
            body.done_on.as_deref(),
            body.note.as_deref(),
            body.not_applicable.as_deref(),
        )
        .await?;
    let line = state
        .app
        .checklist(&actor, id)
        .await?
        .into_iter()
        .find(|l| l.step == step)
        .ok_or(boundary_app::AppError::NotFound)?;
    Ok(Json(line.into()))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/cases/{id}/checklist", checklist)
        .put("/api/v1/cases/{id}/checklist/{step}", mark)
}
