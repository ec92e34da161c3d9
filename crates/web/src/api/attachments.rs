//! Attachments, per ../shared/INTERFACES.md: one file per request, as multipart.

use super::ApiActor;
use super::ApiQuery;
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use boundary_app::attachments::Upload;
use boundary_app::AppError;
use boundary_domain::CaseId;
use boundary_domain::{AttachmentId, EntryId, FieldErrors};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AttachmentOut {
    id: String,
    sha256: String,
    media_type: String,
    size: u64,
    name: String,
    entry_id: Option<String>,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    AppError::Invalid(FieldErrors::one(field, message)).into()
}

/// An upload that could not be read: too large (413), or cut short or malformed.
fn multipart_error(e: &axum::extract::multipart::MultipartError, field: &str) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request too large",
            format!(
                "An upload may be at most {} MB.",
                boundary_domain::attachment::FILE_MAX / (1024 * 1024)
            ),
        )
    } else {
        bad(field, format!("The upload could not be read ({e})"))
    }
}

/// The parts of an upload form: the file (its name and bytes), and the text fields.
pub(crate) struct Parts {
    pub file: Option<(String, Vec<u8>)>,
    pub fields: Vec<(String, String)>,
}

/// Reads a multipart body: one file in `file`, short text fields beside it.
pub(crate) async fn read_parts(mut form: Multipart) -> Result<Parts, ApiError> {
    let mut out = Parts {
        file: None,
        fields: Vec::new(),
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e, "file")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if out.file.is_some() {
                return Err(bad("file", "Send one file at a time"));
            }
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| multipart_error(&e, "file"))?;
            out.file = Some((file_name, bytes.to_vec()));
        } else {
            let value = field
                .text()
                .await
                .map_err(|_| bad(&name, "This field must be text"))?;
            out.fields.push((name, value));
        }
    }
    Ok(out)
}

/// Attach one file to the case, and to one of its entries when `entry_id` is given.
/// `sha256`, when given, must be the file's hash. Owner, or a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "`file`, and optionally `entry_id` and `sha256`"),
    responses((status = 201, body = AttachmentOut), (status = 404), (status = 413),
        (status = 422, description = "An empty file, a type not kept, a bad name, a hash that does not match")),
    security(("bearer" = [])))]
pub(crate) async fn attach(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    // Not multipart at all: said in problem+json, as every other refusal is.
    let form = form.map_err(|r| {
        ApiError::new(
            r.status(),
            "Not a file upload",
            "Send the file as multipart/form-data, in a part named `file`.",
        )
    })?;
    let parts = read_parts(form).await?;
    let field = |n: &str| {
        parts
            .fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let entry = match field("entry_id") {
        None => None,
        Some(raw) => Some(
            raw.parse::<EntryId>()
                .map_err(|_| bad("entry_id", "That is not an entry id"))?,
        ),
    };
    let (name, bytes) = parts
        .file
        .as_ref()
        .ok_or_else(|| bad("file", "Choose a file to attach"))?;
    let sha256 = field("sha256");
    let (attachment, record) = state
        .app
        .attach(
            &actor,
            id,
            &Upload {
                bytes,
                name,
                entry,
                sha256: sha256.as_deref(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentOut {
            id: attachment.to_string(),
            sha256: record.sha256,
            media_type: record.media_type,
            size: record.size,
            name: record.name,
            entry_id: record.entry.map(|e| e.to_string()),
        }),
    ))
}

/// The files attached to a case; recorded in the case's access history.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", params(("id" = String, Path)),
    responses((status = 200, body = [AttachmentOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<AttachmentOut>>, ApiError> {
    Ok(Json(
        state
            .app
            .list_attachments(&actor, id)
            .await?
            .into_iter()
            .map(|a| AttachmentOut {
                id: a.id.to_string(),
                sha256: a.record.sha256,
                media_type: a.record.media_type,
                size: a.record.size,
                name: a.record.name,
                entry_id: a.record.entry.map(|e| e.to_string()),
            })
            .collect(),
    ))
}

/// A file as a download, whatever its type: it is never shown inside Boundary's pages.
pub(crate) fn file_response(name: &str, media_type: &str, bytes: Vec<u8>) -> Response {
    // The name was cleaned on the way in; quotes are the one thing left to keep out.
    let name = name.replace('"', "'");
    (
        [
            (CONTENT_TYPE, media_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DownloadQuery {
    /// A copy of a picture without its EXIF data (time, device, place), to send on.
    without_photo_data: Option<bool>,
}

/// One attached file; the look is recorded in the access audit.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", params(("id" = String, Path), DownloadQuery),
    responses((status = 200, description = "The file"), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<AttachmentId>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let (record, bytes) = state.app.attachment_file(&actor, id).await?;
    if q.without_photo_data.unwrap_or(false) {
        if let Some(copy) = boundary_domain::attachment::without_photo_data(&bytes) {
            return Ok(file_response(
                &format!("copy of {}", record.name),
                &record.media_type,
                copy,
            ));
        }
    }
    Ok(file_response(&record.name, &record.media_type, bytes))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .post_upload(
            "/api/v1/cases/{id}/attachments",
            attach,
            crate::error::UPLOAD_BODY_LIMIT,
        )
        .get("/api/v1/cases/{id}/attachments", list)
        .get("/api/v1/attachments/{id}", download)
}
