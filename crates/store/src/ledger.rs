//! The ledger's storage: the Merkle tree's stored hashes, signed checkpoints, and the
//! reads behind proofs and receipts. The math is `boundary-ledger`'s; this module only
//! fetches and keeps hashes.

use crate::{Result, Store, StoreError};
use boundary_domain::{Seq, Timestamp};
use boundary_ledger::tree::{self, stored_hash_index};
use boundary_ledger::{Checkpoint, Hash};
use sqlx::{Any, Executor, Row, Transaction};

/// A kept checkpoint: the signed note and what it says.
#[derive(Debug, Clone)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub root: Hash,
    pub note: String,
    pub created_at: String,
    /// An RFC 3161 token over the checkpoint's body, if a TSA stamped it.
    pub tsa_token: Option<Vec<u8>>,
    /// The time the TSA gave, as text.
    pub tsa_time: Option<String>,
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt("tree index beyond i64".into()))
}

/// Fetches stored hashes by index, in the order asked.
pub(crate) async fn read_hashes<'e, E>(exec: E, indexes: &[u64]) -> Result<Vec<Hash>>
where
    E: Executor<'e, Database = Any>,
{
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=indexes.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT idx, hash FROM tree_hashes WHERE idx IN ({})",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for &i in indexes {
        q = q.bind(to_i64(i)?);
    }
    let rows = q.fetch_all(exec).await?;
    let mut found = std::collections::HashMap::with_capacity(rows.len());
    for r in &rows {
        let idx: i64 = r.try_get("idx")?;
        let bytes: Vec<u8> = r.try_get("hash")?;
        found.insert(
            idx.unsigned_abs(),
            Hash::from_slice(&bytes)
                .map_err(|_| StoreError::Corrupt(format!("tree hash {idx}")))?,
        );
    }
    indexes
        .iter()
        .map(|i| {
            found.get(i).copied().ok_or_else(|| {
                StoreError::Corrupt(format!("the stored tree has no hash at index {i}"))
            })
        })
        .collect()
}

/// Adds leaf `seq` to the stored tree, inside the append's transaction.
/// The frontier of the tree of `size` leaves: from this process's cache if it is for
/// that size, else read from the stored tree.
pub(crate) async fn frontier(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    size: u64,
) -> Result<Vec<Hash>> {
    match store.cached_frontier(size) {
        Some(f) => Ok(f),
        None => read_hashes(&mut **tx, &tree::tree_hash_needs(size)).await,
    }
}

