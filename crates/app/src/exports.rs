//! Exports of a case for the people it is handed to: the verifiable bundle and the PDF
//! evidence pack. An export is recorded in the access audit before it is made, and made
//! from one checkpoint taken after that record, so it includes the record of its own
//! making and nothing the checkpoint does not cover.

use crate::{authorise, Actor, App, AppError, CaseRow, Result};
use boundary_domain::{AttachmentId, CaseId, EntryId, EventBody, FieldErrors, Seq};
use boundary_report::bundle::{
    self, BundleAttachment, BundleEvent, BundleInput, BundleReceipt, BundleTimestamp,
};
use boundary_store::ledger::StoredCheckpoint;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use time::Date;

/// A file to download.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// What is asked for: the format, a period, what to withhold and why.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// `pdf` (the evidence pack) or `bundle` (the verifiable zip, with the pack in it).
    pub format: String,
    /// The first and last day of contacts (YYYY-MM-DD), either open.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Entries (with their corrections and files) or files to withhold, by id.
    pub withhold: Vec<String>,
    pub reason: Option<String>,
    /// Whether the bundle keeps the records of who looked at the case, with their
    /// addresses; they are left out (still proved in place) unless asked for.
    pub access_records: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Pdf,
    Bundle,
}

impl ExportFormat {
    pub(crate) fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "pdf" => Ok(Self::Pdf),
            "bundle" => Ok(Self::Bundle),
            _ => Err(FieldErrors::one(
                "format",
                "Choose the evidence pack (pdf) or the verifiable bundle (bundle)",
            )
            .into()),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Bundle => "zip",
        }
    }

    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Bundle => "application/zip",
        }
    }

    /// In words, for pages: "evidence pack" or "verifiable bundle".
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::Pdf => "evidence pack",
            Self::Bundle => "verifiable bundle",
        }
    }
}

/// An export allowed and recorded, with the checkpoint it is made from.
#[derive(Debug, Clone)]
pub struct PreparedExport {
    pub case: CaseRow,
    pub format: ExportFormat,
    pub file_name: String,
    period: (Option<Date>, Option<Date>),
    withheld: Withheld,
    checkpoint: StoredCheckpoint,
}

