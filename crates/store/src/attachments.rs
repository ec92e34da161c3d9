//! Attached files: their records (a projection of `attachment_added` events) and their
//! bytes, sealed with the case key and kept in the data folder. The associated data binds
//! each sealed file to its case and its SHA-256, so files cannot be swapped unseen.

use crate::crypto::{ad, DataKey};
use crate::reads::CaseRow;
use crate::{get_id, Result, Store, StoreError};
use boundary_domain::attachment::Attachment;
use boundary_domain::{AttachmentId, CaseId, MemberId, Seq, Timestamp};
use sqlx::Row;
use std::io::Write;
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

fn blob_ad(case: &CaseId, sha256: &str) -> Vec<u8> {
    format!("boundary/attachment-file/v1|{case}|{sha256}").into_bytes()
}

impl Store {
    /// Keeps attached files under `dir` (the data folder's `attachments/`).
    #[must_use]
    pub fn with_blob_dir(mut self, dir: PathBuf) -> Self {
        self.blob_dir = Some(dir);
        self
    }

    fn blob_path(&self, id: AttachmentId) -> Result<PathBuf> {
        let dir = self.blob_dir.as_ref().ok_or_else(|| {
            StoreError::Corrupt("attachments need a data folder to be kept in".into())
        })?;
        Ok(dir.join(id.to_string()))
    }

    /// Seals a file with the case key and writes it, durably, before its event is
    /// committed: a crash leaves at worst a file no event names.
    ///
    /// # Errors
    /// The folder cannot be written.
    pub fn put_file(
        &self,
        key: &DataKey,
        case: CaseId,
        id: AttachmentId,
        sha256: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let path = self.blob_path(id)?;
        let sealed = key.seal(bytes, &blob_ad(&case, sha256))?;
        let io = |e: std::io::Error| StoreError::Corrupt(format!("writing an attachment: {e}"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("part");
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(&sealed).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        // The rename is durable only once the folder itself is synced.
        if let Some(dir) = path.parent() {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io)?;
        }
        Ok(())
    }

    /// Removes a file whose event was never committed. Best effort: a file left behind
    /// is sealed and named by no event.
    pub fn remove_file(&self, id: AttachmentId) {
        if let Ok(path) = self.blob_path(id) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Reads and opens a file, checking it is the one the ledger names.
    ///
    /// # Errors
    /// A missing file, or one that does not open or hash as recorded.
    pub fn get_file(&self, key: &DataKey, row: &AttachmentRow) -> Result<Vec<u8>> {
        use sha2::{Digest, Sha256};
        let path = self.blob_path(row.id)?;
        let sealed = std::fs::read(&path).map_err(|e| {
            StoreError::Corrupt(format!("attachment {} cannot be read: {e}", row.id))
        })?;
        let bytes = key.open(&sealed, &blob_ad(&row.case, &row.record.sha256))?;
        if hex::encode(Sha256::digest(&bytes)) != row.record.sha256 {
            return Err(StoreError::Corrupt(format!(
                "attachment {} does not match its recorded hash",
                row.id
            )));
        }
        Ok(bytes)
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
