//! The log as outsiders check it: receipts, full verification (`boundary verify`), and
//! the check at start that the stored tree still matches the latest signed checkpoint.

use crate::{authorise, Actor, App, AppError, Result};
use boundary_domain::{EntryId, KeyId, Seq};
use boundary_ledger::tree::{split_stored_hash_index, stored_hash_count, stored_hash_index};
use boundary_ledger::{leaf_hash, Checkpoint, Hash, MemoryTree};
use boundary_store::{DataKey, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the person who logged an entry keeps outside Boundary (INTERFACES.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub seq: i64,
    pub leaf_index: u64,
    pub leaf_hash: String,
    /// The signed note of a checkpoint whose tree includes the entry.
    pub checkpoint: String,
}

/// The outcome of a full verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    pub checkpoints: u64,
    pub root: Hash,
    /// The first problem found, naming the event by its sequence number where it can.
    pub problem: Option<String>,
}

impl VerifyReport {
    #[must_use]
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }

    /// One line, as `boundary verify` prints it.
    #[must_use]
    pub fn summary(&self) -> String {
        match &self.problem {
            None => format!(
                "ok: {} events, tree size {}, root {}",
                self.events, self.events, self.root
            ),
            Some(p) => format!("FAILED: {p}"),
        }
    }
}

/// A problem: stop and report it.
struct Bad(String);

impl From<StoreError> for Bad {
    fn from(e: StoreError) -> Self {
        Bad(format!("the database could not be read: {e}"))
    }
}

fn hex_hash(s: &str) -> Option<Hash> {
    Hash::from_hex(s.trim()).ok()
}

impl App {
    /// A receipt for an entry the actor may see.
    ///
    /// # Errors
    /// `NotFound` for an entry the actor may not see.
    pub async fn receipt(&self, actor: &Actor, entry: EntryId) -> Result<Receipt> {
        let case = self.store.case_of_entry(entry).await?;
        let row = self.case(actor, case).await?;
        self.record_view(actor, &row, "receipt", Some(entry))
            .await?;
        let e = self
            .store
            .entries(&row)
            .await?
            .into_iter()
            .find(|e| e.id == entry)
            .ok_or(AppError::NotFound)?;
        self.receipt_for(e.seq).await
    }

    /// The receipt for event `seq`.
    ///
    /// # Errors
    /// `NotFound` if no checkpoint covers it yet.
    pub async fn receipt_for(&self, seq: Seq) -> Result<Receipt> {
        let checkpoint = self.store.checkpoint_covering(seq).await?;
        let leaf = self.store.tree_leaf(seq.leaf_index()).await?;
        Ok(Receipt {
            seq: seq.get(),
            leaf_index: seq.leaf_index(),
            leaf_hash: leaf.to_hex(),
            checkpoint: checkpoint.note,
        })
    }

    /// Recomputes every leaf from the stored, decrypted events and the tree from the
    /// leaves, compares them with the stored tree, checks every kept checkpoint's
    /// signature and root, and optionally a checkpoint or receipt held elsewhere.
    ///
    /// # Errors
    /// Only for failures to run at all; what verification finds is in the report.
    pub async fn verify_log(
        &self,
        against: Option<&str>,
        receipt: Option<&Receipt>,
    ) -> Result<VerifyReport> {
        let mut tree = MemoryTree::new();
        let mut checkpoints = 0;
        let problem = match self
            .verify_into(&mut tree, &mut checkpoints, against, receipt)
            .await
        {
            Ok(()) => None,
            Err(Bad(p)) => Some(p),
        };
        let root = tree.root(tree.size())?;
        Ok(VerifyReport {
            events: tree.size(),
            checkpoints,
            root,
            problem,
        })
    }

