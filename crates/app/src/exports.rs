//! Exports of a case for the people it is handed to: the verifiable bundle and the PDF
//! evidence pack. An export is recorded in the access audit before it is made, and made
//! from one checkpoint taken after that record, so it includes the record of its own
//! making and nothing the checkpoint does not cover.

use crate::{authorise, Actor, App, AppError, CaseRow, Result};
use boundary_domain::{AttachmentId, CaseId, EntryId, EventBody, FieldErrors, Seq};
use boundary_report::bundle::{self, BundleAttachment, BundleEvent, BundleInput, BundleTimestamp};
use boundary_store::ledger::StoredCheckpoint;
use std::collections::BTreeSet;
use time::Date;

/// A file to download.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// What an export leaves out, and why.
#[derive(Debug, Clone, Default)]
pub(crate) struct Withheld {
    pub entries: BTreeSet<EntryId>,
    pub files: BTreeSet<AttachmentId>,
    pub reason: String,
    /// Entries whose contact falls outside the period asked for.
    pub outside: BTreeSet<EntryId>,
}

/// Why an entry outside the period asked for is left out.
const OUTSIDE: &str = "outside the period asked for";

impl Withheld {
    fn entry_reason(&self, entry: &EntryId) -> Option<&str> {
        if self.entries.contains(entry) {
            Some(&self.reason)
        } else if self.outside.contains(entry) {
            Some(OUTSIDE)
        } else {
            None
        }
    }

    /// Why an event is withheld, if it is: an entry, its corrections and its files, or a
    /// file.
    pub(crate) fn hides(&self, body: &EventBody) -> Option<&str> {
        match body {
            EventBody::EntryLogged { entry, .. } | EventBody::EntryAmended { entry, .. } => {
                self.entry_reason(entry)
            }
            EventBody::AttachmentAdded { attachment, record } => {
                if self.files.contains(attachment) {
                    Some(&self.reason)
                } else {
                    record.entry.and_then(|e| self.entry_reason(&e))
                }
            }
            _ => None,
        }
    }
}

/// The period asked for: the first and last day of contacts (UK dates, either open).
///
/// # Errors
/// Field errors for a date that is not one, or an end before the start.
pub(crate) fn period(from: Option<&str>, to: Option<&str>) -> Result<(Option<Date>, Option<Date>)> {
    let day = |raw: Option<&str>, field: &str| -> Result<Option<Date>> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => boundary_domain::occurred::iso_date::parse(s)
                .map(Some)
                .map_err(|_| FieldErrors::one(field, "Enter the date like 2026-11-27").into()),
        }
    };
    let (from, to) = (day(from, "from")?, day(to, "to")?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(FieldErrors::one("to", "The end of the period is before its start").into());
        }
    }
    Ok((from, to))
}

/// Why withheld entries are left out, when no reason is given.
const WITHHELD: &str = "withheld by the person who exported the case";

impl App {
    /// Reads the ids to withhold: each an entry or a file of the case.
    pub(crate) async fn withheld(
        &self,
        case: &CaseRow,
        raw: &[String],
        reason: Option<&str>,
    ) -> Result<Withheld> {
        let entries: BTreeSet<EntryId> = self
            .store
            .entries(case)
            .await?
            .iter()
            .map(|e| e.id)
            .collect();
        let files: BTreeSet<AttachmentId> = self
            .store
            .attachments(case)
            .await?
            .iter()
            .map(|a| a.id)
            .collect();
        let mut out = Withheld {
            reason: reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .unwrap_or(WITHHELD)
                .to_owned(),
            ..Withheld::default()
        };
        for id in raw {
            if let Some(e) = id.parse::<EntryId>().ok().filter(|e| entries.contains(e)) {
                out.entries.insert(e);
            } else if let Some(a) = id
                .parse::<AttachmentId>()
                .ok()
                .filter(|a| files.contains(a))
            {
                out.files.insert(a);
            } else {
                return Err(FieldErrors::one(
                    "withhold",
                    format!("{id} is neither an entry nor a file of this case"),
                )
                .into());
            }
        }
        Ok(out)
    }

