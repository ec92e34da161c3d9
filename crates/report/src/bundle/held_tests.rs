//! Receipts linked into the bundle: checked by both verifiers, and a checkpoint or
//! receipt the reader holds checked against them.

use super::tests::bundle_with;
use super::*;
use boundary_ledger::MemoryTree;

/// The checkpoint after event 1 and after event 3 (where case 1's entries were given
/// their receipts), each with the proof that the log of 6 grew from it; with `rewrite`,
/// the second is signed over a root the log never had.
fn receipts(rewrite: bool) -> impl Fn(&MemoryTree, &LogSigner) -> Vec<BundleReceipt> {
    move |tree, signer| {
        [1u64, 3]
            .iter()
            .map(|&size| {
                let root = if rewrite && size == 3 {
                    tree.root(2).unwrap()
                } else {
                    tree.root(size).unwrap()
                };
                BundleReceipt {
                    checkpoint: signer.sign_checkpoint(size, &root),
                    tree_size: size,
                    consistency: tree.consistency(6, size).unwrap(),
                }
            })
            .collect()
    }
}

/// What the independent Python verifier says of a bundle: its exit status and output.
pub(super) fn python_verdict(bytes: &[u8], args: &[&str]) -> (i32, String) {
    use sha2::{Digest, Sha256};
    // Named by content: tests run at once must not share a file.
    let name = format!("boundary-held-{}.zip", hex::encode(Sha256::digest(bytes)));
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/verifier/verify_bundle.py"
    );
    let o = std::process::Command::new("python3")
        .args([script, path.to_str().unwrap()])
        .args(args)
        .output()
        .expect("python3");
    let _ = std::fs::remove_file(&path);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn receipt_checkpoints_the_log_grew_from_verify_in_both_verifiers() {
    let good = bundle_with(false, receipts(false));
    let r = verify(&good, &Trust::default()).unwrap();
    assert_eq!(
        r.linked.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        [6, 1, 3]
    );
    let vkey = LogSigner::from_seed(&[9; 32]).verifier().vkey();
    let (code, said) = python_verdict(&good, &["--vkey", &vkey]);
    assert!(
        code == 0 && said.contains("each of the 2 checkpoints"),
        "{said}"
    );
    // Without a key the reader holds, it checks out but its origin is not established.
    let (code, said) = python_verdict(&good, &[]);
    assert_eq!(code, 3, "{said}");
    assert!(said.starts_with("origin not established"), "{said}");
    assert!(said.contains(&format!("key: {vkey}\n")), "{said}");
}

#[test]
fn a_history_rewritten_under_the_same_key_is_caught_by_both_verifiers() {
    // The log's key signs everything here: only the consistency proof can tell.
    let rewritten = bundle_with(false, receipts(true));
    let why = verify(&rewritten, &Trust::default()).unwrap_err();
    assert!(
        why.contains("did not grow from the receipt checkpoint of 3 events"),
        "{why}"
    );
    let (code, said) = python_verdict(&rewritten, &[]);
    assert!(
        code == 1 && said.contains("did not grow from the receipt checkpoint of 3"),
        "{said}"
    );
}

#[test]
fn a_held_receipt_or_checkpoint_is_checked_against_the_bundle() {
    let signer = LogSigner::from_seed(&[9; 32]);
    let r = verify(&bundle_with(false, receipts(false)), &Trust::default()).unwrap();
    // The receipt for event 3, given with the checkpoint after it.
    let (_, leaf3) = *r.leaves.iter().find(|(s, _)| *s == 3).unwrap();
    let (_, at3) = *r.linked.iter().find(|(s, _)| *s == 3).unwrap();
    let note = signer.sign_checkpoint(3, &at3);
    let said = check_held(&r, &note, Some((3, &leaf3.to_hex()))).unwrap();
    assert!(said.contains("event 3 of the bundle, unchanged"), "{said}");
    assert!(check_held(&r, &note, None)
        .unwrap()
        .contains("grew, unchanged"));
    // The same receipt with another leaf hash: the entry was changed.
    let other = "ab".repeat(32);
    let why = check_held(&r, &note, Some((3, &other))).unwrap_err();
    assert!(why.contains("was changed"), "{why}");
    // A checkpoint the bundle carries no proof for (a log of 4) says nothing either way;
    // one of a linked size with another root is a rewrite; a newer one is newer.
    let unlinked = signer.sign_checkpoint(4, &leaf3);
    let why = check_held(&r, &unlinked, None).unwrap_err();
    assert!(why.contains("says nothing either way"), "{why}");
    let rewritten = signer.sign_checkpoint(3, &leaf3);
    let why = check_held(&r, &rewritten, None).unwrap_err();
    assert!(why.contains("the log was rewritten"), "{why}");
    let newer = signer.sign_checkpoint(7, &leaf3);
    assert!(check_held(&r, &newer, None).unwrap_err().contains("newer"));
    // A receipt naming an event its own checkpoint does not hold.
    let why = check_held(&r, &note, Some((5, &leaf3.to_hex()))).unwrap_err();
    assert!(why.contains("does not hang together"), "{why}");
    let stranger = LogSigner::from_seed(&[7; 32]).sign_checkpoint(3, &at3);
    let why = check_held(&r, &stranger, None).unwrap_err();
    assert!(why.contains("not signed by this log's key"), "{why}");
}
