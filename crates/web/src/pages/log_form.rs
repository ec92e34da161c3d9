//! The log form: what happened, how and when, with the optional detail folded away, and
//! what was typed kept through a session that ended before it was sent.

use super::held_draft;
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::{draft_ticket, forget_draft, SignedIn};
use crate::state::AppState;
use askama::Template;
use axum::extract::{FromRequest, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use boundary_app::{AppError, CaseRow};
use boundary_domain::advice::chaperone::ChaperoneInput;
use boundary_domain::CaseId;
use boundary_domain::{Channel, EntryInput, FieldErrors};

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage {
    chrome: Chrome,
    case_id: String,
    label: String,
    chaperone: bool,
    channels: Vec<(&'static str, &'static str)>,
    /// Police references recorded on the case, offered in the reference field.
    police_refs: Vec<String>,
    /// "More detail" starts open when something in it is filled in or wrong.
    more_open: bool,
    /// Non-empty when the police reference field has a hint to point to.
    police_hint: &'static str,
    /// What was typed came back after the session ended and the person signed in again.
    held_back: bool,
    form: FormState,
}

/// The log form's optional fields, which sit folded under "More detail".
const MORE_DETAIL: [&str; 11] = [
    "location",
    "platform",
    "witnesses",
    "effect_on_me",
    "my_response",
    "police_reference",
    "chaperone_name",
    "chaperone_role",
    "chaperone_declined",
    "instead",
    "patient_consent",
];

/// The log form's fields as an entry input. Saying when is required: a default of "now"
/// would silently date something that happened twenty minutes ago to the minute it was
/// typed. "Just now" leaves the time to the server's clock.
fn entry_input(form: &FormState, now: time::OffsetDateTime) -> Result<EntryInput, FieldErrors> {
    let mut input = EntryInput {
        approximate: Some(form.is("approximate", "yes")),
        channel: form.opt("channel"),
        platform: form.opt("platform"),
        what_happened: form.opt("what_happened"),
        location: form.opt("location"),
        witnesses: form.opt("witnesses"),
        effect_on_me: form.opt("effect_on_me"),
        my_response: form.opt("my_response"),
        police_reference: form.opt("police_reference"),
        ..EntryInput::default()
    };
    match form.value("when") {
        "now" => {}
        "today" => {
            let typed = form.value("occurred_time").trim();
            if typed.is_empty() {
                return Err(FieldErrors::one(
                    "occurred_time",
                    "Enter the time it happened today, like 21:40",
                ));
            }
            let today = boundary_domain::uk_time::to_uk(now).date();
            input.occurred_at = Some(
                crate::format::uk_local_to_rfc3339(&format!("{today}T{typed}")).ok_or_else(
                    || FieldErrors::one("occurred_time", "Enter a real time of day, like 21:40"),
                )?,
            );
        }
        "at" => {
            let raw = form.value("occurred_at");
            if raw.trim().is_empty() {
                return Err(FieldErrors::one(
                    "occurred_at",
                    "Enter the date and time it happened",
                ));
            }
            input.occurred_at = Some(crate::format::uk_local_to_rfc3339(raw).ok_or_else(|| {
                FieldErrors::one(
                    "occurred_at",
                    "Enter a real date and time, like 27/11/2026 21:40",
                )
            })?);
        }
        "on" => {
            if form.value("occurred_on").trim().is_empty() {
                return Err(FieldErrors::one("occurred_on", "Enter the day it happened"));
            }
            input.occurred_on = form.opt("occurred_on");
        }
        _ => {
            return Err(FieldErrors::one(
                "when",
                "Say when it happened: just now, earlier today, or another day",
            ))
        }
    }
    Ok(input)
}

pub(super) fn channels() -> Vec<(&'static str, &'static str)> {
    Channel::ALL.iter().map(|c| (c.code(), c.label())).collect()
}

async fn log_page(
    state: &AppState,
    me: &SignedIn,
    case: &CaseRow,
    form: FormState,
    held_back: bool,
) -> Result<Response, PageError> {
    let police_refs = state.app.police_references(&me.actor, case.id).await?;
    Ok(render(
        form_status(form.has_errors()),
        &LogPage {
            chrome: me.chrome(),
            case_id: case.id.to_string(),
            label: case.person.label.clone(),
            chaperone: case.chaperone_required,
            channels: channels(),
            police_hint: if police_refs.is_empty() { "" } else { "given" },
            police_refs,
            held_back,
            more_open: MORE_DETAIL
                .iter()
                .chain(&["chaperone"])
                .any(|f| !form.value(f).trim().is_empty() || form.error(f).is_some()),
            form,
        },
    ))
}

async fn log_form(
    State(state): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Id(id): Id<CaseId>,
) -> Result<Response, PageError> {
    let case = state.app.case(&me.actor, id).await?;
    if !state.app.may_log(&me.actor, &case).await? {
        return Err(PageError(AppError::NotFound));
    }
    let now = state.app.now().datetime();
    let held = draft_ticket(&state.config, &headers)
        .and_then(|ticket| state.app.take_draft(&me.actor, case.id, &ticket))
        .map(|typed| FormState::from_pairs(held_draft::restored(typed, now)));
    let held_back = held.is_some();
    let mut res = log_page(&state, &me, &case, held.unwrap_or_default(), held_back).await?;
    if held_back {
        forget_draft(&state, &headers, &mut res);
    }
    Ok(res)
}

async fn log(
    State(state): State<AppState>,
    me: Result<SignedIn, Response>,
    id: Result<Id<CaseId>, Response>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    // A session that ended while this was typed: keep it for after signing in again.
    // Signed in or not is decided first, as on every other page.
    let me = match (me, id) {
        (Err(refused), Ok(Id(id))) => return Ok(held_draft::hold(&state, id, req, refused).await),
        (Err(refused), Err(_)) | (Ok(_), Err(refused)) => return Ok(refused),
        (Ok(me), Ok(Id(id))) => (me, id),
    };
    let (me, id) = me;
    let posted = crate::upload::PostedForm::from_request(req, &state).await?;
    let form = FormState::from_pairs(posted.pairs);
    me.check_csrf(&form)?;
    let case = state.app.case(&me.actor, id).await?;
    // Who may log here is decided before what was typed is looked at.
    if !state.app.may_log(&me.actor, &case).await? {
        return Err(PageError(AppError::NotFound));
    }
    // The entry and its files are kept together, or not at all.
    let now = state.app.now().datetime();
    let result = match entry_input(&form, now) {
        Ok(input) => {
            let chaperone = chaperone_input(&form);
            state
                .app
                .log_with_files(
                    &me.actor,
                    case.id,
                    &input,
                    chaperone.as_ref(),
                    &posted.files,
                )
                .await
        }
        Err(mut errors) => {
            if let Err(AppError::Invalid(f)) =
                boundary_app::attachments::check_uploads_aside(&posted.files, None).await
            {
                errors.extend(f);
            }
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(logged) => {
            Ok(Redirect::to(&format!("/cases/{}?logged={}", case.id, logged.id)).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            // "Earlier today" asks only for the time; a time still to come is wrong there.
            let errors = if form.is("when", "today") {
                errors.renamed("occurred_at", "occurred_time")
            } else {
                errors
            };
            log_page(&state, &me, &case, form.with_errors(errors), false).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The chaperone fields of the log form, when a consultation's chaperone was given.
fn chaperone_input(form: &FormState) -> Option<ChaperoneInput> {
    let given = [
        "chaperone_name",
        "chaperone_role",
        "instead",
        "patient_consent",
    ]
    .iter()
    .any(|f| !form.value(f).trim().is_empty())
        || form.is("chaperone_declined", "yes");
    (given && form.is("channel", "in_consultation")).then(|| ChaperoneInput {
        // The consultation's own day, from the entry.
        consultation_on: String::new(),
        chaperone_name: form.opt("chaperone_name"),
        chaperone_role: form.opt("chaperone_role"),
        declined: form.is("chaperone_declined", "yes"),
        instead: form.opt("instead"),
        patient_consent: match form.value("patient_consent") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    })
}

pub(super) fn router() -> Routes {
    Routes::new().get("/cases/{id}/log", log_form).post_upload(
        "/cases/{id}/entries",
        log,
        crate::error::ENTRY_BODY_LIMIT,
    )
}