    /// Records the export in the access audit, then takes the checkpoint it is made from.
    pub(crate) async fn export_snapshot(
        &self,
        actor: &Actor,
        case: &CaseRow,
    ) -> Result<StoredCheckpoint> {
        self.record_view(actor, case, "export", None).await?;
        self.store
            .latest_checkpoint()
            .await?
            .ok_or(AppError::Unavailable(
                "the log has no checkpoint yet".into(),
            ))
    }

    /// The case's verifiable bundle, with the chosen entries (with their corrections and
    /// files) and files withheld: each shows only its leaf hash, its proof and the reason.
    /// The case's owner.
    ///
    /// # Errors
    /// `NotFound` for anyone but the owner; `Invalid` for something to withhold that is
    /// neither an entry nor a file of the case.
    pub async fn export_bundle(
        &self,
        actor: &Actor,
        id: CaseId,
        (from, to): (Option<&str>, Option<&str>),
        withhold: &[String],
        reason: Option<&str>,
    ) -> Result<Export> {
        let (case, key) = self.store.case_and_key(id).await?;
        authorise::manage_case(actor, &case)?;
        let (from, to) = period(from, to)?;
        let mut withheld = self.withheld(&case, withhold, reason).await?;
        // Entries outside the period stay in the bundle as their place in the log.
        for e in self.store.entries(&case).await? {
            let on = e.current().occurred.uk_date();
            if from.is_some_and(|f| on < f) || to.is_some_and(|t| on > t) {
                withheld.outside.insert(e.id);
            }
        }
        let checkpoint = self.export_snapshot(actor, &case).await?;
        let size = checkpoint.size;
        let last = Seq::new(i64::try_from(size).unwrap_or(i64::MAX))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let files = self.store.attachments(&case).await?;
        let mut events = Vec::new();
        let mut attachments = Vec::new();
        for stored in self.store.case_events(id, last).await? {
            let (event, bytes) = self.store.open_event(&stored, &key)?;
            let why = withheld.hides(&event.body).map(str::to_owned);
            let hidden = why.is_some();
            if let (EventBody::AttachmentAdded { attachment, record }, false) =
                (&event.body, hidden)
            {
                let row = files.iter().find(|f| f.id == *attachment).ok_or_else(|| {
                    AppError::Internal(format!("attachment {attachment} has no record"))
                })?;
                attachments.push(BundleAttachment {
                    sha256: record.sha256.clone(),
                    content: Some(self.store.get_file(&key, row).await?),
                    withheld: None,
                });
            }
            let index = stored.seq.leaf_index();
            events.push(BundleEvent {
                seq: index + 1,
                leaf_hash: boundary_ledger::leaf_hash(&bytes),
                proof: self.store.inclusion_proof(size, index).await?,
                content: (!hidden).then_some(bytes),
                withheld: why,
            });
        }
        let pdf = self
            .pack_pdf(&case, from, to, &withheld, &checkpoint)
            .await?;
        // The newest checkpoint a timestamping authority stamped, when one is set up.
        let timestamp = match (&self.tsa, self.store.latest_timestamped(size).await?) {
            (Some(config), Some(stamped)) => match stamped.tsa_token {
                Some(token) => Some(BundleTimestamp {
                    consistency: if stamped.size == size {
                        Vec::new()
                    } else {
                        self.store.consistency_proof(size, stamped.size).await?
                    },
                    checkpoint: stamped.note,
                    tree_size: stamped.size,
                    token,
                    tsa_cert_pem: config.cert_pem.clone(),
                }),
                None => None,
            },
            _ => None,
        };
        let bytes = bundle::write(&BundleInput {
            case: id,
            made_at: self.now().to_string(),
            checkpoint: &checkpoint.note,
            tree_size: size,
            signer: self.store.signer(),
            events,
            attachments,
            pdf: Some(pdf),
            timestamp,
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Export {
            file_name: self.export_name(id, "zip"),
            media_type: "application/zip",
            bytes,
        })
    }

    /// `boundary-case-` the case id's first eight digits, the date, and the extension.
    pub(crate) fn export_name(&self, id: CaseId, extension: &str) -> String {
        format!(
            "boundary-case-{}-{}.{extension}",
            &id.to_string()[..8],
            boundary_domain::occurred::iso_date::format(self.uk_today())
        )
    }
}
