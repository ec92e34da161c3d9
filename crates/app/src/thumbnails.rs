//! Thumbnails of attached pictures for the timeline and the entry page: made when the
//! picture is attached (its bytes are in hand then), kept sealed beside it, and made
//! again from the file only if missing or damaged. A picture that cannot be made small
//! is kept as an empty thumbnail, so it is not tried again on every view.

use crate::{Actor, App, Result};
use boundary_domain::attachment::{is_picture, Attachment};
use boundary_domain::{AttachmentId, CaseId, EntryId};
use boundary_report::pictures::{thumbnail, THUMBNAIL_SIDE};
use boundary_store::attachments::AttachmentRow;
use boundary_store::crypto::DataKey;
use std::collections::HashMap;

/// At most two pictures are unpacked at once, whatever asks: each may take a few hundred
/// megabytes while it is.
static UNPACKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A JPEG of the picture at most `side` pixels each way, made off the async workers;
/// `None` when it cannot be.
pub(crate) async fn made_small(bytes: Vec<u8>, side: u32) -> Option<Vec<u8>> {
    let _turn = UNPACKING.acquire().await.ok()?;
    tokio::task::spawn_blocking(move || thumbnail(&bytes, side))
        .await
        .ok()
        .flatten()
}

impl App {
    /// JPEG thumbnails of the pictures of a case the actor may see (of one entry, or of
    /// all), read at once rather than one after another. They are for pages whose own
    /// view is recorded in the access audit, so this records nothing itself. A picture
    /// with no thumbnail is left out: the page still lists the file.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn thumbnails(
        &self,
        actor: &Actor,
        id: CaseId,
        entry: Option<EntryId>,
    ) -> Result<HashMap<AttachmentId, Vec<u8>>> {
        let case = self.case(actor, id).await?;
        let rows: Vec<AttachmentRow> = self
            .store
            .attachments(&case)
            .await?
            .into_iter()
            .filter(|r| is_picture(&r.record.media_type))
            .filter(|r| entry.is_none() || r.record.entry == entry)
            .collect();
        if rows.is_empty() {
            return Ok(HashMap::new());
        }
        let key = self.store.data_key(case.key).await?;
        let found =
            futures_util::future::join_all(rows.iter().map(|r| self.thumbnail_of(&key, r))).await;
        Ok(rows
            .iter()
            .zip(found)
            .filter_map(|(r, jpeg)| jpeg.filter(|j| !j.is_empty()).map(|j| (r.id, j)))
            .collect())
    }

    /// The kept thumbnail, or one made again from the file.
    async fn thumbnail_of(&self, key: &DataKey, row: &AttachmentRow) -> Option<Vec<u8>> {
        match self.store.thumbnail(key, row).await {
            Ok(Some(kept)) => return Some(kept),
            Ok(None) => {}
            Err(e) => tracing::warn!(attachment = %row.id, "a thumbnail is made again: {e}"),
        }
        match self.store.get_file(key, row).await {
            Ok(bytes) => Some(
                self.keep_thumbnail(key, row.case, &row.record, &bytes)
                    .await,
            ),
            Err(e) => {
                tracing::warn!(attachment = %row.id, "no thumbnail: {e}");
                None
            }
        }
    }

    /// Makes and keeps a picture's thumbnail (empty when it cannot be made); returns it.
    /// Best effort: a thumbnail not kept is made again next time.
    pub(crate) async fn keep_thumbnail(
        &self,
        key: &DataKey,
        case: CaseId,
        record: &Attachment,
        bytes: &[u8],
    ) -> Vec<u8> {
        if !is_picture(&record.media_type) {
            return Vec::new();
        }
        let jpeg = made_small(bytes.to_vec(), THUMBNAIL_SIDE)
            .await
            .unwrap_or_default();
        if let Err(e) = self
            .store
            .put_thumbnail(key, case, &record.sha256, &jpeg)
            .await
        {
            tracing::warn!(%case, "a thumbnail was not kept: {e}");
        }
        jpeg
    }
}
