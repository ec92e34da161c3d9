//! Logging a contact, reading one entry, and correcting it.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::form::FormState;
use crate::format;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::{AppError, CaseRow};
use boundary_domain::entry::AmendableField;
use boundary_domain::{ContactEntry, EntryId};
use time::macros::format_description;

type Pairs = Form<Vec<(String, String)>>;

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

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<EntryId>,
) -> Result<Response, PageError> {
    let (case, e) = state.app.entry(&me.actor, id).await?;
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
        chrome: me.chrome(),
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
            chrome: me.chrome(),
            id: id.to_string(),
            label: case.person.label.clone(),
            fields: AmendableField::ALL
                .iter()
                .map(|f| (f.code(), f.label()))
                .collect(),
            channels: super::log_form::channels(),
            form,
        },
    )
}

async fn amend_form(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<EntryId>,
) -> Result<Response, PageError> {
    let (case, e) = state.app.entry_to_amend(&me.actor, id).await?;
    Ok(amend_page(&me, id, &case, amend_values(&e.current())))
}

async fn amend(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<EntryId>,
    Form(pairs): Pairs,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
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
        "occurred_at" => format::uk_local_to_rfc3339(typed).unwrap_or_else(|| typed.to_owned()),
        _ => typed.to_owned(),
    };
    match state
        .app
        .amend_entry(
            &me.actor,
            id,
            &boundary_domain::AmendmentInput {
                field: field.to_owned(),
                value,
                reason: form.value("reason").to_owned(),
            },
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
        .get("/entries/{id}", show)
        .get("/entries/{id}/amend", amend_form)
        .post("/entries/{id}/amendments", amend)
}
