//! A case's warnings, police reports and removal planner, on one page.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::form::FormState;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use boundary_app::AppError;
use boundary_domain::advice::dates::human;
use boundary_domain::advice::warning::{standing, WarningStanding};
use boundary_domain::advice::WarningException;
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use serde::Deserialize;

/// One checklist step on the page.
pub(crate) struct StepView {
    pub code: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    /// NHS tag colour and text.
    pub tag: (&'static str, &'static str),
    pub detail: String,
    /// The label of the step's note: the defence body's step asks for their reference.
    pub note_label: &'static str,
}

pub(crate) fn step_view(line: boundary_app::advice::ChecklistLine) -> StepView {
    use boundary_domain::advice::StepState;
    let (title, hint) = line.step.words();
    let by = line.by.map(|b| format!(" by {b}")).unwrap_or_default();
    let (tag, detail) = match line.state {
        StepState::Open => (("grey", "To do"), String::new()),
        StepState::Done {
            on,
            note,
            by_itself,
        } => (
            ("green", "Done"),
            format!(
                "{}{}{}",
                iso_date::format(on),
                if by_itself {
                    " (from the case's records)".to_owned()
                } else {
                    by
                },
                note.map(|n| format!(": {n}")).unwrap_or_default()
            ),
        ),
        StepState::DueAgain {
            last_done,
            due_since,
        } => (
            ("orange", "Due again"),
            format!(
                "Last done {}; due again since {}",
                iso_date::format(last_done),
                iso_date::format(due_since)
            ),
        ),
        StepState::NotApplicable { why } => (("white", "Not applicable"), why),
    };
    StepView {
        note_label: if line.step.code() == "contacted_defence_body" {
            "Note (optional): their reference"
        } else {
            "Note (optional)"
        },
        code: line.step.code(),
        title,
        hint,
        tag,
        detail,
    }
}

