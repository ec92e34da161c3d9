//! Logging a contact, reading one entry, and correcting it.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::form::FormState;
use crate::format;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::{AppError, CaseRow};
use boundary_domain::advice::chaperone::ChaperoneInput;
use boundary_domain::entry::AmendableField;
use boundary_domain::uk_time::from_uk;
use boundary_domain::{Channel, ContactEntry, EntryId, EntryInput, FieldErrors};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

type Pairs = Form<Vec<(String, String)>>;

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
    form: FormState,
}

struct EntryView {
    occurred: String,
    channel: &'static str,
    what_happened: String,
    details: Vec<(&'static str, String)>,
}

struct AmendmentView {
    seq: i64,
    recorded: String,
    field: &'static str,
    value: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    chrome: Chrome,
    id: String,
    case_id: String,
    label: String,
    /// The receipt, with the entry's numbers in its case and in the log.
    l: super::case_page::LoggedPanel,
    current: EntryView,
    original: EntryView,
    amendments: Vec<AmendmentView>,
    /// Read-only shares see no "correct" button.
    may_amend: bool,
    files: Vec<super::files::FileView>,
}

#[derive(Template)]
#[template(path = "amend.html")]
struct AmendPage {
    chrome: Chrome,
    id: String,
    label: String,
    fields: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
    form: FormState,
}

/// The correction form's field for each part of an entry, as the log form asks for it:
/// `value_<code>`, filled with what the entry says now.
fn amend_values(e: &ContactEntry) -> FormState {
    use boundary_domain::occurred::When;
    let mut form = FormState::default()
        .with("value_what_happened", &e.what_happened)
        .with("value_channel", e.channel.code())
        .with(
            "value_approximate",
            if e.occurred.approximate { "yes" } else { "no" },
        );
    match e.occurred.when {
        When::At(t) => {
            let local = boundary_domain::uk_time::to_uk(t.datetime());
            let shown = local
                .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
                .unwrap_or_default();
            form = form.with("value_occurred_at", &shown);
            form = form.with("value_occurred_on", &local.date().to_string());
        }
        When::On(d) => form = form.with("value_occurred_on", &d.to_string()),
    }
    for (code, v) in [
        ("platform", &e.platform),
        ("location", &e.location),
        ("witnesses", &e.witnesses),
        ("effect_on_me", &e.effect_on_me),
        ("my_response", &e.my_response),
        ("police_reference", &e.police_reference),
    ] {
        form = form.with(&format!("value_{code}"), v.as_deref().unwrap_or_default());
    }
    form
}

fn view(e: &ContactEntry) -> EntryView {
    let details = [
        ("Where", &e.location),
        ("App or platform", &e.platform),
        ("Witnesses", &e.witnesses),
        ("The effect on me", &e.effect_on_me),
        ("What I did", &e.my_response),
        ("Police reference", &e.police_reference),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
    .collect();
    EntryView {
        occurred: format::occurred(&e.occurred),
        channel: e.channel.label(),
        what_happened: e.what_happened.clone(),
        details,
    }
}

/// A date-time picker's value (UK wall-clock time, no zone) as RFC 3339.
fn uk_local_to_rfc3339(s: &str) -> Option<String> {
    let s = s.trim();
    let local = time::PrimitiveDateTime::parse(
        s,
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    )
    .or_else(|_| {
        time::PrimitiveDateTime::parse(
            s,
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        )
    })
    .or_else(|_| {
        time::PrimitiveDateTime::parse(
            s,
            format_description!("[year]-[month]-[day] [hour]:[minute]"),
        )
    })
    .ok()?;
    from_uk(local).format(&Rfc3339).ok()
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
            input.occurred_at = Some(uk_local_to_rfc3339(&format!("{today}T{typed}")).ok_or_else(
                || FieldErrors::one("occurred_time", "Enter a real time of day, like 21:40"),
            )?);
        }
        "at" => {
            let raw = form.value("occurred_at");
            if raw.trim().is_empty() {
                return Err(FieldErrors::one(
                    "occurred_at",
                    "Enter the date and time it happened",
                ));
            }
            input.occurred_at = Some(uk_local_to_rfc3339(raw).ok_or_else(|| {
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

fn channels() -> Vec<(&'static str, &'static str)> {
    Channel::ALL.iter().map(|c| (c.code(), c.label())).collect()
}

async fn log_page(
    state: &AppState,
    me: &SignedIn,
    case: &CaseRow,
    form: FormState,
) -> Result<Response, PageError> {
    let police_refs = state.app.police_references(&me.actor, case.id).await?;
    Ok(render(
        form_status(form.has_errors()),
        &LogPage {
            chrome: Chrome::of(me),
            case_id: case.id.to_string(),
            label: case.person.label.clone(),
            chaperone: case.chaperone_required,
            channels: channels(),
            police_hint: if police_refs.is_empty() { "" } else { "given" },
            police_refs,
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
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = state
        .app
        .case(&me.actor, id.parse().map_err(|_| AppError::NotFound)?)
        .await?;
    if !state.app.may_log(&me.actor, &case).await? {
        return Err(PageError(AppError::NotFound));
    }
    log_page(&state, &me, &case, FormState::default()).await
}

async fn log(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    posted: crate::upload::PostedForm,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(posted.pairs);
    me.check_csrf(&form)?;
    let case = state
        .app
        .case(&me.actor, id.parse().map_err(|_| AppError::NotFound)?)
        .await?;
    // Who may log here is decided before what was typed is looked at.
    if !state.app.may_log(&me.actor, &case).await? {
        return Err(PageError(AppError::NotFound));
    }
    // The entry and its files are kept together, or not at all.
    let now = state.app.clock.now().datetime();
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
            log_page(&state, &me, &case, form.with_errors(errors)).await
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

fn entry_id(s: &str) -> Result<EntryId, PageError> {
    s.parse().map_err(|_| PageError(AppError::NotFound))
}

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (case, e) = state.app.entry(&me.actor, entry_id(&id)?).await?;
    let amendments = e
        .amendments
        .iter()
        .map(|a| {
            let after = e.original.amended(std::iter::once(&a.amendment));
            let field = a.amendment.field();
            AmendmentView {
                seq: a.seq.get(),
                recorded: format::date_time(a.recorded_at),
                field: field.label(),
                value: describe(field, &after),
                reason: a.amendment.reason.clone(),
            }
        })
        .collect();
    let may_amend = state.app.may_log(&me.actor, &case).await?;
    let files = super::files::views(&state, &me, case.id, Some(e.id)).await?;
    let page = EntryPage {
        may_amend,
        files,
        chrome: Chrome::of(&me),
        id: e.id.to_string(),
        case_id: case.id.to_string(),
        label: case.person.label.clone(),
        l: super::case_page::LoggedPanel {
            id: e.id.to_string(),
            number: e.number,
            seq: e.seq.get(),
            // The log grows with every look at it: a size here would change on each visit.
            of: String::new(),
            recorded: format::date_time(e.recorded_at),
            leaf_hash: e.leaf_hash.clone(),
        },
        current: view(&e.current()),
        original: view(&e.original),
        amendments,
    };
    Ok(render(form_status(false), &page))
}

/// The value an amendment set, read from the entry it produces.
fn describe(field: AmendableField, e: &ContactEntry) -> String {
    boundary_domain::words::field_value(field, e)
}

fn amend_page(me: &SignedIn, id: EntryId, case: &CaseRow, form: FormState) -> Response {
    render(
        form_status(form.has_errors()),
        &AmendPage {
            chrome: Chrome::of(me),
            id: id.to_string(),
            label: case.person.label.clone(),
            fields: AmendableField::ALL
                .iter()
                .map(|f| (f.code(), f.label()))
                .collect(),
            channels: channels(),
            form,
        },
    )
}

async fn amend_form(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = entry_id(&id)?;
    let (case, e) = state.app.entry_to_amend(&me.actor, id).await?;
    Ok(amend_page(&me, id, &case, amend_values(&e.current())))
}

async fn amend(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    let id = entry_id(&id)?;
    let (case, _) = state.app.entry_to_amend(&me.actor, id).await?;
    let field = form.value("field");
    // Each part has its own typed field on the page (`value_<code>`); `value` is what a
    // script may post instead.
    let own = format!("value_{field}");
    let typed = match form.value(&own) {
        "" => form.value("value"),
        v => v,
    };
    // On the page, a date and time is typed in UK time; the API takes RFC 3339.
    let value = match field {
        "occurred_at" => uk_local_to_rfc3339(typed).unwrap_or_else(|| typed.to_owned()),
        _ => typed.to_owned(),
    };
    match state
        .app
        .amend_entry(
            &me.actor,
            id,
            form.value("field"),
            &value,
            form.value("reason"),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/entries/{id}")).into_response()),
        // The rules name the value `value`; on the page it is the field for that part.
        Err(AppError::Invalid(errors)) => Ok(amend_page(
            &me,
            id,
            &case,
            form.with_errors(errors.renamed("value", &own)),
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/cases/{id}/log", log_form)
        .post_upload("/cases/{id}/entries", log, crate::error::ENTRY_BODY_LIMIT)
        .get("/entries/{id}", show)
        .get("/entries/{id}/amend", amend_form)
        .post("/entries/{id}/amendments", amend)
}
