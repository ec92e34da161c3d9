//! Warnings, police reports, the removal assessment and checklist steps, recorded from
//! the advice page: each form's fields to one app call, then back to the page.

use super::advice::{posted, recorded};
use crate::error::PageError;
use crate::path_ids::{Id, Ids};
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use boundary_app::AppError;
use boundary_domain::advice::police::PoliceReportInput;
use boundary_domain::advice::removal::AssessmentInput;
use boundary_domain::advice::warning::WarningInput;
use boundary_domain::advice::Step;
use boundary_domain::CaseId;

type Pairs = Form<Vec<(String, String)>>;

async fn warn(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    let result = state
        .app
        .record_warning(
            &me.actor,
            id,
            &WarningInput {
                given_on: form.value("given_on").into(),
                how: form.value("how").into(),
                reasons: form.value("reasons").into(),
            },
        )
        .await
        .map(|_| ());
    recorded(&state, &me, id, form, "warning", "warnings", result).await
}

async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    let input = PoliceReportInput {
        reported_on: form.value("reported_on").into(),
        force: form.value("force").into(),
        officer: form.opt("officer"),
        reference: form.value("reference").into(),
        summary: form.value("summary").into(),
    };
    let result = state
        .app
        .record_police_report(&me.actor, id, &input)
        .await
        .map(|_| ());
    recorded(&state, &me, id, form, "police", "police", result).await
}

async fn assess(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    let result = state
        .app
        .assess_removal(
            &me.actor,
            id,
            &AssessmentInput {
                grounds_confirmed: form.is("grounds_confirmed", "yes"),
                exception: form.opt("exception"),
                exception_why: form.opt("exception_why"),
                patient_not_told_why: form.opt("patient_not_told_why"),
            },
        )
        .await
        .map(|_| ());
    recorded(&state, &me, id, form, "assessment", "removal", result).await
}

async fn mark(
    State(state): State<AppState>,
    me: SignedIn,
    Ids(id, step): Ids<CaseId, Step>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    let result = state
        .app
        .mark_step(
            &me.actor,
            id,
            step,
            form.opt("done_on").as_deref(),
            form.opt("note").as_deref(),
            form.opt("not_applicable").as_deref(),
        )
        .await
        .map(|_| ());
    // Every step has the same three fields: on the page they carry the step's code, and
    // the summary names the step.
    let (form, result) = match result {
        Err(AppError::Invalid(errors)) => {
            let title = step.words().0;
            let mut errors = errors;
            let mut form = form;
            for (field, prefix) in [
                ("done_on", "done"),
                ("note", "note"),
                ("not_applicable", "na"),
            ] {
                let own = format!("{prefix}-{}", step.code());
                errors = errors.renamed(field, &own);
                let typed = form.value(field).to_owned();
                form = form.with(&own, &typed).naming(&own, &format!("“{title}”"));
            }
            (form, Err(AppError::Invalid(errors)))
        }
        other => (form, other),
    };
    recorded(&state, &me, id, form, "checklist", "checklist", result).await
}

pub(super) fn router() -> Routes {
    Routes::new()
        .post("/cases/{id}/warnings", warn)
        .post("/cases/{id}/police-reports", report)
        .post("/cases/{id}/removal-assessment", assess)
        .post("/cases/{id}/checklist/{step}", mark)
}
