//! Exports from the case page: the evidence pack or the verifiable bundle. A small case's
//! file comes back at once; a large one's export goes on in the background, and a page
//! shows how far it has got (refreshing itself, no script needed) until it can be
//! downloaded.

use super::advice::posted;
use super::layout::{render, Chrome};
use crate::error::PageError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use boundary_app::export_jobs::Started;
use boundary_app::exports::ExportRequest;
use boundary_domain::CaseId;
use boundary_domain::ExportJobId;

async fn export(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let withhold: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "withhold")
        .map(|(_, v)| v.clone())
        .collect();
    let form = posted(&me, pairs)?;
    let request = ExportRequest {
        format: form.value("format").to_owned(),
        from: form.opt("from"),
        to: form.opt("to"),
        withhold,
        reason: form.opt("reason"),
        access_records: form.opt("access_records").is_some(),
    };
    match state
        .app
        .start_export(&me.actor, id, &request, state.config.export_wait)
        .await?
    {
        Started::Done(export) => Ok(crate::api::exports::download(export)),
        Started::Working(job) => Ok(Redirect::to(&format!("/exports/{job}")).into_response()),
    }
}

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    chrome: Chrome,
    job: String,
    case: String,
    what: &'static str,
    file_name: String,
    /// `working`, `stalled`, `ready` or `failed`.
    state: &'static str,
    done: u64,
    total: u64,
    percent: u64,
    failure: String,
}

async fn progress(
    State(state): State<AppState>,
    me: SignedIn,
    Id(job): Id<ExportJobId>,
) -> Result<Response, PageError> {
    let status = state.app.export_status(&me.actor, &job).await?;
    let j = &status.job;
    let page = ExportPage {
        chrome: me.chrome(),
        job: j.id.clone(),
        case: j.case.to_string(),
        what: status.format.words(),
        file_name: j.file_name.clone(),
        state: status.state(),
        done: j.done,
        total: j.total,
        percent: (j.done * 100).checked_div(j.total).unwrap_or(0).min(100),
        failure: j.failure.clone().unwrap_or_default(),
    };
    Ok(render(StatusCode::OK, &page))
}

async fn file(
    State(state): State<AppState>,
    me: SignedIn,
    Id(job): Id<ExportJobId>,
) -> Result<Response, PageError> {
    let export = state.app.export_job_file(&me.actor, &job).await?;
    Ok(crate::api::exports::download(export))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .post("/cases/{id}/exports", export)
        .get("/exports/{job}", progress)
        .get("/exports/{job}/file", file)
}