    /// [`Self::verify_log`], then a replay of the log compared with the tables pages read
    /// (replayed into a scratch database), so that a row edited behind Boundary's back —
    /// a recorded time, an owner, a correction moved to another entry — is found too.
    /// Nothing waits for it: it holds no append lock. One runs at a time in a deployment.
    ///
    /// # Errors
    /// `Conflict` while another verification runs; failures to run at all.
    pub async fn verify_all(
        &self,
        against: Option<&str>,
        receipt: Option<&Receipt>,
    ) -> Result<VerifyReport> {
        let _one_at_a_time = self.store.verification_lock().await?;
        let mut report = self.verify_log(against, receipt).await?;
        if report.ok() {
            report.problem = match self.store.check_projections().await {
                Ok(found) => found,
                Err(e) => Some(format!("the log could not be replayed: {e}")),
            };
        }
        Ok(report)
    }

    async fn verify_into(
        &self,
        tree: &mut MemoryTree,
        checkpoints: &mut u64,
        against: Option<&str>,
        receipt: Option<&Receipt>,
    ) -> Result<(), Bad> {
        // The log as of its latest checkpoint now: appends made while this runs belong to
        // the next verification, and must not look like tampering to this one.
        let bound = self.store.latest_checkpoint().await?.map_or(0, |c| c.size);
        self.verify_events(tree, bound).await?;
        self.verify_stored_tree(tree).await?;
        let n = tree.size();
        let verifier = self.store.signer().verifier();
        let tsa_cert = self
            .recorded_tsa_cert()
            .await
            .map_err(|e| Bad(e.to_string()))?;
        let mut last_good = 0u64;
        loop {
            let batch = self.store.checkpoints_from(last_good + 1, 1000).await?;
            if batch.is_empty() {
                break;
            }
            for c in batch.iter().take_while(|c| c.size <= bound) {
                let body = verifier
                    .open_checkpoint(&c.note)
                    .map_err(|e| Bad(format!("the checkpoint for tree size {} is not validly signed by this log's key: {e}", c.size)))?;
                if body.size != c.size || body.root != c.root {
                    return Err(Bad(format!(
                        "the checkpoint row for tree size {} holds a note for another tree",
                        c.size
                    )));
                }
                if c.size > n {
                    return Err(Bad(format!(
                        "event {}: missing — a checkpoint was signed for {} events but only {n} are stored (events {} to {} were removed)",
                        n + 1, c.size, n + 1, c.size
                    )));
                }
                if tree.root(c.size).ok() != Some(c.root) {
                    return Err(Bad(format!(
                        "event {}: the events up to {} do not match the checkpoint signed for that size — an event from {} to {} was changed, removed, inserted or reordered",
                        last_good + 1, c.size, last_good + 1, c.size
                    )));
                }
                if let Some(token) = &c.tsa_token {
                    let cert = tsa_cert.as_ref().ok_or_else(|| {
                        Bad(format!("the checkpoint for tree size {} has a trusted timestamp, but no TSA certificate is recorded to check it", c.size))
                    })?;
                    boundary_ledger::timestamp::verify(token, body.body().as_bytes(), cert).map_err(|e| {
                        Bad(format!("the trusted timestamp on the checkpoint for tree size {} does not check: {e}", c.size))
                    })?;
                }
                last_good = c.size;
                *checkpoints += 1;
            }
            if batch.last().is_some_and(|c| c.size > bound) {
                break;
            }
        }
        // Every commit signs a checkpoint in the same transaction, so an event beyond the
        // latest checkpoint was added behind Boundary's back. The events are counted before
        // the checkpoint is read, so an append in between cannot raise a false alarm.
        let stored = u64::try_from(self.store.event_count().await?).unwrap_or(0);
        let signed = self.store.latest_checkpoint().await?.map_or(0, |c| c.size);
        if last_good < n || stored > signed {
            let first = last_good.min(signed) + 1;
            return Err(Bad(format!(
                "event {first}: no checkpoint was ever signed for it (the latest covers {} events): events from {first} on were added behind Boundary's back",
                last_good.min(signed)
            )));
        }
        if let Some(note) = against {
            let c = verifier
                .open_checkpoint(note)
                .map_err(|e| Bad(format!("the checkpoint given is not this log's: {e}")))?;
            Self::check_held(tree, &c, "the checkpoint held elsewhere")?;
        }
        if let Some(r) = receipt {
            let c = verifier
                .open_checkpoint(&r.checkpoint)
                .map_err(|e| Bad(format!("the receipt's checkpoint is not this log's: {e}")))?;
            Self::check_held(tree, &c, "the receipt's checkpoint")?;
            let want = hex_hash(&r.leaf_hash)
                .ok_or_else(|| Bad("the receipt's leaf hash is not 64 hex digits".into()))?;
            if r.seq < 1 || r.leaf_index != r.seq.unsigned_abs() - 1 || r.leaf_index >= c.size {
                return Err(Bad("the receipt does not hang together: its sequence number, leaf index and checkpoint disagree".into()));
            }
            if tree.stored(stored_hash_index(0, r.leaf_index)) != Some(want) {
                return Err(Bad(format!("event {}: it is not the entry the receipt was given for — it was changed or replaced", r.seq)));
            }
        }
        Ok(())
    }