/// Adds leaf `seq` to the stored tree, inside the append's transaction, and moves the
/// frontier on.
pub(crate) async fn append_leaf(
    tx: &mut Transaction<'static, Any>,
    seq: Seq,
    leaf: Hash,
    frontier: &mut Vec<Hash>,
) -> Result<()> {
    let n = seq.leaf_index();
    let new = tree::append_to_frontier(n, leaf, frontier)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let start = stored_hash_index(0, n);
    let placeholders: Vec<String> = (0..new.len())
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO tree_hashes (idx, hash) VALUES {}",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (i, h) in new.iter().enumerate() {
        q = q.bind(to_i64(start + i as u64)?).bind(h.0.to_vec());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Signs and keeps a checkpoint for the tree of `size` leaves, inside the transaction.
pub(crate) async fn checkpoint(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    size: u64,
    frontier: &[Hash],
    at: Timestamp,
) -> Result<StoredCheckpoint> {
    let root = tree::tree_hash(size, frontier).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let note = store.signer().sign_checkpoint(size, &root);
    sqlx::query(
        "INSERT INTO checkpoints (tree_size, root, note, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(to_i64(size)?)
    .bind(root.0.to_vec())
    .bind(&note)
    .bind(at.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(StoredCheckpoint {
        size,
        root,
        note,
        created_at: at.to_string(),
        tsa_token: None,
        tsa_time: None,
    })
}

fn checkpoint_from_row(r: &sqlx::any::AnyRow) -> Result<StoredCheckpoint> {
    let size: i64 = r.try_get("tree_size")?;
    let root: Vec<u8> = r.try_get("root")?;
    Ok(StoredCheckpoint {
        size: size.unsigned_abs(),
        root: Hash::from_slice(&root)
            .map_err(|_| StoreError::Corrupt(format!("checkpoint {size} root")))?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        tsa_token: r.try_get("tsa_token")?,
        tsa_time: r.try_get("tsa_time")?,
    })
}

impl Store {
    /// The newest checkpoint, if anything has been logged.
    ///
    /// # Errors
    /// Database errors.
    pub async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        let r = sqlx::query("SELECT tree_size, root, note, created_at, tsa_token, tsa_time FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        r.as_ref().map(checkpoint_from_row).transpose()
    }

    /// The newest checkpoint a timestamping authority stamped, of at most `size` events.
    ///
    /// # Errors
    /// Database errors.
    pub async fn latest_timestamped(&self, size: u64) -> Result<Option<StoredCheckpoint>> {
        let r = sqlx::query(
            "SELECT tree_size, root, note, created_at, tsa_token, tsa_time FROM checkpoints \
             WHERE tsa_token IS NOT NULL AND tree_size <= $1 ORDER BY tree_size DESC LIMIT 1",
        )
        .bind(to_i64(size)?)
        .fetch_optional(self.pool())
        .await?;
        r.as_ref().map(checkpoint_from_row).transpose()
    }

    /// The first checkpoint whose tree includes event `seq`: the one to put on its receipt.
    ///
    /// # Errors
    /// `NotFound` when no checkpoint covers it.
    pub async fn checkpoint_covering(&self, seq: Seq) -> Result<StoredCheckpoint> {
        let r = sqlx::query(
            "SELECT tree_size, root, note, created_at, tsa_token, tsa_time FROM checkpoints WHERE tree_size >= $1 ORDER BY tree_size LIMIT 1",
        )
        .bind(seq.get())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        checkpoint_from_row(&r)
    }

    /// Every kept checkpoint, smallest tree first, from `from_size` on, at most `limit`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn checkpoints_from(
        &self,
        from_size: u64,
        limit: i64,
    ) -> Result<Vec<StoredCheckpoint>> {
        let rows = sqlx::query(
            "SELECT tree_size, root, note, created_at, tsa_token, tsa_time FROM checkpoints WHERE tree_size >= $1 ORDER BY tree_size LIMIT $2",
        )
        .bind(to_i64(from_size)?)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(checkpoint_from_row).collect()
    }

    /// The root of the stored tree of `size` leaves.
    ///
    /// # Errors
    /// Missing stored hashes.
    pub async fn tree_root(&self, size: u64) -> Result<Hash> {
        let hashes = read_hashes(self.pool(), &tree::tree_hash_needs(size)).await?;
        tree::tree_hash(size, &hashes).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// The leaf hash of leaf `index` as the stored tree holds it.
    ///
    /// # Errors
    /// Missing stored hashes.
    pub async fn tree_leaf(&self, index: u64) -> Result<Hash> {
        Ok(read_hashes(self.pool(), &[stored_hash_index(0, index)]).await?[0])
    }

    /// An inclusion proof for leaf `index` in the tree of `size` leaves.
    ///
    /// # Errors
    /// Out-of-range arguments, or missing stored hashes.
    pub async fn inclusion_proof(&self, size: u64, index: u64) -> Result<Vec<Hash>> {
        let needs = tree::inclusion_needs(size, index).map_err(|_| StoreError::NotFound)?;
        let hashes = read_hashes(self.pool(), &needs).await?;
        tree::inclusion_proof(size, index, &hashes).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// A consistency proof from the tree of `from` leaves to the tree of `size`.
    ///
    /// # Errors
    /// Out-of-range arguments, or missing stored hashes.
    pub async fn consistency_proof(&self, size: u64, from: u64) -> Result<Vec<Hash>> {
        let needs = tree::consistency_needs(size, from).map_err(|_| StoreError::NotFound)?;
        let hashes = read_hashes(self.pool(), &needs).await?;
        tree::consistency_proof(size, from, &hashes).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Stored tree hashes from index `from` on, in order, at most `limit`: for verification.
    ///
    /// # Errors
    /// Database errors.
    pub async fn tree_hashes_from(&self, from: u64, limit: i64) -> Result<Vec<(u64, Vec<u8>)>> {
        let rows =
            sqlx::query("SELECT idx, hash FROM tree_hashes WHERE idx >= $1 ORDER BY idx LIMIT $2")
                .bind(to_i64(from)?)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>("idx")?.unsigned_abs(),
                    r.try_get("hash")?,
                ))
            })
            .collect()
    }

    /// How many stored tree hashes there are.
    ///
    /// # Errors
    /// Database errors.
    pub async fn tree_hash_count(&self) -> Result<u64> {
        let r = sqlx::query("SELECT COUNT(*) AS n FROM tree_hashes")
            .fetch_one(self.pool())
            .await?;
        Ok(r.try_get::<i64, _>("n")?.unsigned_abs())
    }

    /// Keeps a TSA's token beside the checkpoint it stamps.
    ///
    /// # Errors
    /// `NotFound` for a checkpoint that does not exist.
    pub async fn store_timestamp(&self, size: u64, token: &[u8], time: &str) -> Result<()> {
        let r = sqlx::query(
            "UPDATE checkpoints SET tsa_token = $1, tsa_time = $2 WHERE tree_size = $3",
        )
        .bind(token.to_vec())
        .bind(time)
        .bind(to_i64(size)?)
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The largest tree size with a timestamp, if any.
    ///
    /// # Errors
    /// Database errors.
    pub async fn last_timestamped_size(&self) -> Result<Option<u64>> {
        let r =
            sqlx::query("SELECT MAX(tree_size) AS s FROM checkpoints WHERE tsa_token IS NOT NULL")
                .fetch_one(self.pool())
                .await?;
        Ok(r.try_get::<Option<i64>, _>("s")?.map(i64::unsigned_abs))
    }

    /// # Errors
    /// Database errors.
    pub async fn setting(&self, name: &str) -> Result<Option<String>> {
        let r = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        r.map(|r| r.try_get("value"))
            .transpose()
            .map_err(StoreError::from)
    }

    /// # Errors
    /// Database errors.
    pub async fn set_setting(&self, name: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        )
        .bind(name)
        .bind(value)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records the outcome of a full verification.
    ///
    /// # Errors
    /// Database errors.
    pub async fn record_verification(
        &self,
        at: Timestamp,
        ok: bool,
        events: i64,
        message: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO verifications (id, ran_at, ok, events, message) \
             SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4 FROM verifications",
        )
        .bind(at.to_string())
        .bind(i64::from(ok))
        .bind(events)
        .bind(message)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The latest verification: when, whether it passed, and what it said.
    ///
    /// # Errors
    /// Database errors.
    pub async fn last_verification(&self) -> Result<Option<(String, bool, String)>> {
        let r =
            sqlx::query("SELECT ran_at, ok, message FROM verifications ORDER BY id DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        r.map(|r| {
            Ok((
                r.try_get("ran_at")?,
                r.try_get::<i64, _>("ok")? != 0,
                r.try_get("message")?,
            ))
        })
        .transpose()
    }
}

/// What a checkpoint body says, for callers that hold only the store's types.
#[must_use]
pub fn parse_checkpoint(c: &StoredCheckpoint) -> Option<Checkpoint> {
    c.note
        .split_once("\n\n")
        .and_then(|(text, _)| Checkpoint::parse(&format!("{text}\n")).ok())
}
