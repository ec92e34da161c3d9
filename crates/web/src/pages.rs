//! Server-rendered pages, one file per resource.

mod account;
mod advice;
mod advice_records;
mod audit;
mod auth;
mod case_page;
mod cases;
mod entries;
mod exports;
mod files;
mod gifts;
mod held_draft;
mod invitations;
pub(crate) mod layout;
mod ledger;
mod letter_templates;
mod letters;
mod log_form;
mod members;
mod register;
mod timeline;
mod two_factor;

use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

async fn home() -> Redirect {
    Redirect::to("/cases")
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database not answering").into_response()
        }
    }
}

pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/", home)
        .get("/healthz", healthz)
        .merge(auth::router())
        .merge(account::router())
        .merge(advice::router())
        .merge(advice_records::router())
        .merge(cases::router())
        .merge(entries::router())
        .merge(log_form::router())
        .merge(case_page::router())
        .merge(exports::router())
        .merge(files::router())
        .merge(gifts::router())
        .merge(invitations::router())
        .merge(letters::router())
        .merge(letter_templates::router())
        .merge(ledger::router())
        .merge(members::router())
        .merge(register::router())
        .merge(two_factor::router())
        .merge(audit::router())
}
