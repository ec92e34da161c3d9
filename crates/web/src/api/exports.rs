//! Exports of a case, per ../shared/INTERFACES.md.

use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use boundary_app::exports::{Export, ExportRequest};
use boundary_domain::CaseId;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ExportIn {
    /// `bundle` (the verifiable zip, with the PDF in it) or `pdf` (the evidence pack).
    format: String,
    /// Entries (with their corrections and files) or attached files to withhold: each
    /// appears only as its hash, with `reason`.
    #[serde(default)]
    withhold: Vec<String>,
    /// Why they are withheld, shown in the bundle.
    reason: Option<String>,
    /// The first and last day of contacts to include (YYYY-MM-DD); in the bundle, entries
    /// outside the period are withheld, still proved in place.
    #[schema(format = Date)]
    from: Option<String>,
    #[schema(format = Date)]
    to: Option<String>,
    /// Keep in the bundle the records of who looked at the case, with their addresses
    /// (left out by default, each still proved in place).
    #[serde(default)]
    access_records: bool,
}

pub(crate) fn download(export: Export) -> Response {
    (
        [
            (CONTENT_TYPE, export.media_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export.file_name),
            ),
        ],
        export.bytes,
    )
        .into_response()
}

/// Export the case: the verifiable bundle. The case's owner; recorded in the access audit.
#[utoipa::path(post, path = "/api/v1/cases/{id}/exports", params(("id" = String, Path)), request_body = ExportIn,
    responses((status = 200, description = "The file: a PDF for `pdf`, a zip for `bundle`",
            content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/zip"))), (status = 404),
        (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<ExportIn>,
) -> Result<Response, ApiError> {
    let request = ExportRequest {
        format: body.format,
        from: body.from,
        to: body.to,
        withhold: body.withhold,
        reason: body.reason,
        access_records: body.access_records,
    };
    Ok(download(state.app.export(&actor, id, &request).await?))
}

pub(super) fn router() -> Routes {
    Routes::new().post("/api/v1/cases/{id}/exports", export)
}
