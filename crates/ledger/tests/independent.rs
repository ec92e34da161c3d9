//! Our tree, proofs and notes checked against independent implementations: Cloudflare's
//! `tlog_tiles` (a port of Go's checksum-database tlog) and `signed_note`, both used
//! only here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use boundary_ledger::tree::{append_needs, stored_hash_count};
use boundary_ledger::{
    leaf_hash, root, verify_consistency, verify_inclusion, Hash, LogSigner, LogVerifier, MemoryTree,
};
use proptest::prelude::*;
use tlog_tiles::tlog;

struct Theirs(Vec<tlog::Hash>);

impl tlog::HashReader for Theirs {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>, tlog::Error> {
        Ok(indexes.iter().map(|&i| self.0[i as usize]).collect())
    }
}

fn ours(h: tlog::Hash) -> Hash {
    Hash(h.0)
}

fn theirs(h: Hash) -> tlog::Hash {
    tlog::Hash(h.0)
}

/// Both trees, built leaf by leaf from the same records.
fn build(n: u64) -> (MemoryTree, Theirs, Vec<Hash>) {
    let mut mine = MemoryTree::new();
    let mut other = Theirs(Vec::new());
    let mut leaves = Vec::new();
    for i in 0..n {
        let data = format!("event {i}");
        let leaf = leaf_hash(data.as_bytes());
        assert_eq!(leaf, ours(tlog::record_hash(data.as_bytes())));
        let new_mine = mine.push(leaf).to_vec();
        let new_theirs = tlog::stored_hashes_for_record_hash(i, theirs(leaf), &other).unwrap();
        assert_eq!(
            new_mine,
            new_theirs.iter().copied().map(ours).collect::<Vec<_>>(),
            "stored hashes for leaf {i}"
        );
        other.0.extend(new_theirs);
        assert_eq!(other.0.len() as u64, stored_hash_count(i + 1));
        assert_eq!(append_needs(i).len() as u32, (i + 1).trailing_zeros());
        leaves.push(leaf);
    }
    (mine, other, leaves)
}

#[test]
fn every_size_to_2000_matches_the_independent_tree() {
    let (mine, other, leaves) = build(2000);
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |bound: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % bound
    };
    for size in 1..=2000u64 {
        let r = mine.root(size).unwrap();
        assert_eq!(
            r,
            ours(tlog::tree_hash(size, &other).unwrap()),
            "root of {size}"
        );
        if size <= 300 || size % 97 == 0 {
            assert_eq!(
                r,
                root(&leaves[..size as usize]),
                "root of {size} by the RFC's definition"
            );
        }
        let mut indexes = vec![0, size - 1];
        indexes.extend((0..3).map(|_| next(size)));
        for index in indexes {
            let p = mine.inclusion(size, index).unwrap();
            let q = tlog::prove_record(size, index, &other).unwrap();
            assert_eq!(
                p,
                q.iter().copied().map(ours).collect::<Vec<_>>(),
                "inclusion {index} in {size}"
            );
            let leaf = leaves[index as usize];
            verify_inclusion(index, size, &leaf, &p, &r).unwrap();
            tlog::check_record(&q, size, theirs(r), index, theirs(leaf)).unwrap();
            // A changed leaf, index or size fails.
            assert!(verify_inclusion(index, size, &leaf_hash(b"forged"), &p, &r).is_err());
            if size > 1 {
                assert!(verify_inclusion((index + 1) % size, size, &leaf, &p, &r).is_err());
            }
            // The size is bound through the root: this proof does not hold in the next tree.
            if size < 2000 {
                assert!(verify_inclusion(
                    index,
                    size + 1,
                    &leaf,
                    &p,
                    &mine.root(size + 1).unwrap()
                )
                .is_err());
            }
        }
        let mut froms = vec![1, size];
        froms.extend((0..3).map(|_| next(size) + 1));
        for from in froms {
            let old = mine.root(from).unwrap();
            let p = mine.consistency(size, from).unwrap();
            let q = tlog::prove_tree(size, from, &other).unwrap();
            assert_eq!(
                p,
                q.iter().copied().map(ours).collect::<Vec<_>>(),
                "consistency {from} to {size}"
            );
            verify_consistency(from, size, &old, &r, &p).unwrap();
            tlog::check_tree(&q, size, theirs(r), from, theirs(old)).unwrap();
            if from < size {
                assert!(verify_consistency(from, size, &leaf_hash(b"forged"), &r, &p).is_err());
                assert!(verify_consistency(from, size, &old, &leaf_hash(b"forged"), &p).is_err());
                if size < 2000 {
                    assert!(verify_consistency(
                        from,
                        size + 1,
                        &old,
                        &mine.root(size + 1).unwrap(),
                        &p
                    )
                    .is_err());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_pairs_prove_and_verify(size in 1u64..5000, a in any::<u64>(), b in any::<u64>()) {
        let (mine, _, leaves) = build(size);
        let r = mine.root(size).unwrap();
        let index = a % size;
        let p = mine.inclusion(size, index).unwrap();
        prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &p, &r).is_ok());
        let from = b % size + 1;
        let old = mine.root(from).unwrap();
        let c = mine.consistency(size, from).unwrap();
        prop_assert!(verify_consistency(from, size, &old, &r, &c).is_ok());
        if !p.is_empty() {
            let mut bad = p.clone();
            bad[0].0[0] ^= 1;
            prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &bad, &r).is_err());
        }
    }
}

#[test]
fn our_signed_checkpoints_open_with_the_independent_signed_note() {
    let signer = LogSigner::from_seed(&[7; 32]);
    let root = leaf_hash(b"x");
    let note = signer.sign_checkpoint(42, &root);
    let vkey = signer.verifier().vkey();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    assert_eq!(
        vkey,
        signed_note::new_ed25519_verifier_key(signer.name(), &key)
    );

    let verifier = signed_note::StandardVerifier::new(&vkey).unwrap();
    let list = signed_note::VerifierList::new(vec![Box::new(verifier.clone())]);
    let parsed = signed_note::Note::from_bytes(note.as_bytes()).unwrap();
    let (verified, unverified) = parsed.verify(&list).unwrap();
    assert_eq!((verified.len(), unverified.len()), (1, 0));

    let forged = note.replacen("\n42\n", "\n43\n", 1);
    let parsed = signed_note::Note::from_bytes(forged.as_bytes()).unwrap();
    assert!(parsed.verify(&list).is_err());

    let ours = LogVerifier::from_vkey(&vkey).unwrap();
    let c = ours.open_checkpoint(&note).unwrap();
    assert_eq!(
        (c.size, c.root, c.origin.as_str()),
        (42, root, signer.name())
    );
    assert!(ours.open_checkpoint(&forged).is_err());
    let other = LogSigner::from_seed(&[8; 32]).verifier();
    assert!(
        other.open_checkpoint(&note).is_err(),
        "another log's key does not open it"
    );
}

#[test]
fn the_checkpoint_text_is_frozen() {
    let signer = LogSigner::from_seed(&[7; 32]);
    let note = signer.sign_checkpoint(3, &Hash([0; 32]));
    let (text, sig) = note.split_once("\n\n").unwrap();
    assert_eq!(
        text,
        format!(
            "{}\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            signer.name()
        )
    );
    assert!(sig.starts_with(&format!("\u{2014} {} ", signer.name())));
    assert!(signer.name().starts_with("boundary/") && signer.name().len() == "boundary/".len() + 8);
}
