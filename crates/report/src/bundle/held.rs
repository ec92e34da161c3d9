//! Checkpoints a reader already holds. The bundle carries the checkpoint on each entry's
//! receipt with the proof that the log grew from it to the bundle's own, so a receipt
//! given to the doctor when the entry was logged — or any checkpoint seen then — shows
//! that the log the bundle comes from is that same log, only longer: nothing recorded
//! by then has since been rewritten or dropped.

use super::{Manifest, ManifestReceipt};
use boundary_ledger::note::{Checkpoint, LogVerifier};
use boundary_ledger::Hash;

/// One receipt's checkpoint, as the manifest carries it.
#[derive(Debug, Clone)]
pub struct BundleReceipt {
    /// The checkpoint, exactly as signed.
    pub checkpoint: String,
    pub tree_size: u64,
    /// Consistency proof from `tree_size` to the bundle's tree size.
    pub consistency: Vec<Hash>,
}

impl From<&BundleReceipt> for ManifestReceipt {
    fn from(r: &BundleReceipt) -> Self {
        Self {
            tree_size: r.tree_size,
            checkpoint: r.checkpoint.clone(),
            consistency: r.consistency.iter().map(Hash::to_hex).collect(),
        }
    }
}

/// Checks that `earlier` (size and root) is a prefix of the bundle's log.
pub(super) fn grew_from(
    earlier: &Checkpoint,
    latest: &Checkpoint,
    proof: &[Hash],
) -> Result<(), String> {
    if earlier.size > latest.size {
        return Err(format!(
            "a checkpoint of {} events cannot come before the bundle's of {}",
            earlier.size, latest.size
        ));
    }
    if earlier.size == latest.size && proof.is_empty() {
        return if earlier.root == latest.root {
            Ok(())
        } else {
            Err("two checkpoints of the same size have different roots".into())
        };
    }
    boundary_ledger::verify_consistency(
        earlier.size,
        latest.size,
        &earlier.root,
        &latest.root,
        proof,
    )
    .map_err(|e| e.to_string())
}

/// Checks every receipt checkpoint in the manifest: signed by the log's key, in
/// increasing size, and consistent with the bundle's checkpoint. Returns each one's
/// (size, root).
pub(super) fn check_receipts(
    manifest: &Manifest,
    verifier: &LogVerifier,
    latest: &Checkpoint,
) -> Result<Vec<(u64, Hash)>, String> {
    let mut linked = Vec::new();
    let mut last = 0;
    for r in &manifest.receipts {
        let what = format!("the receipt checkpoint of {} events", r.tree_size);
        let c = verifier
            .open_checkpoint(&r.checkpoint)
            .map_err(|e| format!("{what}: {e}"))?;
        if c.size != r.tree_size || c.size <= last {
            return Err(format!(
                "{what}: its size is not the one listed, or out of order"
            ));
        }
        last = c.size;
        let proof = r
            .consistency
            .iter()
            .map(|p| super::archive::hash(p, &format!("a hash in {what}'s consistency proof")))
            .collect::<Result<Vec<_>, _>>()?;
        grew_from(&c, latest, &proof)
            .map_err(|e| format!("the log did not grow from {what}: {e}"))?;
        linked.push((c.size, c.root));
    }
    Ok(linked)
}