/// How far an export has got: steps done of steps in all (events proved, entries set
/// out, the pages made).
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    /// (done, total).
    #[must_use]
    pub fn get(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// What an export leaves out, and why.
#[derive(Debug, Clone, Default)]
pub(crate) struct Withheld {
    pub entries: BTreeSet<EntryId>,
    pub files: BTreeSet<AttachmentId>,
    pub reason: String,
    /// Entries whose contact falls outside the period asked for.
    pub outside: BTreeSet<EntryId>,
    /// Whether the records of who looked at the case (with their addresses) are left out.
    pub access_records: bool,
}

/// Why an entry outside the period asked for is left out.
const OUTSIDE: &str = "outside the period asked for";

/// Why the access audit's records are left out, unless asked for.
const ACCESS_RECORD: &str =
    "a record of who looked at the case in Boundary, with their address: left out unless asked for";

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
            EventBody::CaseViewed { .. } if self.access_records => Some(ACCESS_RECORD),
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

    /// Checks an export may be made as asked, records it in the access audit, and takes
    /// the checkpoint it will be made from. Nothing is recorded for a refused request.
    ///
    /// # Errors
    /// `NotFound` for anyone but the owner; `Invalid` for a format, a date or something to
    /// withhold that is not right.
    pub async fn prepare_export(
        &self,
        actor: &Actor,
        id: CaseId,
        request: &ExportRequest,
    ) -> Result<PreparedExport> {
        let case = self.store.case(id).await?;
        authorise::manage_case(actor, &case)?;
        let format = ExportFormat::parse(&request.format)?;
        let (from, to) = period(request.from.as_deref(), request.to.as_deref())?;
        let mut withheld = self
            .withheld(&case, &request.withhold, request.reason.as_deref())
            .await?;
        withheld.access_records = !request.access_records;
        // Entries outside the period stay in the bundle as their place in the log.
        for e in self.store.entries(&case).await? {
            let on = e.current().occurred.uk_date();
            if from.is_some_and(|f| on < f) || to.is_some_and(|t| on > t) {
                withheld.outside.insert(e.id);
            }
        }
        self.record_view(actor, &case, "export", None).await?;
        let checkpoint = self
            .store
            .latest_checkpoint()
            .await?
            .ok_or(AppError::Unavailable(
                "the log has no checkpoint yet".into(),
            ))?;
        Ok(PreparedExport {
            file_name: self.export_name(id, format.extension()),
            case,
            format,
            period: (from, to),
            withheld,
            checkpoint,
        })
    }

    /// Makes an export that `prepare_export` allowed, counting its steps in `progress`.
    ///
    /// # Errors
    /// Storage errors, or a file that does not match its recorded hash.
    pub async fn make_export(&self, p: &PreparedExport, progress: &Progress) -> Result<Export> {
        let entries = self.store.entries(&p.case).await?.len() as u64;
        let bytes = match p.format {
            ExportFormat::Pdf => {
                progress.add_total(entries + 1);
                self.pack_pdf(&p.case, p.period, &p.withheld, &p.checkpoint, progress)
                    .await?
            }
            ExportFormat::Bundle => self.bundle(p, entries, progress).await?,
        };
        Ok(Export {
            file_name: p.file_name.clone(),
            media_type: p.format.media_type(),
            bytes,
        })
    }

    /// Prepares and makes an export in one go.
    ///
    /// # Errors
    /// As [`App::prepare_export`] and [`App::make_export`].
    pub async fn export(
        &self,
        actor: &Actor,
        id: CaseId,
        request: &ExportRequest,
    ) -> Result<Export> {
        let prepared = self.prepare_export(actor, id, request).await?;
        self.make_export(&prepared, &Progress::default()).await
    }

    /// The verifiable bundle: every event of the case up to the checkpoint with its
    /// proof, withheld ones as their leaf hash and reason, the files, the PDF and any
    /// trusted timestamp.
    async fn bundle(
        &self,
        p: &PreparedExport,
        entries: u64,
        progress: &Progress,
    ) -> Result<Vec<u8>> {
        let (case, checkpoint, withheld) = (&p.case, &p.checkpoint, &p.withheld);
        let id = case.id;
        let key = self.store.data_key(case.key).await?;
        let size = checkpoint.size;
        let last = Seq::new(i64::try_from(size).unwrap_or(i64::MAX))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let files = self.store.attachments(case).await?;
        let stored_events = self.store.case_events(id, last).await?;
        progress.add_total(stored_events.len() as u64 + entries + 1);
        let mut events = Vec::new();
        let mut attachments = Vec::new();
        let mut receipts: Vec<BundleReceipt> = Vec::new();
        for stored in stored_events {
            let (event, bytes) = self.store.open_event(&stored, &key)?;
            if matches!(event.body, EventBody::EntryLogged { .. }) {
                // Entries logged in one go share their receipt's checkpoint: the first
                // one at or after the entry, so one not yet passed is the same.
                let covered = receipts
                    .last()
                    .is_some_and(|r| r.tree_size > stored.seq.leaf_index());
                if !covered {
                    let c = self.store.checkpoint_covering(stored.seq).await?;
                    receipts.push(BundleReceipt {
                        consistency: if c.size == size {
                            Vec::new()
                        } else {
                            self.store.consistency_proof(size, c.size).await?
                        },
                        tree_size: c.size,
                        checkpoint: c.note,
                    });
                }
            }
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
            progress.step();
        }
        let pdf = self
            .pack_pdf(case, p.period, withheld, checkpoint, progress)
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
        bundle::write(&BundleInput {
            case: id,
            made_at: self.now().to_string(),
            checkpoint: &checkpoint.note,
            tree_size: size,
            signer: self.store.signer(),
            events,
            attachments,
            pdf: Some(pdf),
            timestamp,
            receipts,
        })
        .map_err(|e| AppError::Internal(e.to_string()))
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
