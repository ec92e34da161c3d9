//! Thumbnails of attached pictures for the timeline and the entry page: made just after
//! the picture is attached (its bytes are in hand then), kept sealed beside it, and made
//! again from the file only if missing or damaged. A picture that cannot be made small
//! is kept as an empty thumbnail, so it is not tried again on every view.

use crate::{Actor, App, Result};
use boundary_domain::attachment::{is_picture, Attachment};
use boundary_domain::{AttachmentId, CaseId};
use boundary_report::pictures::{thumbnail, THUMBNAIL_SIDE};
use boundary_store::attachments::AttachmentRow;
use boundary_store::blobs::Put;
use boundary_store::crypto::DataKey;
use std::collections::HashMap;

/// At most two pictures are unpacked at once, whatever asks: each may take a few hundred
/// megabytes while it is.
static UNPACKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A JPEG of the picture at most `side` pixels each way, made off the async workers;
/// `None` when it cannot be.
pub(crate) async fn made_small(bytes: Vec<u8>, side: u32) -> Option<Vec<u8>> {
    let turn = UNPACKING.acquire().await.ok()?;
    // The turn goes with the work: a request given up does not free it early.
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        thumbnail(&bytes, side)
    })
    .await
    .ok()
    .flatten()
}

/// How many thumbnails one page reads (or makes again) at once.
const READ_AT_ONCE: usize = 4;

impl App {
    /// JPEG thumbnails of the pictures among `files` (as the page already read them)
    /// of a case the actor may see, a few read at once. They are for pages whose own
    /// view is recorded in the access audit, so this records nothing itself. A picture
    /// with no thumbnail is left out: the page still lists the file.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn thumbnails(
        &self,
        actor: &Actor,
        id: CaseId,
        files: &[AttachmentRow],
    ) -> Result<HashMap<AttachmentId, Vec<u8>>> {
        let case = self.case(actor, id).await?;
        let rows: Vec<&AttachmentRow> = files
            .iter()
            .filter(|r| r.case == case.id && is_picture(&r.record.media_type))
            .collect();
        if rows.is_empty() {
            return Ok(HashMap::new());
        }
        let key = self.store.data_key(case.key).await?;
        let mut found = Vec::with_capacity(rows.len());
        for some in rows.chunks(READ_AT_ONCE) {
            found.extend(
                futures_util::future::join_all(some.iter().map(|r| self.thumbnail_of(&key, r)))
                    .await,
            );
        }
        Ok(rows
            .iter()
            .zip(found)
            .filter_map(|(r, jpeg)| jpeg.filter(|j| !j.is_empty()).map(|j| (r.id, j)))
            .collect())
    }

    /// The kept thumbnail, or one made again from the file.
    async fn thumbnail_of(&self, key: &DataKey, row: &AttachmentRow) -> Option<Vec<u8>> {
        let put = match self.store.thumbnail(key, row).await {
            Ok(Some(kept)) => return Some(kept),
            Ok(None) => Put::Create,
            Err(e) => {
                tracing::warn!(attachment = %row.id, "a thumbnail is made again: {e}");
                Put::Replace
            }
        };
        match self.store.get_file(key, row).await {
            Ok(bytes) => Some(
                self.keep_thumbnail(key, row.case, &row.record, &bytes, put)
                    .await,
            ),
            Err(e) => {
                tracing::warn!(attachment = %row.id, "no thumbnail: {e}");
                None
            }
        }
    }

    /// Makes a thumbnail for a picture just attached, in the background, so that the
    /// doctor is not kept waiting for it; a page that finds none makes it itself, and
    /// whichever is first is kept.
    pub(crate) fn thumbnail_later(&self, case: &crate::CaseRow, record: &Attachment, bytes: &[u8]) {
        if !is_picture(&record.media_type) {
            return;
        }
        let (app, case_key, case_id) = (self.clone(), case.key, case.id);
        let (record, bytes) = (record.clone(), bytes.to_vec());
        tokio::spawn(async move {
            match app.store.data_key(case_key).await {
                Ok(key) => {
                    app.keep_thumbnail(&key, case_id, &record, &bytes, Put::Create)
                        .await;
                }
                Err(e) => tracing::warn!(case = %case_id, "no thumbnail: {e}"),
            }
        });
    }

    /// Makes and keeps a picture's thumbnail (empty when it cannot be made); returns it.
    /// Best effort: a thumbnail not kept is made again next time.
    async fn keep_thumbnail(
        &self,
        key: &DataKey,
        case: CaseId,
        record: &Attachment,
        bytes: &[u8],
        put: Put,
    ) -> Vec<u8> {
        if !is_picture(&record.media_type) {
            return Vec::new();
        }
        let jpeg = made_small(bytes.to_vec(), THUMBNAIL_SIDE)
            .await
            .unwrap_or_default();
        if let Err(e) = self
            .store
            .put_thumbnail(key, case, &record.sha256, &jpeg, put)
            .await
        {
            tracing::warn!(%case, "a thumbnail was not kept: {e}");
        }
        jpeg
    }
}
