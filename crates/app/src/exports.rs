//! Exports of a case for the people it is handed to: the verifiable bundle (and, to
//! come, the PDF evidence pack). An export is recorded in the access audit before it is
//! made, so the bundle includes the record of its own making.

use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::{CaseId, EntryId, EventBody, Seq};
use boundary_report::bundle::{self, BundleEvent, BundleInput};
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
    /// Whether the actor may export the case: its owner.
    ///
    /// # Errors
    /// `NotFound` for anyone else.
    pub async fn export_bundle_allowed(&self, actor: &Actor, id: CaseId) -> Result<()> {
        let case = self.store.case(id).await?;
        authorise::manage_case(actor, &case)
    }

    /// The case's verifiable bundle, with the chosen entries (and their corrections)
    /// withheld: each shows only its leaf hash, its proof and `reason`. The case's owner.
    ///
    /// # Errors
    /// `NotFound` for anyone but the owner; `Invalid` for an entry to withhold that is not
    /// one of the case's.
    pub async fn export_bundle(
        &self,
        actor: &Actor,
        id: CaseId,
        withhold: &[EntryId],
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
        if let Some(stranger) = withhold.iter().find(|e| !entries.contains(e)) {
            return Err(boundary_domain::FieldErrors::one(
                "withhold",
                format!("{stranger} is not an entry of this case"),
            )
            .into());
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
        let withheld: BTreeSet<EntryId> = withhold.iter().copied().collect();
        let mut events = Vec::new();
        for stored in self.store.case_events(id, last).await? {
            let (event, bytes) = self.store.open_event(&stored, &key)?;
            let hidden = match &event.body {
                EventBody::EntryLogged { entry, .. } | EventBody::EntryAmended { entry, .. } => {
                    withheld.contains(entry)
                }
                _ => false,
            };
            let index = stored.seq.leaf_index();
            events.push(BundleEvent {
                seq: index + 1,
                leaf_hash: boundary_ledger::leaf_hash(&bytes),
                proof: self.store.inclusion_proof(size, index).await?,
                content: (!hidden).then_some(bytes),
                withheld: hidden.then(|| reason.to_owned()),
            });
        }
        let bytes = bundle::write(&BundleInput {
            case: id,
            made_at: self.now().to_string(),
            checkpoint: &checkpoint.note,
            tree_size: size,
            signer: self.store.signer(),
            events,
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