#[derive(Template)]
#[template(path = "advice.html")]
struct AdvicePage {
    chrome: Chrome,
    steps: Vec<StepView>,
    id: String,
    label: String,
    is_owner: bool,
    can_record: bool,
    standing: String,
    /// (given on, how, reasons)
    warnings: Vec<(String, String, String)>,
    /// (reported on, force, reference, summary)
    reports: Vec<(String, String, String, String)>,
    /// (consultation on, who or what instead, consent)
    chaperones: Vec<(String, String, &'static str)>,
    /// (transferred on, to whom, reason)
    transfers: Vec<(String, String, String)>,
    /// (answered on, score of 14, FOUR met)
    /// When, how many yes, how many "don't know", whether the FOUR pattern is met.
    screens: Vec<(String, usize, usize, bool)>,
    questions: &'static [(&'static str, &'static str)],
    plan_day: String,
    plan_day_words: String,
    letters: Vec<LetterView>,
    plan_can: bool,
    plan_why: Vec<String>,
    plan_effective: Option<String>,
    plan_confirm_by: Option<String>,
    immediate: bool,
    grounds_confirmed: bool,
    exception: String,
    exceptions: Vec<(&'static str, &'static str)>,
    form: FormState,
    /// Which form to show open: the one that was sent back with errors.
    open: &'static str,
}

/// A letter kept on the case.
struct LetterView {
    seq: i64,
    title: &'static str,
    written_on: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct PlanQuery {
    requested_on: Option<String>,
    immediate: Option<String>,
}

/// A form posted about a case: its fields, after the CSRF check.
pub(super) fn posted(me: &SignedIn, pairs: Vec<(String, String)>) -> Result<FormState, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    Ok(form)
}

fn standing_words(s: &WarningStanding) -> String {
    match s {
        WarningStanding::None => "No warning to the patient is recorded.".into(),
        WarningStanding::Current {
            given_on,
            lapses_on,
        } => format!(
            "The patient was warned on {}. That warning counts for a removal request until {}.",
            human(*given_on),
            human(lapses_on.previous_day().unwrap_or(*lapses_on))
        ),
        WarningStanding::Lapsed {
            given_on,
            lapsed_on,
        } => format!(
            "The last warning, on {}, stopped counting on {}: it is more than 12 months old.",
            human(*given_on),
            human(*lapsed_on)
        ),
    }
}

/// The page, with the planner run for `query`, and `form` sent back into the form
/// named by `open` when it had errors.
async fn page(
    state: &AppState,
    me: &SignedIn,
    id: CaseId,
    query: &PlanQuery,
    form: FormState,
    open: &'static str,
) -> Result<Response, PageError> {
    let case = state.app.case(&me.actor, id).await?;
    let records = state.app.advice_records(&me.actor, id).await?;
    let immediate = query.immediate.as_deref() == Some("true");
    let (day, plan) = match state
        .app
        .removal_plan(&me.actor, id, query.requested_on.as_deref(), immediate)
        .await
    {
        Ok(p) => p,
        Err(AppError::Invalid(_)) => {
            state
                .app
                .removal_plan(&me.actor, id, None, immediate)
                .await?
        }
        Err(e) => return Err(e.into()),
    };
    let assessment = records.assessment.as_ref().map(|r| &r.record);
    let today = state.app.uk_today();
    let steps = state
        .app
        .checklist(&me.actor, id)
        .await?
        .into_iter()
        .map(step_view)
        .collect();
    let page = AdvicePage {
        steps,
        chrome: me.chrome(),
        id: id.to_string(),
        label: case.person.label.clone(),
        is_owner: case.owner == me.actor.member,
        can_record: state.app.may_log(&me.actor, &case).await?,
        standing: standing_words(&standing(&records.warning_list(), today)),
        warnings: records
            .warnings
            .iter()
            .map(|w| {
                let w = &w.record;
                (human(w.given_on), w.how.clone(), w.reasons.clone())
            })
            .collect(),
        reports: records
            .police_reports
            .iter()
            .map(|r| {
                let r = &r.record;
                (
                    human(r.reported_on),
                    r.force.clone(),
                    r.reference.clone(),
                    r.summary.clone(),
                )
            })
            .collect(),
        chaperones: records
            .chaperones
            .iter()
            .map(|r| {
                let c = &r.record;
                let who = if c.declined {
                    format!(
                        "Offered and declined; instead: {}",
                        c.instead.clone().unwrap_or_default()
                    )
                } else {
                    format!(
                        "{}, {}",
                        c.chaperone_name.clone().unwrap_or_default(),
                        c.chaperone_role.clone().unwrap_or_default()
                    )
                };
                let consent = if c.patient_consent {
                    "consented"
                } else {
                    "did not consent"
                };
                (human(c.consultation_on), who, consent)
            })
            .collect(),
        screens: records
            .screens
            .iter()
            .map(|r| {
                (
                    crate::format::date_time(r.recorded_at),
                    r.record.score(),
                    r.record.unknown(),
                    r.record.four_met(),
                )
            })
            .collect(),
        questions: &boundary_domain::advice::risk::QUESTIONS,
        transfers: records
            .transfers
            .iter()
            .map(|r| {
                let t = &r.record;
                (human(t.transferred_on), t.to.clone(), t.reason.clone())
            })
            .collect(),
        plan_day: iso_date::format(day),
        plan_day_words: human(day),
        letters: records
            .letters
            .iter()
            .map(|r| LetterView {
                seq: r.seq.get(),
                title: r.record.kind.label(),
                written_on: human(r.record.written_on),
                text: r.record.text.clone(),
            })
            .collect(),
        plan_can: plan.can_request,
        plan_why: plan.why,
        plan_effective: plan.effective_on.map(human),
        plan_confirm_by: plan.confirm_in_writing_by.map(human),
        immediate,
        grounds_confirmed: assessment.is_some_and(|a| a.grounds_confirmed),
        exception: assessment
            .and_then(|a| a.exception)
            .map_or("", WarningException::code)
            .to_owned(),
        exceptions: WarningException::ALL
            .iter()
            .map(|e| (e.code(), e.words()))
            .collect(),
        form: form.with("requested_on", &iso_date::format(day)),
        open,
    };
    Ok(render(form_status(page.form.has_errors()), &page))
}

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, PageError> {
    page(&state, &me, id, &q, FormState::default(), "").await
}

/// After a record is sent: back to the page, or the page again with the form's errors.
pub(super) async fn recorded(
    state: &AppState,
    me: &SignedIn,
    id: CaseId,
    form: FormState,
    open: &'static str,
    anchor: &str,
    result: Result<(), AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}/advice#{anchor}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let q = PlanQuery {
                requested_on: None,
                immediate: None,
            };
            page(state, me, id, &q, form.with_errors(errors), open).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn router() -> Routes {
    Routes::new().get("/cases/{id}/advice", show)
}
