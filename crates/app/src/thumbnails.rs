//! Thumbnails of attached pictures for the timeline and the entry page: made from the
//! file the first time they are asked for, then kept sealed beside it.

use crate::{Actor, App, Result};
use boundary_domain::attachment::is_picture;
use boundary_domain::{AttachmentId, CaseId, EntryId};
use boundary_report::pictures::{thumbnail, THUMBNAIL_SIDE};
use boundary_store::attachments::AttachmentRow;
use boundary_store::crypto::DataKey;
use std::collections::HashMap;

impl App {
    /// JPEG thumbnails of the pictures of a case the actor may see (of one entry, or of
    /// all). They are for pages whose own view is recorded in the access audit, so this
    /// records nothing itself. A picture that cannot be read or made small has none:
    /// the page still lists the file.
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
        let key = self.store.data_key(case.key).await?;
        let mut out = HashMap::new();
        for row in self.store.attachments(&case).await? {
            if !is_picture(&row.record.media_type) || (entry.is_some() && row.record.entry != entry)
            {
                continue;
            }
            let kept = match self.store.thumbnail(&key, &row).await {
                Ok(kept) => kept,
                Err(e) => {
                    tracing::warn!(attachment = %row.id, "a thumbnail does not open: {e}");
                    None
                }
            };
            let made = match kept {
                Some(jpeg) => Some(jpeg),
                None => self.make_thumbnail(&key, &row).await,
            };
            if let Some(jpeg) = made {
                out.insert(row.id, jpeg);
            }
        }
        Ok(out)
    }

    async fn make_thumbnail(&self, key: &DataKey, row: &AttachmentRow) -> Option<Vec<u8>> {
        let bytes = match self.store.get_file(key, row).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(attachment = %row.id, "no thumbnail: {e}");
                return None;
            }
        };
        let jpeg = tokio::task::spawn_blocking(move || thumbnail(&bytes, THUMBNAIL_SIDE))
            .await
            .ok()??;
        if let Err(e) = self.store.put_thumbnail(key, row, &jpeg).await {
            // Shown this time all the same; it is made again next time.
            tracing::warn!(attachment = %row.id, "a thumbnail was not kept: {e}");
        }
        Some(jpeg)
    }
}