    fn check_held(tree: &MemoryTree, c: &Checkpoint, what: &str) -> Result<(), Bad> {
        let n = tree.size();
        if c.size > n {
            return Err(Bad(format!(
                "event {}: missing — {what} covers {} events but the log now has only {n}: events were removed, or the database was replaced by an older copy",
                n + 1, c.size
            )));
        }
        if tree.root(c.size).ok() != Some(c.root) {
            return Err(Bad(format!(
                "the log's first {} events differ from {what}: the history was rewritten",
                c.size
            )));
        }
        Ok(())
    }

    async fn verify_events(&self, tree: &mut MemoryTree, bound: u64) -> Result<(), Bad> {
        let mut keys: HashMap<KeyId, DataKey> = HashMap::new();
        let mut expected = Seq::first();
        loop {
            let batch = self.store.events_from(expected, 1000).await?;
            if batch.is_empty() {
                return Ok(());
            }
            for e in &batch {
                if e.seq.get().unsigned_abs() > bound {
                    return Ok(());
                }
                if e.seq != expected {
                    return Err(Bad(format!(
                        "event {expected}: missing — the log jumps from {} to {}",
                        expected.get() - 1,
                        e.seq
                    )));
                }
                let key = match keys.get(&e.key) {
                    Some(k) => k,
                    None => {
                        let k = self.store.data_key(e.key).await.map_err(|_| {
                            Bad(format!(
                                "event {}: its data key (its case's, or its register's) is missing or does not open",
                                e.seq
                            ))
                        })?;
                        keys.entry(e.key).or_insert(k)
                    }
                };
                let (_, bytes) = self.store.open_event(e, key).map_err(|err| match err {
                    StoreError::Crypto(_) => Bad(format!(
                        "event {}: its sealed content does not open — it was edited, or moved from another event",
                        e.seq
                    )),
                    other => Bad(format!("event {}: {other}", e.seq)),
                })?;
                let leaf = leaf_hash(&bytes);
                if leaf.0.as_slice() != e.leaf_hash.as_slice() {
                    return Err(Bad(format!("event {}: its stored leaf hash does not match its content — the event or its hash was edited", e.seq)));
                }
                tree.push(leaf);
                expected = expected.next();
            }
        }
    }

