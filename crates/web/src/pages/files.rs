//! Attached files on the pages: listed on an entry with a thumbnail for pictures (and
//! the pictures' thumbnails on the timeline), and
//! served — to those who may see the case, recorded in the access audit — as a download,
//! or shown in place when it is a picture.

use crate::api::attachments::file_response;
use crate::error::PageError;
use crate::format;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use boundary_domain::{AttachmentId, CaseId, EntryId};
use serde::Deserialize;

pub(crate) struct FileView {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub size: String,
    pub sha256: String,
    pub added: String,
    /// A picture's thumbnail as a `data:` address, drawn within the page whose view is
    /// recorded, so that a page of pictures is one look in the audit, not one per picture.
    pub thumbnail: Option<String>,
    /// What the photo says of when and on what it was taken.
    pub photo: Option<String>,
    pub entry: Option<String>,
}

fn kind(media_type: &str) -> &'static str {
    match media_type.split('/').next() {
        Some("image") => "picture",
        Some("audio") => "sound recording",
        Some("video") => "video",
        Some("message") => "e-mail",
        _ if media_type == "application/pdf" => "PDF",
        Some("application") if media_type.contains("document") => "document",
        _ => "file",
    }
}

/// The files of a case the member may see, or of one of its entries.
pub(crate) async fn views(
    state: &AppState,
    me: &SignedIn,
    case: CaseId,
    entry: Option<EntryId>,
) -> Result<Vec<FileView>, PageError> {
    use base64::Engine;
    let files: Vec<_> = state
        .app
        .attachments_on_viewed_page(&me.actor, case)
        .await?
        .into_iter()
        .filter(|a| entry.is_none() || a.record.entry == entry)
        .collect();
    let mut thumbnails = state.app.thumbnails(&me.actor, case, &files).await?;
    Ok(files
        .into_iter()
        .map(|a| FileView {
            thumbnail: thumbnails.remove(&a.id).map(|jpeg| {
                format!(
                    "data:image/jpeg;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(jpeg)
                )
            }),
            entry: a.record.entry.map(|e| e.to_string()),
            id: a.id.to_string(),
            kind: kind(&a.record.media_type),
            size: boundary_domain::words::file_size(a.record.size),
            photo: a.record.photo.as_ref().map(|p| p.words()),
            sha256: a.record.sha256,
            name: a.record.name,
            added: format::date_time(a.recorded_at),
        })
        .collect())
}

#[derive(Debug, Deserialize)]
struct FileQuery {
    view: Option<String>,
    /// A copy without the photo's own data (EXIF), to send on.
    without_photo_data: Option<String>,
}

async fn file(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<AttachmentId>,
    Query(q): Query<FileQuery>,
) -> Result<Response, PageError> {
    let (record, bytes) = state.app.attachment_file(&me.actor, id).await?;
    let picture = boundary_domain::attachment::is_picture(&record.media_type);
    if q.view.is_some() && picture {
        // Only pictures are shown in place; their type was decided from their bytes.
        return Ok((
            [
                (CONTENT_TYPE, record.media_type.clone()),
                (CONTENT_DISPOSITION, "inline".to_owned()),
            ],
            bytes,
        )
            .into_response());
    }
    if q.without_photo_data.is_some() {
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
    Routes::new().get("/attachments/{id}", file)
}
