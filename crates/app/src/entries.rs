//! Logging contacts, reading them, and correcting them without losing the original.

use crate::{authorise, Actor, App, Result};
use boundary_domain::advice::chaperone::{needs_record, ChaperoneInput};
use boundary_domain::advice::ChaperoneRecord;
use boundary_domain::occurred::iso_date;
use boundary_domain::{
    Amendment, AmendmentId, AmendmentInput, CaseId, ContactEntry, EntryId, EntryInput, EventBody,
    FieldErrors,
};
use boundary_store::reads::{CaseRow, EntryRow};
use boundary_store::{Appended, StoredCheckpoint};

/// What logging gives back: the entry's id and its place in the log.
#[derive(Debug, Clone)]
pub struct Logged<Id> {
    pub id: Id,
    pub appended: Appended,
    /// The checkpoint signed at commit: its tree includes this event.
    pub checkpoint: Option<StoredCheckpoint>,
}

impl App {
    /// Logs one contact on a case the actor may log to.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see; `Invalid` field errors, including a
    /// consultation on a case that requires a chaperone with none recorded for its day.
    pub async fn log_contact(
        &self,
        actor: &Actor,
        case: CaseId,
        input: &EntryInput,
    ) -> Result<Logged<EntryId>> {
        self.log_consultation(actor, case, input, None).await
    }

    /// Logs one contact, and with it — in the same transaction — the consultation's
    /// chaperone record when one is given.
    ///
    /// # Errors
    /// As [`App::log_contact`]; field errors of the chaperone record too.
    pub async fn log_consultation(
        &self,
        actor: &Actor,
        case: CaseId,
        input: &EntryInput,
        chaperone: Option<&ChaperoneInput>,
    ) -> Result<Logged<EntryId>> {
        self.log_with_files(actor, case, input, chaperone, &[])
            .await
    }

    /// Logs a contact with the files that came with it — (name, bytes) — in one
    /// transaction: the entry and every file are kept, or none is.
    ///
    /// # Errors
    /// As [`App::log_consultation`]; field errors under `file` for a file that cannot be
    /// kept, naming it.
    pub async fn log_with_files(
        &self,
        actor: &Actor,
        case: CaseId,
        input: &EntryInput,
        chaperone: Option<&ChaperoneInput>,
        files: &[(String, Vec<u8>)],
    ) -> Result<Logged<EntryId>> {
        let (row, key) = self.store.case_and_key(case).await?;
        authorise::log_contact(actor, &row, self.share_of(actor, &row).await?)?;
        self.ensure_writable()?;
        let contact = ContactEntry::parse(input, self.now())?;
        let chaperone = chaperone
            .map(|c| {
                let mut c = c.clone();
                if c.consultation_on.trim().is_empty() {
                    c.consultation_on = iso_date::format(contact.occurred.uk_date());
                }
                ChaperoneRecord::parse(&c, self.uk_today())
            })
            .transpose()?;
        if chaperone.is_none() && row.chaperone_required {
            self.require_chaperone_record(&row, &contact).await?;
        }
        let entry = EntryId::from_random(self.random.bytes16());
        let records = crate::attachments::check_uploads_aside(files, Some(entry)).await?;
        let mut attached = Vec::with_capacity(files.len());
        for ((_, bytes), record) in files.iter().zip(records) {
            // Kept before the events; if they then fail, the sealed files stay, named by
            // nothing (see `Store::put_file`).
            self.store
                .put_file(&key, case, &record.sha256, bytes)
                .await?;
            let id = boundary_domain::AttachmentId::from_random(self.random.bytes16());
            attached.push((id, record));
        }
        let committed = async {
            let mut w = self.store.begin_write().await?;
            if let Some(record) = chaperone {
                let event = self.event(actor, case, EventBody::ChaperoneRecorded { record });
                w.append(row.key, &key, &event).await?;
            }
            let event = self.event(actor, case, EventBody::EntryLogged { entry, contact });
            let appended = w.append(row.key, &key, &event).await?;
            for (attachment, record) in &attached {
                let event = self.event(
                    actor,
                    case,
                    EventBody::AttachmentAdded {
                        attachment: *attachment,
                        record: record.clone(),
                    },
                );
                w.append(row.key, &key, &event).await?;
            }
            let checkpoint = w.commit().await?;
            Ok::<_, boundary_store::StoreError>((appended, checkpoint))
        }
        .await;
        let (appended, checkpoint) = committed?;
        for ((_, bytes), (_, record)) in files.iter().zip(&attached) {
            self.thumbnail_later(&row, record, bytes);
        }
        tracing::info!(%case, seq = %appended.seq, "contact logged");
        Ok(Logged {
            id: entry,
            appended,
            checkpoint,
        })
    }

