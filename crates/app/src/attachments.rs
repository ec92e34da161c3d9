//! Attaching files to a case and reading them back. The file's SHA-256 goes into the
//! event, so the ledger covers it; the bytes are sealed with the case key.

use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::attachment::{Attachment, ENTRY_MAX};
use boundary_domain::{AttachmentId, CaseId, EntryId, EventBody, FieldErrors};
use boundary_store::attachments::AttachmentRow;
use sha2::{Digest, Sha256};

/// A file to attach, as it arrived.
#[derive(Debug)]
pub struct Upload<'a> {
    pub bytes: &'a [u8],
    pub name: &'a str,
    pub entry: Option<EntryId>,
    /// The SHA-256 the sender computed, when they sent one: a file that arrived cut short
    /// or changed is refused.
    pub sha256: Option<&'a str>,
}

/// Checks files sent with a new entry before anything is stored: each must be a file
/// Boundary keeps, and together within an entry's limit. Returns each one's record.
///
/// # Errors
/// Field errors under `file`, naming the file.
pub fn check_uploads(
    files: &[(String, Vec<u8>)],
    entry: Option<EntryId>,
) -> std::result::Result<Vec<Attachment>, FieldErrors> {
    let mut total = 0u64;
    let mut records = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let sha256 = hex::encode(Sha256::digest(bytes));
        records.push(Attachment::check(bytes, sha256, name, entry).map_err(|e| {
            FieldErrors::one(
                "file",
                format!("{name}: {}", e.get("file").unwrap_or("it cannot be kept")),
            )
        })?);
        total += bytes.len() as u64;
    }
    if total > ENTRY_MAX {
        return Err(FieldErrors::one(
            "file",
            format!(
                "The files come to more than {} MB, the most one entry may have",
                ENTRY_MAX / (1024 * 1024)
            ),
        ));
    }
    Ok(records)
}

/// [`check_uploads`] off the async workers: opening a document to see what it unpacks
/// to takes a moment.
///
/// # Errors
/// `Invalid`, as [`check_uploads`].
pub async fn check_uploads_aside(
    files: &[(String, Vec<u8>)],
    entry: Option<EntryId>,
) -> Result<Vec<Attachment>> {
    let owned = files.to_vec();
    tokio::task::spawn_blocking(move || check_uploads(&owned, entry))
        .await?
        .map_err(AppError::Invalid)
}

impl App {
    /// Attaches a file to a case, and to one of its entries when given. Owner, or a
    /// contribute share.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not add to; `Invalid` for a file that is empty,
    /// too large, of a type not kept, badly named, not what the sender hashed, or that
    /// would take its entry's files over the limit.
    pub async fn attach(
        &self,
        actor: &Actor,
        id: CaseId,
        upload: &Upload<'_>,
    ) -> Result<(AttachmentId, Attachment)> {
        let (case, key) = self.store.case_and_key(id).await?;
        authorise::log_contact(actor, &case, self.share_of(actor, &case).await?)?;
        let sha256 = hex::encode(Sha256::digest(upload.bytes));
        if let Some(claimed) = upload.sha256.map(str::trim).filter(|s| !s.is_empty()) {
            if !claimed.eq_ignore_ascii_case(&sha256) {
                return Err(FieldErrors::one(
                    "sha256",
                    format!("The file did not arrive as sent: its SHA-256 is {sha256}, not {claimed}. Send it again."),
                )
                .into());
            }
        }
        // Off the async workers: opening a document to see what it unpacks to takes a
        // moment.
        let (bytes, name, entry) = (upload.bytes.to_vec(), upload.name.to_owned(), upload.entry);
        let record =
            tokio::task::spawn_blocking(move || Attachment::check(&bytes, sha256, &name, entry))
                .await??;
        if let Some(entry) = upload.entry {
            if self.store.case_of_entry(entry).await.ok() != Some(id) {
                return Err(
                    FieldErrors::one("entry_id", "That entry is not part of this case").into(),
                );
            }
            let already: u64 = self
                .store
                .attachments(&case)
                .await?
                .iter()
                .filter(|a| a.record.entry == Some(entry))
                .map(|a| a.record.size)
                .sum();
            if already + record.size > ENTRY_MAX {
                return Err(FieldErrors::one(
                    "file",
                    format!(
                        "An entry's files may come to {} MB at most; this one would take it over",
                        ENTRY_MAX / (1024 * 1024)
                    ),
                )
                .into());
            }
        }
        self.ensure_writable()?;
        let attachment = AttachmentId::from_random(self.random.bytes16());
        self.store
            .put_file(&key, id, &record.sha256, upload.bytes)
            .await?;
        let event = self.event(
            actor,
            id,
            EventBody::AttachmentAdded {
                attachment,
                record: record.clone(),
            },
        );
        let appended = async {
            let mut w = self.store.begin_write().await?;
            w.append(case.key, &key, &event).await?;
            w.commit().await?;
            Ok::<_, boundary_store::StoreError>(())
        }
        .await;
        appended?;
        self.thumbnail_later(&case, &record, upload.bytes);
        Ok((attachment, record))
    }

    /// The files attached to a case the actor may see — their names and hashes — recorded
    /// in the access audit as a look at the list.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn list_attachments(&self, actor: &Actor, id: CaseId) -> Result<Vec<AttachmentRow>> {
        let case = self.case(actor, id).await?;
        let files = self.store.attachments(&case).await?;
        self.record_view(actor, &case, "attachment list", None)
            .await?;
        Ok(files)
    }

    /// The same list for a page that has recorded its own view of the case or entry,
    /// which covers what it shows of the files: one look, one audit row.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn attachments_on_viewed_page(
        &self,
        actor: &Actor,
        id: CaseId,
    ) -> Result<Vec<AttachmentRow>> {
        let case = self.case(actor, id).await?;
        Ok(self.store.attachments(&case).await?)
    }

    /// One attached file, opened and checked against its hash; the look is recorded in
    /// the access audit.
    ///
    /// # Errors
    /// `NotFound` for a file of a case the actor may not see.
    pub async fn attachment_file(
        &self,
        actor: &Actor,
        attachment: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>)> {
        let case_id = self.store.case_of_attachment(attachment).await?;
        let case = self.case(actor, case_id).await?;
        let row = self
            .store
            .attachments(&case)
            .await?
            .into_iter()
            .find(|a| a.id == attachment)
            .ok_or(AppError::NotFound)?;
        let key = self.store.data_key(case.key).await?;
        let bytes = self.store.get_file(&key, &row).await?;
        self.record_view(actor, &case, "attachment", row.record.entry)
            .await?;
        Ok((row.record, bytes))
    }
}
