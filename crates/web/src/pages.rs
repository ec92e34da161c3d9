//! Server-rendered pages, one file per resource.

mod audit;
mod auth;
mod cases;
mod entries;
pub(crate) mod layout;
mod ledger;

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

async fn home() -> Redirect {
    Redirect::to("/cases")
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database not answering").into_response()
        }
    }
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .merge(auth::router())
        .merge(cases::router())
        .merge(entries::router())
        .merge(ledger::router())
        .merge(audit::router())
}
