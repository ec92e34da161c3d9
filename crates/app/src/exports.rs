//! Exports of a case for the people it is handed to: the verifiable bundle and the PDF
//! evidence pack. An export is recorded in the access audit before it is made, and made
//! from one checkpoint taken after that record, so it includes the record of its own
//! making (withheld, as the access records are unless asked for) and nothing the
//! checkpoint does not cover.

use crate::{authorise, Actor, App, AppError, CaseRow, Result};
use boundary_domain::{AttachmentId, CaseId, EntryId, EventBody, FieldErrors, Seq};
use boundary_report::bundle::{
    self, BundleAttachment, BundleEvent, BundleInput, BundleReceipt, BundleTimestamp,
};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

mod request;

pub(crate) use request::{in_period, period};
pub use request::{Export, ExportFormat, ExportRequest, PreparedExport, Progress};

/// What an export leaves out, and why.
#[derive(Debug, Clone, Default)]
pub(crate) struct Withheld {
    pub entries: BTreeSet<EntryId>,
    pub files: BTreeSet<AttachmentId>,
    pub reason: String,
    /// Entries whose contact falls outside the period asked for, with the (UK) day it
    /// happened on, which the bundle states so that verifiers can check it is outside.
    pub outside: BTreeMap<EntryId, Date>,
    /// Whether the records of who looked at the case (with their addresses) are left out.
    pub withhold_access_records: bool,
}

use boundary_report::bundle::{
    ACCESS_RECORDS as ACCESS_RECORD, NO_REASON_GIVEN as WITHHELD, OUTSIDE_PERIOD as OUTSIDE,
};

impl Withheld {
    fn entry_reason(&self, entry: &EntryId) -> Option<(&str, Option<Date>)> {
        if self.entries.contains(entry) {
            Some((&self.reason, None))
        } else {
            self.outside.get(entry).map(|on| (OUTSIDE, Some(*on)))
        }
    }

    /// Why an event is withheld, if it is: an entry, its corrections and its files, or a
    /// file; with the day of the contact when it is withheld as outside the period.
    pub(crate) fn hides(&self, body: &EventBody) -> Option<(&str, Option<Date>)> {
        match body {
            EventBody::EntryLogged { entry, .. } | EventBody::EntryAmended { entry, .. } => {
                self.entry_reason(entry)
            }
            EventBody::AttachmentAdded { attachment, record } => {
                if self.files.contains(attachment) {
                    Some((&self.reason, None))
                } else {
                    record.entry.and_then(|e| self.entry_reason(&e))
                }
            }
            EventBody::CaseViewed { .. } if self.withhold_access_records => {
                Some((ACCESS_RECORD, None))
            }
            _ => None,
        }
    }
}

/// The longest reason for withholding, in characters.
const REASON_MAX: usize = 300;

/// The reason as the exporter typed it, or the default. Verifiers print it on the
/// officer's terminal, so it is one line of plain text: an escape sequence or a carriage
/// return could hide the lines after it. Nor may it borrow the wording Boundary uses for
/// what it leaves out itself, which verifiers check against the period (see
/// `docs/bundle-format.md`).
fn withholding_reason(raw: Option<&str>) -> Result<String> {
    let reason = boundary_domain::text::one_line(raw.unwrap_or_default(), REASON_MAX)
        .map_err(|e| FieldErrors::one("reason", e.to_string()))?
        // Runs of spaces could wrap a line on a terminal into something that looks like
        // a verifier's own.
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
    match reason {
        None => Ok(WITHHELD.to_owned()),
        Some(r) if [OUTSIDE, ACCESS_RECORD].iter().any(|w| looks_like(&r, w)) => {
            Err(FieldErrors::one(
                "reason",
                "Boundary uses this wording for what it leaves out itself; say in your own words why you withhold these",
            )
            .into())
        }
        Some(r) => Ok(r),
    }
}

/// `typed` could pass for Boundary's `wording` to a reader: the same letters give or take
/// three (a look-alike letter from another alphabet, a missing or doubled one), whatever
/// the case, spacing and punctuation.
fn looks_like(typed: &str, wording: &str) -> bool {
    let letters = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (letters(typed), letters(wording));
    if a.len().abs_diff(b.len()) > 3 {
        return false;
    }
    // Levenshtein distance, one row at a time.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()] <= 3
}

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
            reason: withholding_reason(reason)?,
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
        withheld.withhold_access_records = !request.access_records;
        // Entries outside the period stay in the bundle as their place in the log.
        for e in self.store.entries(&case).await? {
            let on = e.current().occurred.uk_date();
            if !in_period(on, (from, to)) {
                withheld.outside.insert(e.id, on);
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
        // A checkpoint signs at least one event: size 0 never reaches an export.
        let last = Seq::new(i64::try_from(size).unwrap_or(i64::MAX))
            .map_err(|_| AppError::Internal("an export of an empty log".into()))?;
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
            let why = withheld.hides(&event.body);
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
                withheld: why.map(|(reason, _)| reason.to_owned()),
                occurred_on: why.and_then(|(_, on)| on),
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
        let (made_at, note, signer, period) = (
            self.now().to_string(),
            checkpoint.note.clone(),
            self.store.shared_signer(),
            p.period,
        );
        // Compressing every file takes a while: off the async workers.
        tokio::task::spawn_blocking(move || {
            bundle::write(&BundleInput {
                case: id,
                made_at,
                checkpoint: &note,
                tree_size: size,
                signer: &signer,
                events,
                attachments,
                pdf: Some(pdf),
                timestamp,
                receipts,
                period,
            })
        })
        .await?
        .map_err(AppError::from)
    }

    /// A case's owner, for an operator acting for them from the command line (who holds
    /// the keys anyway); `address` says so in the access audit.
    ///
    /// # Errors
    /// `NotFound` for no such case.
    pub async fn owner_actor(&self, case: CaseId, address: &str) -> Result<Actor> {
        let owner = self.store.case(case).await?.owner;
        let mut actor = crate::auth::actor_of(self.store.member(owner).await?);
        actor.address = Some(address.to_owned());
        Ok(actor)
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
