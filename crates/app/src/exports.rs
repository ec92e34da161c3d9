//! Exports of a case for the people it is handed to: the verifiable bundle (and, to
//! come, the PDF evidence pack). An export is recorded in the access audit before it is
//! made, so the bundle includes the record of its own making.

use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::{AttachmentId, CaseId, EntryId, EventBody, FieldErrors, Seq};
use boundary_report::bundle::{self, BundleAttachment, BundleEvent, BundleInput};
use std::collections::BTreeSet;

/// A file to download.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Why withheld entries are left out, when no reason is given.
const WITHHELD: &str = "withheld by the person who exported the case";

impl App {
    /// The case's verifiable bundle, with the chosen entries (with their corrections and
    /// files) and attached files withheld: an entry shows only its leaf hash, its proof
    /// and `reason`; a file, only its hash and `reason`. The case's owner.
    ///
    /// # Errors
    /// `NotFound` for anyone but the owner; `Invalid` for something to withhold that is
    /// neither an entry nor a file of the case.
    pub async fn export_bundle(
        &self,
        actor: &Actor,
        id: CaseId,
        withhold: &[String],
        reason: Option<&str>,
    ) -> Result<Export> {
        let (case, key) = self.store.case_and_key(id).await?;
        authorise::manage_case(actor, &case)?;
        let entries: BTreeSet<EntryId> = self
            .store
            .entries(&case)
            .await?
            .iter()
            .map(|e| e.id)
            .collect();
        let files = self.store.attachments(&case).await?;
        let mut withheld = BTreeSet::new();
        let mut withheld_files = BTreeSet::new();
        for raw in withhold {
            if let Some(e) = raw.parse::<EntryId>().ok().filter(|e| entries.contains(e)) {
                withheld.insert(e);
            } else if let Some(a) = raw
                .parse::<AttachmentId>()
                .ok()
                .filter(|a| files.iter().any(|f| f.id == *a))
            {
                withheld_files.insert(a);
            } else {
                return Err(FieldErrors::one(
                    "withhold",
                    format!("{raw} is neither an entry nor a file of this case"),
                )
                .into());
            }
        }
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or(WITHHELD);
        self.record_view(actor, &case, "export", None).await?;
        let checkpoint = self
            .store
            .latest_checkpoint()
            .await?
            .ok_or(AppError::Unavailable(
                "the log has no checkpoint yet".into(),
            ))?;
        let size = checkpoint.size;
        let last = Seq::new(i64::try_from(size).unwrap_or(i64::MAX))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut events = Vec::new();
        let mut attachments = Vec::new();
        for stored in self.store.case_events(id, last).await? {
            let (event, bytes) = self.store.open_event(&stored, &key)?;
            let hidden = match &event.body {
                EventBody::EntryLogged { entry, .. } | EventBody::EntryAmended { entry, .. } => {
                    withheld.contains(entry)
                }
                EventBody::AttachmentAdded { record, .. } => {
                    record.entry.is_some_and(|e| withheld.contains(&e))
                }
                _ => false,
            };
            if let (EventBody::AttachmentAdded { attachment, record }, false) =
                (&event.body, hidden)
            {
                let row = files.iter().find(|f| f.id == *attachment).ok_or_else(|| {
                    AppError::Internal(format!("attachment {attachment} has no record"))
                })?;
                let keep = !withheld_files.contains(attachment);
                attachments.push(BundleAttachment {
                    sha256: record.sha256.clone(),
                    content: if keep {
                        Some(self.store.get_file(&key, row)?)
                    } else {
                        None
                    },
                    withheld: (!keep).then(|| reason.to_owned()),
                });
            }
            let index = stored.seq.leaf_index();
            events.push(BundleEvent {
                seq: index + 1,
                leaf_hash: boundary_ledger::leaf_hash(&bytes),
                proof: self.store.inclusion_proof(size, index).await?,
                content: (!hidden).then_some(bytes),
                withheld: hidden.then(|| reason.to_owned()),
            });
        }
        let pdf = self.pack_pdf(&case, None, None, &withheld, reason).await?;
        let bytes = bundle::write(&BundleInput {
            case: id,
            made_at: self.now().to_string(),
            checkpoint: &checkpoint.note,
            tree_size: size,
            signer: self.store.signer(),
            events,
            attachments,
            pdf: Some(pdf),
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Export {
            file_name: format!(
                "boundary-case-{}-{}.zip",
                &id.to_string()[..8],
                boundary_domain::occurred::iso_date::format(self.uk_today())
            ),
            media_type: "application/zip",
            bytes,
        })
    }
}