    /// A case's entries, oldest contact first, each with its amendments.
    ///
    /// # Errors
    /// `NotFound` for a case the actor may not see.
    pub async fn entries(&self, actor: &Actor, case: CaseId) -> Result<(CaseRow, Vec<EntryRow>)> {
        let (row, entries) = self.entries_unrecorded(actor, case).await?;
        self.record_view(actor, &row, "entries", None).await?;
        Ok((row, entries))
    }

    async fn entries_unrecorded(
        &self,
        actor: &Actor,
        case: CaseId,
    ) -> Result<(CaseRow, Vec<EntryRow>)> {
        let row = self.case(actor, case).await?;
        let entries = self.store.entries(&row).await?;
        Ok((row, entries))
    }

    /// One entry with its amendments, and its case.
    ///
    /// # Errors
    /// `NotFound` for an entry on a case the actor may not see.
    pub async fn entry(&self, actor: &Actor, entry: EntryId) -> Result<(CaseRow, EntryRow)> {
        let case = self.store.case_of_entry(entry).await?;
        let (row, entries) = self.entries_unrecorded(actor, case).await?;
        let e = entries
            .into_iter()
            .find(|e| e.id == entry)
            .ok_or(crate::AppError::NotFound)?;
        self.record_view(actor, &row, "entry", Some(entry)).await?;
        Ok((row, e))
    }

    /// An entry for its correction form: only for those who may correct it.
    ///
    /// # Errors
    /// `NotFound` for an entry the actor may not correct.
    pub async fn entry_to_amend(
        &self,
        actor: &Actor,
        entry: EntryId,
    ) -> Result<(CaseRow, EntryRow)> {
        let case = self
            .store
            .case(self.store.case_of_entry(entry).await?)
            .await?;
        authorise::amend_entry(actor, &case, self.share_of(actor, &case).await?)?;
        self.entry(actor, entry).await
    }

    /// Records a correction beside the original entry.
    ///
    /// # Errors
    /// `NotFound` for an entry the actor may not see; `Invalid` field errors.
    pub async fn amend_entry(
        &self,
        actor: &Actor,
        entry: EntryId,
        input: &AmendmentInput,
    ) -> Result<Logged<AmendmentId>> {
        let case = self.store.case_of_entry(entry).await?;
        let (row, key) = self.store.case_and_key(case).await?;
        authorise::amend_entry(actor, &row, self.share_of(actor, &row).await?)?;
        self.ensure_writable()?;
        let correction = Amendment::parse(&input.field, &input.value, &input.reason, self.now())?;
        if row.chaperone_required {
            // A correction cannot turn an entry into a consultation that the chaperone
            // rule would have refused when it was logged.
            let current = self
                .store
                .entries(&row)
                .await?
                .into_iter()
                .find(|e| e.id == entry)
                .ok_or(crate::AppError::NotFound)?
                .current();
            let corrected = current.amended(std::iter::once(&correction));
            self.require_chaperone_record(&row, &corrected).await?;
        }
        let amendment = AmendmentId::from_random(self.random.bytes16());
        let mut w = self.store.begin_write().await?;
        let event = self.event(
            actor,
            case,
            EventBody::EntryAmended {
                amendment,
                entry,
                correction,
            },
        );
        let appended = w.append(row.key, &key, &event).await?;
        let checkpoint = w.commit().await?;
        Ok(Logged {
            id: amendment,
            appended,
            checkpoint,
        })
    }

    /// On a case that requires a chaperone, a consultation needs a record for its day.
    async fn require_chaperone_record(&self, row: &CaseRow, contact: &ContactEntry) -> Result<()> {
        let records = self.records_of(row).await?;
        let register: Vec<ChaperoneRecord> = records
            .chaperones
            .iter()
            .map(|r| r.record.clone())
            .collect();
        if needs_record(row.chaperone_required, contact, &register) {
            return Err(FieldErrors::one(
                "chaperone",
                "This patient must have a chaperone at every consultation: record who chaperoned, or that one was offered and declined",
            )
            .into());
        }
        Ok(())
    }
}
