//! The ledger's figures: verifying a log of a million events (leaf hashing plus the
//! tree) beside raw SHA-256 over the same bytes, and producing an inclusion proof at a
//! million leaves, in memory and from the stored tree in SQLite.

use boundary_ledger::{leaf_hash, MemoryTree};
use boundary_store::{DatabaseUrl, LogSigner, MasterKey, Store};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::time::Instant;

/// A canonical event of typical size (about 700 bytes), different for every `i`.
fn event_bytes(i: u64, buf: &mut Vec<u8>) {
    buf.clear();
    buf.extend_from_slice(br#"{"actor":"02020202-0202-4202-8202-020202020202","body":{"contact":{"channel":"text_message","occurred":{"approximate":false,"at":"2026-11-27T22:00:00.250000Z"},"platform":"WhatsApp","what_happened":"Sent a long message late at night saying they had been thinking about me all week, that they know I feel the same, that they saw my car outside the surgery and waited, and asking to meet for a drink after my Thursday clinic. Said they would keep trying until I answered. Number "#);
    buf.extend_from_slice(i.to_string().as_bytes());
    buf.extend_from_slice(br#"."},"entry":"04040404-0404-4404-8404-040404040404"},"case":"01010101-0101-4101-8101-010101010101","recorded_at":"2026-11-27T22:00:00.250000Z","salt":"abababababababababababababababab","type":"entry_logged","v":1}"#);
}

pub(crate) async fn run(events: u64) -> anyhow::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let mut bytes_total = 0u64;

    let start = Instant::now();
    for i in 0..events {
        event_bytes(i, &mut buf);
        bytes_total += buf.len() as u64;
        black_box(Sha256::digest(&buf));
    }
    let raw = start.elapsed();

    let start = Instant::now();
    let mut tree = MemoryTree::new();
    for i in 0..events {
        event_bytes(i, &mut buf);
        tree.push(leaf_hash(&buf));
    }
    let root = tree.root(events)?;
    let verify = start.elapsed();
    black_box(root);

    println!(
        "Verify a log of {events} events ({} MB of canonical events):",
        bytes_total / 1_000_000
    );
    println!(
        "  raw SHA-256 over the same bytes:  {:>8.3} s",
        raw.as_secs_f64()
    );
    println!(
        "  leaf hashes plus Merkle tree:     {:>8.3} s  ratio {:.2}x  (goal: at most 2x, i.e. at least half as fast)",
        verify.as_secs_f64(),
        verify.as_secs_f64() / raw.as_secs_f64()
    );

    let proofs = 10_000u64;
    let start = Instant::now();
    for k in 0..proofs {
        black_box(tree.inclusion(events, (k * 7919) % events)?);
    }
    let in_memory = start.elapsed().as_secs_f64() * 1e6 / proofs as f64;

    let dir = tempfile::tempdir()?;
    let store = Store::open(
        &DatabaseUrl::sqlite_in(dir.path()),
        MasterKey::generate(),
        LogSigner::from_seed(&[3; 32]),
    )
    .await?;
    boundary_store::baseline::load_tree_hashes(&store, tree.stored_hashes()).await?;
    let stored_proofs = 1_000u64;
    let start = Instant::now();
    for k in 0..stored_proofs {
        black_box(store.inclusion_proof(events, (k * 7919) % events).await?);
    }
    let from_store = start.elapsed().as_secs_f64() * 1e6 / stored_proofs as f64;
    println!("Inclusion proof at {events} leaves:");
    println!("  from the tree in memory:          {in_memory:>8.1} µs");
    println!("  from the stored tree (SQLite):    {from_store:>8.1} µs  (one query for ~{} stored hashes)", boundary_ledger::tree::inclusion_needs(events, events / 3)?.len());
    store.close().await;
    Ok(())
}
