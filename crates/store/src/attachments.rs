//! Attached files: their records (a projection of `attachment_added` events) and their
//! bytes, sealed with the case key and kept in a folder or bucket (`blobs`). The
//! associated data binds each sealed file to its case and its SHA-256, so files cannot
//! be swapped unseen.

use crate::blobs::{Blobs, Put};
use crate::crypto::{ad, DataKey};
use crate::reads::CaseRow;
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::attachment::Attachment;
use boundary_domain::{AttachmentId, CaseId, MemberId, Seq, Timestamp};
use sqlx::Row;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub case: CaseId,
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub recorded_by: MemberId,
    pub record: Attachment,
}

/// Kept by content — one object per file per case — under a name only the case's key
/// makes from the file's hash, so a listing does not show which files a case holds.
fn blob_key(key: &DataKey, case: CaseId, sha256: &str) -> Result<String> {
    Ok(format!("{case}/{}", key.name_for(sha256)?))
}

fn thumbnail_key(key: &DataKey, case: CaseId, sha256: &str) -> Result<String> {
    Ok(format!("{}.thumbnail", blob_key(key, case, sha256)?))
}

fn thumbnail_ad(case: &CaseId, sha256: &str) -> Vec<u8> {
    blob_ad_for("attachment-thumbnail", case, sha256)
}

fn blob_ad(case: &CaseId, sha256: &str) -> Vec<u8> {
    blob_ad_for("attachment-file", case, sha256)
}

/// Binds a sealed file to what it is, its case and its name, so none can stand in for
/// another.
pub(crate) fn blob_ad_for(what: &str, case: &CaseId, name: &str) -> Vec<u8> {
    format!("boundary/{what}/v1|{case}|{name}").into_bytes()
}

impl Store {
    /// Keeps attached files under `dir` (the data folder's `attachments/`).
    #[must_use]
    pub fn with_blob_dir(self, dir: PathBuf) -> Self {
        self.with_blobs(Blobs::Folder(dir))
    }

    /// Keeps attached files in `blobs`: a folder or a bucket.
    #[must_use]
    pub fn with_blobs(mut self, blobs: Blobs) -> Self {
        self.blobs = Some(blobs);
        self
    }

    /// Where attached files are kept, for the server's start-up lines.
    #[must_use]
    pub fn files_location(&self) -> Option<String> {
        self.blobs.as_ref().map(Blobs::describe)
    }

    pub(crate) fn blobs(&self) -> Result<&Blobs> {
        self.blobs
            .as_ref()
            .ok_or_else(|| StoreError::Files("no folder or bucket is set for them".into()))
    }

    /// Seals a file with the case key and keeps it, durably, before its event is
    /// committed. A file already kept for the case (the same bytes attached before) is
    /// left as it is. Nothing is removed if the event then fails: a committed event may
    /// name the same file, and one named by none is sealed and harmless.
    ///
    /// # Errors
    /// The folder or bucket cannot be written.
    pub async fn put_file(
        &self,
        key: &DataKey,
        case: CaseId,
        sha256: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let sealed = key.seal(bytes, &blob_ad(&case, sha256))?;
        self.blobs()?
            .put(&blob_key(key, case, sha256)?, sealed, Put::Create)
            .await
    }

    /// Reads and opens a file, checking it is the one the ledger names.
    ///
    /// # Errors
    /// A missing file, or one that does not open or hash as recorded.
    pub async fn get_file(&self, key: &DataKey, row: &AttachmentRow) -> Result<Vec<u8>> {
        use sha2::{Digest, Sha256};
        let sealed = self
            .blobs()?
            .get(
                &blob_key(key, row.case, &row.record.sha256)?,
                Some(&row.id.to_string()),
            )
            .await?;
        let bytes = key.open(&sealed, &blob_ad(&row.case, &row.record.sha256))?;
        if hex::encode(Sha256::digest(&bytes)) != row.record.sha256 {
            return Err(StoreError::Corrupt(format!(
                "attachment {} does not match its recorded hash",
                row.id
            )));
        }
        Ok(bytes)
    }

    /// Keeps a picture's thumbnail beside it, sealed like the file — empty when no
    /// thumbnail can be made, so that it is not tried again on every view. It is made
    /// from the file, so it is not in the ledger: `Put::Create` when there was none
    /// (whoever makes it first wins), `Put::Replace` for one that did not open.
    ///
    /// # Errors
    /// The folder or bucket cannot be written.
    pub async fn put_thumbnail(
        &self,
        key: &DataKey,
        case: CaseId,
        sha256: &str,
        jpeg: &[u8],
        mode: Put,
    ) -> Result<()> {
        let sealed = key.seal(jpeg, &thumbnail_ad(&case, sha256))?;
        self.blobs()?
            .put(&thumbnail_key(key, case, sha256)?, sealed, mode)
            .await
    }

    /// A picture's thumbnail, if one has been made (empty: none can be).
    ///
    /// # Errors
    /// The folder or bucket cannot be read, or the thumbnail does not open.
    pub async fn thumbnail(&self, key: &DataKey, row: &AttachmentRow) -> Result<Option<Vec<u8>>> {
        let (case, sha256) = (row.case, &row.record.sha256);
        let Some(sealed) = self
            .blobs()?
            .get_if_kept(&thumbnail_key(key, case, sha256)?)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(key.open(&sealed, &thumbnail_ad(&case, sha256))?))
    }

    /// The files attached to a case, oldest first.
    ///
    /// # Errors
    /// Database errors, or a record that does not open.
    pub async fn attachments(&self, case: &CaseRow) -> Result<Vec<AttachmentRow>> {
        let key = self.data_key(case.key).await?;
        let rows = sqlx::query(
            "SELECT id, seq, recorded_at, recorded_by, sealed FROM attachments \
             WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case.id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.try_get("seq")?;
                let sealed: Vec<u8> = r.try_get("sealed")?;
                let plain = key.open(&sealed, &ad("attachment", &case.id, seq))?;
                Ok(AttachmentRow {
                    id: get_id(r, "id")?,
                    case: case.id,
                    seq: Seq::new(seq).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    recorded_at: crate::reads::ts_of(r, "recorded_at")?,
                    recorded_by: get_id(r, "recorded_by")?,
                    record: serde_json::from_slice(&plain)
                        .map_err(|_| StoreError::Corrupt(format!("attachment {seq}")))?,
                })
            })
            .collect()
    }

    /// Which case an attachment belongs to.
    ///
    /// # Errors
    /// `NotFound`.
    pub async fn case_of_attachment(&self, id: AttachmentId) -> Result<CaseId> {
        let r = sqlx::query("SELECT case_id FROM attachments WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        get_id(&r, "case_id")
    }
}
