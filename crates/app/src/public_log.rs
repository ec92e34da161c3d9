//! What anyone may read of the log, signed in or not — the latest signed checkpoint, the
//! key that checks it, and proofs that an entry is in the log and that the log only grew
//! (RFC 9162) — and the health of what holds it. None of it carries case content.

use crate::ledger::{Receipt, VerifyReport};
use crate::{App, Result};
use boundary_ledger::Hash;

/// A checkpoint as the log signed it: a C2SP signed note over its size and root.
#[derive(Debug, Clone)]
pub struct SignedCheckpoint {
    pub size: u64,
    pub note: String,
}

/// The hashes that prove one leaf is in a tree of a given size.
#[derive(Debug, Clone)]
pub struct InclusionProof {
    pub leaf: Hash,
    /// The audit path, leaf upwards.
    pub path: Vec<Hash>,
}

impl App {
    /// The newest signed checkpoint; `None` before anything is logged.
    ///
    /// # Errors
    /// Database errors.
    pub async fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>> {
        Ok(self
            .store
            .latest_checkpoint()
            .await?
            .map(|c| SignedCheckpoint {
                size: c.size,
                note: c.note,
            }))
    }

    /// How many events the newest checkpoint signs: 0 before anything is logged.
    ///
    /// # Errors
    /// Database errors.
    pub async fn log_size(&self) -> Result<u64> {
        Ok(self.latest_checkpoint().await?.map_or(0, |c| c.size))
    }

    /// The log's verifier key (`name+id+key`), which checks every checkpoint it signs.
    #[must_use]
    pub fn verifier_key(&self) -> String {
        self.store.signer().verifier().vkey()
    }

    /// Proof that leaf `index` is in the tree of `size` leaves; the caller has checked
    /// `index < size <= log_size()`.
    ///
    /// # Errors
    /// `NotFound` for a range the tree does not have; database errors.
    pub async fn inclusion_proof(&self, size: u64, index: u64) -> Result<InclusionProof> {
        Ok(InclusionProof {
            path: self.store.inclusion_proof(size, index).await?,
            leaf: self.store.tree_leaf(index).await?,
        })
    }

    /// Proof that the tree of `from` leaves grew, unchanged, into the tree of `size`.
    ///
    /// # Errors
    /// `NotFound` for a range the tree does not have; database errors.
    pub async fn consistency_proof(&self, size: u64, from: u64) -> Result<Vec<Hash>> {
        Ok(self.store.consistency_proof(size, from).await?)
    }

    /// Whether the database answers, for health checks and metrics.
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// Where attached files are kept, in words, for the operator; `None` when nowhere is
    /// set up for them.
    #[must_use]
    pub fn files_location(&self) -> Option<String> {
        self.store.files_location()
    }

    /// A full verification as an operator runs it ([`App::verify_all`]), its outcome
    /// recorded for the ledger page. Failing to record it does not hide the outcome.
    ///
    /// # Errors
    /// As [`App::verify_all`].
    pub async fn run_verification(
        &self,
        against: Option<&str>,
        receipt: Option<&Receipt>,
    ) -> Result<VerifyReport> {
        let report = self.verify_all(against, receipt).await?;
        let recorded = self
            .store
            .record_verification(
                self.now(),
                report.ok(),
                i64::try_from(report.events).unwrap_or(i64::MAX),
                &report.summary(),
            )
            .await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "the verification's outcome could not be recorded");
        }
        Ok(report)
    }

    /// Lets go of the database, so that a command's changes are all written before it ends.
    pub async fn close(&self) {
        self.store.close().await;
    }
}
