//! My cases, opening a case, and the case page with its timeline.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::format;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::cases::OpenCaseInput;
use boundary_app::{AppError, CaseRow, EntryRow};
use boundary_domain::{CaseId, CaseStatus, EntryId};
use serde::Deserialize;

struct CaseCard {
    id: String,
    label: String,
    status: &'static str,
    chaperone: bool,
    count: i64,
    last_contact: String,
}

struct RecentExport {
    job: String,
    what: &'static str,
    started: String,
    /// `working`, `stalled`, `ready` or `failed`.
    state: &'static str,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    cases: Vec<CaseCard>,
    /// Only clinicians open cases; others are pointed to what they can do.
    may_open: bool,
    /// What is coming due: (case id, label, each thing in words).
    dues: Vec<(String, String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewCasePage {
    chrome: Chrome,
    form: FormState,
}

struct LoggedPanel {
    id: String,
    seq: i64,
    of: String,
    recorded: String,
    leaf_hash: String,
}

/// 1022 as "1,022".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    /// The advice checklist: how many steps are done or do not apply, and the next one.
    steps_settled: usize,
    steps_total: usize,
    next_step: Option<&'static str>,
    /// Escalation prompts: (why, consider).
    prompts: Vec<(String, String)>,
    /// The pictures, as SVG, each with its words.
    weekly_svg: String,
    weekly_words: String,
    legend: Vec<(&'static str, &'static str)>,
    heat_svg: String,
    heat_words: String,
    id: String,
    label: String,
    status: &'static str,
    chaperone: bool,
    nhs_number: Option<String>,
    identifiers: Vec<String>,
    opened: String,
    timeline: Vec<super::timeline::TimelineItem>,
    contact_count: usize,
    logged: Option<LoggedPanel>,
    status_code: &'static str,
    statuses: Vec<(&'static str, &'static str)>,
    is_owner: bool,
    /// The member's exports of this case in the last hour.
    exports: Vec<RecentExport>,
    can_log: bool,
    /// For the owner: (member id, e-mail, name, access).
    shares: Vec<(String, String, String, &'static str)>,
    /// For the owner: others' views and sharing changes, newest first.
    seen_by: Vec<AuditLine>,
}

/// One line of an access audit, as a page shows it.
pub(crate) struct AuditLine {
    pub who: String,
    pub action: String,
    pub at: String,
    pub address: String,
    pub case: String,
}

pub(crate) fn audit_line(a: boundary_app::AuditRow) -> AuditLine {
    AuditLine {
        who: format!("{} ({})", a.name, a.email),
        action: match a.action.as_str() {
            "viewed entries" | "viewed case" => "Looked at the case".into(),
            "viewed entry" => "Looked at an entry".into(),
            "viewed receipt" => "Downloaded a receipt".into(),
            "viewed attachment" => "Opened an attached file".into(),
            "viewed export" => "Made an evidence pack or bundle".into(),
            "viewed export download" => "Downloaded an evidence pack or bundle again".into(),
            "viewed advice" => "Looked at the warnings, police reports and removal planner".into(),
            "shared read" => "Case shared to see".into(),
            "shared contribute" => "Case shared to see and log".into(),
            "ended sharing" => "Sharing ended".into(),
            other => other.to_owned(),
        },
        at: format::date_time(a.at),
        address: a.address.unwrap_or_default(),
        case: a.case.to_string(),
    }
}

#[derive(Template)]
#[template(path = "shared.html")]
struct SharedPage {
    chrome: Chrome,
    cases: Vec<CaseCard>,
}

fn card(c: &CaseRow) -> CaseCard {
    CaseCard {
        id: c.id.to_string(),
        label: c.person.label.clone(),
        status: c.status.label(),
        chaperone: c.chaperone_required,
        count: c.entry_count,
        last_contact: format::last_contact(c.last_contact_key),
    }
}

async fn list(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    let cases = state.app.cases(&me.actor).await?;
    Ok(render(
        form_status(false),
        &CasesPage {
            may_open: state.app.may_open_cases(&me.actor).is_ok(),
            dues: state
                .app
                .my_dues(&me.actor)
                .await?
                .into_iter()
                .map(|d| {
                    (
                        d.case.to_string(),
                        d.label,
                        d.items.into_iter().map(|i| i.words).collect(),
                    )
                })
                .collect(),
            chrome: Chrome::of(&me),
            cases: cases.iter().map(card).collect(),
        },
    ))
}

async fn new_form(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    state.app.may_open_cases(&me.actor)?;
    Ok(render(
        form_status(false),
        &NewCasePage {
            chrome: Chrome::of(&me),
            form: FormState::default(),
        },
    ))
}

async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let input = OpenCaseInput {
        label: form.value("label").into(),
        nhs_number: form.opt("nhs_number"),
        identifiers: form
            .value("identifiers")
            .lines()
            .map(str::to_owned)
            .collect(),
        chaperone_required: form.is("chaperone_required", "yes"),
    };
    match state.app.open_case(&me.actor, &input).await {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let form = form.with_errors(errors);
            Ok(render(
                form_status(true),
                &NewCasePage {
                    chrome: Chrome::of(&me),
                    form,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CaseQuery {
    logged: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, PageError> {
    let id: CaseId = id.parse().map_err(|_| AppError::NotFound)?;
    let logged_id: Option<EntryId> = q.logged.and_then(|l| l.parse().ok());
    let tree_size = match logged_id {
        Some(_) => state
            .app
            .store
            .latest_checkpoint()
            .await
            .map_err(AppError::from)?
            .map_or(0, |c| c.size),
        None => 0,
    };
    // Read before this look is itself recorded, so the count is the entry's own.
    let (case, entries) = state.app.entries(&me.actor, id).await?;
    let logged = logged_id
        .and_then(|l| entries.iter().find(|e| e.id == l))
        .map(|e| LoggedPanel {
            id: e.id.to_string(),
            seq: e.seq.get(),
            of: thousands(tree_size),
            recorded: format::date_time(e.recorded_at),
            leaf_hash: e.leaf_hash.clone(),
        });
    let is_owner = case.owner == me.actor.member;
    let can_log = state.app.may_log(&me.actor, &case).await?;
    let seen_by = if is_owner {
        state
            .app
            .case_audit(&me.actor, case.id)
            .await?
            .into_iter()
            .filter(|a| {
                a.member != me.actor.member
                    || a.action.starts_with("shared")
                    || a.action == "ended sharing"
            })
            .take(20)
            .map(audit_line)
            .collect()
    } else {
        Vec::new()
    };
    let exports = if is_owner {
        state
            .app
            .recent_exports(&me.actor, case.id)
            .await?
            .into_iter()
            .map(|s| {
                let started = boundary_domain::Timestamp::from_datetime(
                    time::OffsetDateTime::from_unix_timestamp(s.job.started_at)
                        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                );
                RecentExport {
                    job: s.job.id.clone(),
                    what: s.format.words(),
                    started: format::date_time(started),
                    state: s.state(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let shares = if is_owner {
        state
            .app
            .shares(&me.actor, case.id)
            .await?
            .into_iter()
            .map(|(m, email, name, access)| (m.to_string(), email, name, access.code()))
            .collect()
    } else {
        Vec::new()
    };
    let records = state.app.records_on(&case).await?;
    let checklist = state.app.checklist_of(&case, &records).await?;
    let next_step = boundary_domain::advice::checklist::next_step(
        &checklist
            .iter()
            .map(|l| (l.step, l.state.clone()))
            .collect::<Vec<_>>(),
    )
    .map(|s| s.words().0);
    let contacts: Vec<_> = entries.iter().map(EntryRow::current).collect();
    let prompts = state
        .app
        .prompts_for(&case, &contacts)
        .await?
        .into_iter()
        .map(|p| (p.why, p.consider))
        .collect();
    let weeks =
        boundary_domain::advice::patterns::weekly_by_channel(&contacts, state.app.uk_today());
    let (weekly_svg, weekly_words) = crate::charts::weekly(&weeks);
    let (heat_svg, heat_words) = crate::charts::heat_map(
        &boundary_domain::advice::patterns::hour_by_weekday(&contacts),
    );
    let page = CasePage {
        legend: crate::charts::legend(&weeks),
        weekly_svg,
        weekly_words,
        heat_svg,
        heat_words,
        prompts,
        steps_settled: checklist
            .iter()
            .filter(|l| !l.state.is_outstanding())
            .count(),
        steps_total: checklist.len(),
        next_step,
        is_owner,
        exports,
        can_log,
        shares,
        seen_by,
        chrome: Chrome::of(&me),
        id: case.id.to_string(),
        label: case.person.label.clone(),
        status: case.status.label(),
        chaperone: case.chaperone_required,
        nhs_number: case.person.nhs_number.as_ref().map(ToString::to_string),
        identifiers: case.person.identifiers.clone(),
        opened: format::date_time(case.opened_at),
        timeline: super::timeline::timeline(
            &entries,
            &records,
            super::files::views(&state, &me, case.id, None).await?,
        ),
        contact_count: entries.len(),
        logged,
        status_code: case.status.code(),
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
    };
    Ok(render(form_status(false), &page))
}

fn case_id(s: &str) -> Result<CaseId, PageError> {
    s.parse().map_err(|_| PageError(AppError::NotFound))
}

async fn change_status(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let id = case_id(&id)?;
    state
        .app
        .change_status(
            &me.actor,
            id,
            form.value("status"),
            form.opt("note").as_deref(),
        )
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

async fn shared(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    let cases = state.app.shared_with_me(&me.actor).await?;
    Ok(render(
        form_status(false),
        &SharedPage {
            chrome: Chrome::of(&me),
            cases: cases.iter().map(card).collect(),
        },
    ))
}

async fn share(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let id = case_id(&id)?;
    match state
        .app
        .share_case(&me.actor, id, form.value("email"), form.value("access"))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}#sharing")).into_response()),
        // The owner is the only one who gets here, so the field errors leak nothing.
        Err(AppError::Invalid(errors)) => Err(PageError(AppError::Invalid(errors))),
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, member)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    let id = case_id(&id)?;
    let member = member.parse().map_err(|_| AppError::NotFound)?;
    state.app.revoke_share(&me.actor, id, member).await?;
    Ok(Redirect::to(&format!("/cases/{id}#sharing")).into_response())
}

async fn set_chaperone(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let id = case_id(&id)?;
    state
        .app
        .set_chaperone_required(&me.actor, id, form.is("required", "yes"))
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/cases", list)
        .post("/cases", create)
        .get("/cases/new", new_form)
        .get("/cases/{id}", show)
        .post("/cases/{id}/status", change_status)
        .post("/cases/{id}/chaperone", set_chaperone)
        .post("/cases/{id}/shares", share)
        .post("/cases/{id}/shares/{member_id}/revoke", revoke)
        .get("/shared", shared)
}
