//! The admin's page for the practice's own letter wording.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::form::FormState;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::letters::PLACEHOLDERS;
use boundary_app::AppError;
use boundary_domain::advice::letter::LetterKind;

struct TemplateView {
    code: &'static str,
    title: &'static str,
    text: String,
    custom: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "letter_templates.html")]
struct TemplatesPage {
    chrome: Chrome,
    org: String,
    placeholders: &'static [(&'static str, &'static str)],
    templates: Vec<TemplateView>,
}

/// The page; `sent` is a template sent back with the reason it was refused.
async fn page(
    state: &AppState,
    me: &SignedIn,
    sent: Option<(&str, String, String)>,
) -> Result<Response, PageError> {
    let templates = state
        .app
        .letter_templates(&me.actor)
        .await?
        .into_iter()
        .map(|t| {
            let refused = sent.as_ref().filter(|(code, _, _)| *code == t.kind.code());
            TemplateView {
                code: t.kind.code(),
                title: t.kind.label(),
                custom: t.custom,
                text: refused.map_or(t.text, |(_, text, _)| text.clone()),
                error: refused.map(|(_, _, why)| why.clone()),
            }
        })
        .collect::<Vec<_>>();
    let refused = templates.iter().any(|t| t.error.is_some());
    Ok(render(
        form_status(refused),
        &TemplatesPage {
            chrome: me.chrome(),
            org: me.actor.org_name.clone(),
            placeholders: &PLACEHOLDERS,
            templates,
        },
    ))
}

async fn show(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    page(&state, &me, None).await
}

async fn save(
    State(state): State<AppState>,
    me: SignedIn,
    Id(kind): Id<LetterKind>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    match state
        .app
        .set_letter_template(&me.actor, kind, form.value("text"))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/letters#{}", kind.code())).into_response()),
        Err(AppError::Invalid(errors)) => {
            let why = errors.get("text").unwrap_or_default().to_owned();
            page(
                &state,
                &me,
                Some((kind.code(), form.value("text").to_owned(), why)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn reset(
    State(state): State<AppState>,
    me: SignedIn,
    Id(kind): Id<LetterKind>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = FormState::from_pairs(pairs);
    me.check_csrf(&form)?;
    state.app.reset_letter_template(&me.actor, kind).await?;
    Ok(Redirect::to(&format!("/admin/letters#{}", kind.code())).into_response())
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/admin/letters", show)
        .post("/admin/letters/{kind}", save)
        .post("/admin/letters/{kind}/reset", reset)
}
