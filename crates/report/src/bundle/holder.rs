//! What a reader holds, checked against a bundle that checked out: a checkpoint seen
//! when an entry was logged, or an entry's receipt. Either shows that the bundle comes
//! from the same log, only longer — or says in words why it does not.

use super::verify::BundleReport;
use boundary_ledger::note::LogVerifier;

/// Checks a checkpoint the reader holds — on its own, or from an entry's receipt with
/// that entry's sequence number and leaf hash — against a bundle that checked out.
/// Returns what it shows, in words.
///
/// # Errors
/// A sentence naming what does not match.
pub fn check_held(
    report: &BundleReport,
    note: &str,
    entry: Option<(u64, &str)>,
) -> Result<String, String> {
    let verifier = LogVerifier::from_vkey(&report.vkey).map_err(|e| format!("the key: {e}"))?;
    let held = verifier
        .open_checkpoint(note)
        .map_err(|e| format!("the checkpoint you hold is not signed by this log's key: {e}"))?;
    if held.size > report.tree_size {
        return Err(format!(
            "the checkpoint you hold (a log of {} events) is newer than this bundle's ({}): \
             check it against a newer bundle",
            held.size, report.tree_size
        ));
    }
    match report.linked.iter().find(|(size, _)| *size == held.size) {
        Some((_, root)) if *root != held.root => {
            return Err(format!(
                "the log was rewritten: the checkpoint you hold and the bundle both sign a \
                 log of {} events, with different contents",
                held.size
            ))
        }
        Some(_) => {}
        None => {
            return Err(format!(
                "this bundle carries no proof for a log of {} events, so it says nothing \
                 either way about the checkpoint you hold (it may be another case's receipt)",
                held.size
            ))
        }
    }
    let Some((seq, leaf)) = entry else {
        return Ok(format!(
            "the log of {} events you hold grew, unchanged, into the bundle's log of {}",
            held.size, report.tree_size
        ));
    };
    if seq == 0 || seq > held.size {
        return Err(format!(
            "the receipt does not hang together: event {seq} is not in the log of {} events it \
             was given with",
            held.size
        ));
    }
    match report.leaves.iter().find(|(s, _)| *s == seq) {
        Some((_, l)) if l.to_hex().eq_ignore_ascii_case(leaf.trim()) => Ok(format!(
            "the receipt's entry is event {seq} of the bundle, unchanged, and the log of {} \
             events it was given with grew into the bundle's log of {}",
            held.size, report.tree_size
        )),
        Some(_) => Err(format!(
            "event {seq} in the bundle is not the entry the receipt names: it was changed"
        )),
        None => Err(format!(
            "event {seq}, which the receipt names, is not in this bundle"
        )),
    }
}
