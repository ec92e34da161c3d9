//! Letters on a case: a draft to edit, kept as sent, and downloaded as text.

use super::advice::posted;
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::form::FormState;
use crate::path_ids::{Id, Ids};
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::AppError;
use boundary_domain::advice::LetterKind;
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    chrome: Chrome,
    id: String,
    label: String,
    title: &'static str,
    kind: &'static str,
    form: FormState,
}

#[derive(Debug, Deserialize)]
struct DraftQuery {
    kind: Option<String>,
    requested_on: Option<String>,
    immediate: Option<String>,
}

async fn letter_page(
    state: &AppState,
    me: &SignedIn,
    id: boundary_domain::CaseId,
    kind: LetterKind,
    form: FormState,
) -> Result<Response, PageError> {
    let case = state.app.case(&me.actor, id).await?;
    Ok(render(
        form_status(form.has_errors()),
        &LetterPage {
            chrome: me.chrome(),
            id: id.to_string(),
            label: case.person.label.clone(),
            title: kind.label(),
            kind: kind.code(),
            form,
        },
    ))
}

async fn new_letter(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, PageError> {
    let kind = q.kind.unwrap_or_default();
    let text = state
        .app
        .letter_draft(
            &me.actor,
            id,
            &kind,
            q.requested_on.as_deref(),
            q.immediate.as_deref() == Some("true"),
        )
        .await?;
    let kind = LetterKind::parse(&kind).ok_or(AppError::NotFound)?;
    let immediate = q.immediate.as_deref() == Some("true");
    let form = FormState::default()
        .with("text", &text)
        .with(
            "requested_on",
            q.requested_on.as_deref().unwrap_or_default(),
        )
        .with("immediate", if immediate { "true" } else { "" });
    letter_page(&state, &me, id, kind, form).await
}

async fn keep(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = posted(&me, pairs)?;
    match state
        .app
        .write_letter(
            &me.actor,
            id,
            form.value("kind"),
            form.value("text"),
            form.opt("requested_on").as_deref(),
            form.is("immediate", "true"),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/advice#letters")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let kind = LetterKind::parse(form.value("kind")).ok_or(AppError::NotFound)?;
            letter_page(&state, &me, id, kind, form.with_errors(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A kept letter as a text file, to print or attach to an e-mail.
async fn download(
    State(state): State<AppState>,
    me: SignedIn,
    Ids(id, seq): Ids<CaseId, boundary_domain::Seq>,
) -> Result<Response, PageError> {
    let records = state.app.advice_records(&me.actor, id).await?;
    let letter = records
        .letters
        .iter()
        .find(|l| l.seq == seq)
        .ok_or(AppError::NotFound)?;
    let name = format!(
        "attachment; filename=\"{}-{}.txt\"",
        letter.record.kind.code().replace('_', "-"),
        iso_date::format(letter.record.written_on)
    );
    // Windows' Notepad wants CRLF; every other reader takes it too.
    let body = letter.record.text.replace('\n', "\r\n");
    Ok((
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/cases/{id}/letters/new", new_letter)
        .post("/cases/{id}/letters", keep)
        .get("/cases/{id}/letters/{seq}", download)
}
