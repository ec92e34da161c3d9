//! My cases, opening a case, and what the owner does to one: its status, the chaperone
//! flag, sharing. The case page itself is `case_page.rs`.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::format;
use crate::path_ids::{Id, Ids};
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::cases::OpenCaseInput;
use boundary_app::{AppError, CaseRow};
use boundary_domain::CaseId;

struct CaseCard {
    id: String,
    label: String,
    status: &'static str,
    chaperone: bool,
    count: i64,
    last_contact: String,
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
    /// Cases colleagues share with this member: a manager's home is these.
    shared: Vec<CaseCard>,
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewCasePage {
    chrome: Chrome,
    form: FormState,
}

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
    let shared = state.app.shared_with_me(&me.actor).await?;
    Ok(render(
        form_status(false),
        &CasesPage {
            shared: shared.iter().map(card).collect(),
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
            chrome: me.chrome(),
            cases: cases.iter().map(card).collect(),
        },
    ))
}

async fn new_form(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    state.app.may_open_cases(&me.actor)?;
    Ok(render(
        form_status(false),
        &NewCasePage {
            chrome: me.chrome(),
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
                    chrome: me.chrome(),
                    form,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn change_status(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
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
            chrome: me.chrome(),
            cases: cases.iter().map(card).collect(),
        },
    ))
}

async fn share(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
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
    Ids(id, member): Ids<CaseId, boundary_domain::MemberId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check_csrf(&FormState::from_pairs(pairs))?;
    state.app.revoke_share(&me.actor, id, member).await?;
    Ok(Redirect::to(&format!("/cases/{id}#sharing")).into_response())
}

async fn set_chaperone(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
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
        .post("/cases/{id}/status", change_status)
        .post("/cases/{id}/chaperone", set_chaperone)
        .post("/cases/{id}/shares", share)
        .post("/cases/{id}/shares/{member_id}/revoke", revoke)
        .get("/shared", shared)
}