    /// The stored hashes of the verified events' tree must be exactly those recomputed.
    /// Hashes beyond them may belong to appends made since verification began.
    async fn verify_stored_tree(&self, tree: &MemoryTree) -> Result<(), Bad> {
        let n = tree.size();
        let count = stored_hash_count(n);
        let first_event = |idx: u64| {
            let (level, k) = split_stored_hash_index(idx);
            (k << level) + 1
        };
        // Stored hashes come back in index order and must be exactly 0..count.
        let mut expected = 0u64;
        while expected < count {
            let batch = self.store.tree_hashes_from(expected, 5000).await?;
            if batch.is_empty() {
                break;
            }
            for (idx, hash) in batch.iter().take_while(|(i, _)| *i < count) {
                if *idx != expected {
                    let missing = expected.min(count.saturating_sub(1));
                    return Err(Bad(format!(
                        "event {}: the stored Merkle tree is missing its hashes",
                        first_event(missing)
                    )));
                }
                match tree.stored(*idx) {
                    Some(h) if h.0.as_slice() == hash.as_slice() => {}
                    Some(_) => {
                        return Err(Bad(format!(
                            "event {}: the stored Merkle tree differs from the events from here on",
                            first_event(*idx)
                        )))
                    }
                    None => {
                        return Err(Bad(format!(
                            "event {}: the stored tree holds hashes for events that are not stored ({n} are)",
                            first_event(*idx)
                        )))
                    }
                }
                expected += 1;
            }
        }
        if expected < count {
            return Err(Bad(format!(
                "event {}: the stored Merkle tree is missing its hashes",
                first_event(expected)
            )));
        }
        Ok(())
    }

    /// At start: the stored tree must match the latest signed checkpoint, and no event
    /// may lie beyond it. Returns the reason if not; writes are then refused.
    ///
    /// # Errors
    /// Database errors.
    pub async fn check_ledger_at_start(&self) -> Result<Option<String>> {
        // Read checkpoint, events, checkpoint: with other servers appending, an honest log
        // always has first <= events <= second.
        let first = self.store.latest_checkpoint().await?;
        let events = u64::try_from(self.store.event_count().await?).unwrap_or(0);
        let second = self.store.latest_checkpoint().await?.map_or(0, |c| c.size);
        let reason = match first {
            None if events == 0 => None,
            None => Some(format!(
                "the log holds {events} events but no signed checkpoint"
            )),
            Some(c) => {
                let verifier = self.store.signer().verifier();
                match verifier.open_checkpoint(&c.note) {
                    Err(e) => Some(format!("the latest checkpoint is not signed by this server's log key ({e}); is signing.key the right one?")),
                    Ok(body) if events < body.size || events > second => Some(format!(
                        "the latest checkpoint covers {} events but {events} are stored",
                        body.size
                    )),
                    Ok(body) => match self.store.tree_root(body.size).await {
                        Ok(root) if root == body.root => None,
                        _ => Some(format!("the stored tree does not match the checkpoint signed for {} events", body.size)),
                    },
                }
            }
        };
        if let Some(r) = &reason {
            tracing::error!(reason = %r, "the ledger does not match its latest checkpoint: refusing to record anything until this is resolved; run `boundary verify`");
        }
        self.set_writes_blocked(reason.clone());
        Ok(reason)
    }
}

/// What the ledger page shows.
#[derive(Debug, Clone)]
pub struct LedgerStatus {
    pub tree_size: u64,
    pub checkpoint: Option<String>,
    pub checkpoint_at: Option<String>,
    pub vkey: String,
    /// When the last full verification ran, whether it passed, and what it said.
    pub last_verification: Option<(String, bool, String)>,
    pub writes_blocked: Option<String>,
    pub tsa: crate::timestamping::TsaState,
    /// The largest tree size with a trusted timestamp.
    pub timestamped_size: Option<u64>,
}

impl App {
    /// The ledger's health, for auditors and admins.
    ///
    /// # Errors
    /// `NotFound` for anyone else.
    pub async fn ledger_status(&self, actor: &Actor) -> Result<LedgerStatus> {
        authorise::see_ledger(actor)?;
        let latest = self.store.latest_checkpoint().await?;
        Ok(LedgerStatus {
            tree_size: latest.as_ref().map_or(0, |c| c.size),
            checkpoint_at: latest.as_ref().map(|c| c.created_at.clone()),
            checkpoint: latest.map(|c| c.note),
            vkey: self.store.signer().verifier().vkey(),
            last_verification: self.store.last_verification().await?,
            writes_blocked: self.writes_blocked(),
            tsa: self.tsa_state(),
            timestamped_size: self.store.last_timestamped_size().await?,
        })
    }
}
