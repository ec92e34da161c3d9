//! The append-only event log. An append is one transaction: take the write lock, read
//! the next sequence number, seal the canonical event under its case key, store it with
//! its leaf hash, update the projections, commit. Nothing else writes the `events` table.

use crate::crypto::{ad, DataKey, MasterKey};
use crate::{get_id, projections, Engine, Result, Store, StoreError};
use boundary_domain::{CaseId, Event, KeyId, Seq, Timestamp};
use boundary_ledger::{leaf_hash, Hash};
use sqlx::{Any, Row, Transaction};
use std::collections::hash_map::{Entry, HashMap};

/// Any constant will do; it names Boundary's append lock among other advisory locks.
const APPEND_LOCK_KEY: i64 = 0x426f_756e_6461_7279; // "Boundary"

/// A write transaction holding the append lock.
pub struct WriteTx<'s> {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) store: &'s Store,
    /// The last event appended in this transaction: its checkpoint is signed at commit.
    last: Option<(Seq, Timestamp)>,
    /// The tree's frontier after the last append in this transaction.
    frontier: Option<Vec<boundary_ledger::Hash>>,
    _local: Option<tokio::sync::MutexGuard<'s, ()>>,
}

/// What the person who appended an event may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub seq: Seq,
    pub leaf_hash: Hash,
    pub recorded_at: Timestamp,
}

/// An event as stored: sealed, with its leaf hash.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: Seq,
    pub case: Option<CaseId>,
    pub key: KeyId,
    pub event_type: String,
    pub sealed: Vec<u8>,
    pub leaf_hash: Vec<u8>,
}

/// What a sealed event is bound to: its case and place in the log, or — for a register
/// event, which has no case — its register's key and place in the log.
pub(crate) fn event_ad(case: Option<&CaseId>, key: &KeyId, seq: Seq) -> Vec<u8> {
    match case {
        Some(case) => ad("event", case, seq.get()),
        None => ad("register-event", key, seq.get()),
    }
}

/// Stores a wrapped data key only while its master key is the one the database names:
/// a process still holding a key that `keys rotate` retired (one that lost its claim, say)
/// must not wrap new keys under it, or neither key would open everything afterwards.
pub(crate) const INSERT_DATA_KEY: &str =
    "INSERT INTO data_keys (id, wrapped, master_key_id, created_at) \
     SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
     (SELECT 1 FROM settings WHERE name = 'master_key_id' AND value <> $3)";

/// What a refused [`INSERT_DATA_KEY`] means.
pub(crate) fn refuse_retired_key(rows: u64) -> Result<()> {
    if rows == 1 {
        return Ok(());
    }
    Err(StoreError::WrongKey(
        "the master key was rotated while this process was running; start it again with the new master.key".into(),
    ))
}

pub(crate) fn key_ad(id: &KeyId) -> Vec<u8> {
    format!("boundary/data-key/v1|{id}").into_bytes()
}

impl Store {
    /// Begins a transaction that may append events.
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin_write(&self) -> Result<WriteTx<'_>> {
        let local = match self.engine {
            Engine::Sqlite => Some(self.local_writer.lock().await),
            Engine::Postgres => None,
        };
        let tx = match self.engine {
            // IMMEDIATE takes SQLite's write lock before anything is read, so the sequence
            // number read next cannot go stale, even with another process on the file.
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS l")
                    .bind(APPEND_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        Ok(WriteTx {
            tx,
            store: self,
            last: None,
            frontier: None,
            _local: local,
        })
    }

    /// Re-wraps every case's data key under `new`, in one transaction that also holds the
    /// append lock, so no case key is made under the old master key meanwhile, and records
    /// `new` as the database's master key. The case keys themselves, and so every sealed
    /// value, are unchanged. Returns how many. `new` must be safely stored before this is
    /// called: once it commits, nothing else opens the data.
    ///
    /// # Errors
    /// A data key that does not unwrap under the current master key; nothing changes then.
    pub async fn rewrap_data_keys(&self, new: &MasterKey) -> Result<usize> {
        let mut w = self.begin_write().await?;
        let rows = sqlx::query("SELECT id, wrapped FROM data_keys")
            .fetch_all(&mut *w.tx)
            .await?;
        for r in &rows {
            let id: KeyId = get_id(r, "id")?;
            let wrapped: Vec<u8> = r.try_get("wrapped")?;
            let key = self.master().unwrap_key(&wrapped, &key_ad(&id))?;
            sqlx::query("UPDATE data_keys SET wrapped = $1, master_key_id = $2 WHERE id = $3")
                .bind(new.wrap(&key, &key_ad(&id))?)
                .bind(new.id())
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
        }
        // In the same transaction: the database names its key whether or not it has any
        // data keys, which is how a start after an interrupted rotation picks the key.
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        )
        .bind(crate::MASTER_KEY_ID_SETTING)
        .bind(new.id())
        .execute(&mut *w.tx)
        .await?;
        w.tx.commit().await?;
        Ok(rows.len())
    }

    /// Unwraps a data key outside a write transaction, for reading.
    ///
    /// # Errors
    /// `NotFound`, or the key does not unwrap under this master key.
    pub async fn data_key(&self, id: KeyId) -> Result<DataKey> {
        let row = sqlx::query("SELECT wrapped FROM data_keys WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let wrapped: Vec<u8> = row.try_get("wrapped")?;
        self.unwrap_data_key(id, &wrapped)
    }

    pub(crate) fn unwrap_data_key(&self, id: KeyId, wrapped: &[u8]) -> Result<DataKey> {
        Ok(self.master().unwrap_key(wrapped, &key_ad(&id))?)
    }

    /// Every stored event from `from` on, in sequence order, at most `limit` of them.
    ///
    /// # Errors
    /// Database errors.
    pub async fn events_from(&self, from: Seq, limit: i64) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT seq, case_id, key_id, event_type, sealed, leaf_hash FROM events \
             WHERE seq >= $1 ORDER BY seq LIMIT $2",
        )
        .bind(from.get())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored_event).collect()
    }

    /// Every event of one case up to `last`, in sequence order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn case_events(&self, case: CaseId, last: Seq) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT seq, case_id, key_id, event_type, sealed, leaf_hash FROM events \
             WHERE case_id = $1 AND seq <= $2 ORDER BY seq",
        )
        .bind(case.to_string())
        .bind(last.get())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored_event).collect()
    }

    /// Opens a stored event with its case key.
    ///
    /// # Errors
    /// The sealed bytes do not open, or are not a canonical event.
    pub fn open_event(&self, e: &StoredEvent, key: &DataKey) -> Result<(Event, Vec<u8>)> {
        let bytes = key.open(&e.sealed, &event_ad(e.case.as_ref(), &e.key, e.seq))?;
        let event = Event::from_canonical_bytes(&bytes)
            // Not the parser's message: it could quote the decrypted event.
            .map_err(|_| StoreError::Corrupt(format!("event {}: not a canonical event", e.seq)))?;
        Ok((event, bytes))
    }

    /// How many events the log holds.
    ///
    /// # Errors
    /// Database errors.
    pub async fn event_count(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM events")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }
}

pub(crate) fn stored_event(r: &sqlx::any::AnyRow) -> Result<StoredEvent> {
    let case: Option<String> = r.try_get("case_id")?;
    Ok(StoredEvent {
        seq: Seq::new(r.try_get("seq")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        case: case
            .map(|c| c.parse())
            .transpose()
            .map_err(|_| StoreError::Corrupt("case_id is not an id".into()))?,
        key: get_id(r, "key_id")?,
        event_type: r.try_get("event_type")?,
        sealed: r.try_get("sealed")?,
        leaf_hash: r.try_get("leaf_hash")?,
    })
}

impl WriteTx<'_> {
    /// Creates and stores a new data key, wrapped under the master key.
    ///
    /// # Errors
    /// Database errors.
    pub async fn new_data_key(&mut self, id: KeyId, at: Timestamp) -> Result<DataKey> {
        let key = DataKey::generate();
        let wrapped = self.store.master().wrap(&key, &key_ad(&id))?;
        let stored = sqlx::query(INSERT_DATA_KEY)
            .bind(id.to_string())
            .bind(wrapped)
            .bind(self.store.master().id())
            .bind(at.to_string())
            .execute(&mut *self.tx)
            .await?;
        refuse_retired_key(stored.rows_affected())?;
        Ok(key)
    }

    /// Appends one event and applies it to the projections.
    ///
    /// # Errors
    /// Database errors, or an event the projections cannot apply (for example, an entry
    /// for a case that does not exist).
    pub async fn append(
        &mut self,
        key_id: KeyId,
        key: &DataKey,
        event: &Event,
    ) -> Result<Appended> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS last FROM events")
            .fetch_one(&mut *self.tx)
            .await?;
        let last: i64 = row.try_get("last")?;
        let seq = Seq::new(last + 1).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let bytes = event
            .canonical_bytes()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let hash = leaf_hash(&bytes);
        let sealed = key.seal(&bytes, &event_ad(event.case.as_ref(), &key_id, seq))?;
        sqlx::query(
            "INSERT INTO events (seq, case_id, key_id, event_type, recorded_at, sealed, leaf_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(seq.get())
        .bind(event.case.map(|c| c.to_string()))
        .bind(key_id.to_string())
        .bind(event.body.type_name())
        .bind(event.recorded_at.to_string())
        .bind(sealed)
        .bind(hash.0.to_vec())
        .execute(&mut *self.tx)
        .await?;
        let mut frontier = match self.frontier.take() {
            Some(f) => f,
            None => crate::ledger::frontier(&mut self.tx, self.store, seq.leaf_index()).await?,
        };
        crate::ledger::append_leaf(&mut self.tx, seq, hash, &mut frontier).await?;
        self.frontier = Some(frontier);
        projections::apply(&mut self.tx, seq, key_id, key, event).await?;
        self.last = Some((seq, event.recorded_at));
        Ok(Appended {
            seq,
            leaf_hash: hash,
            recorded_at: event.recorded_at,
        })
    }

    /// Signs a checkpoint for the tree as it now stands and commits both together, so
    /// that every committed tree size has a signed checkpoint. Returns it, if anything
    /// was appended.
    ///
    /// # Errors
    /// Database errors; on error nothing of the transaction is kept.
    pub async fn commit(mut self) -> Result<Option<crate::ledger::StoredCheckpoint>> {
        let checkpoint = match (self.last, &self.frontier) {
            (Some((seq, at)), Some(frontier)) => Some(
                crate::ledger::checkpoint(
                    &mut self.tx,
                    self.store,
                    seq.leaf_index() + 1,
                    frontier,
                    at,
                )
                .await?,
            ),
            _ => None,
        };
        self.tx.commit().await?;
        if let (Some(c), Some(frontier)) = (&checkpoint, self.frontier.take()) {
            self.store.cache_frontier(c.size, frontier);
        }
        Ok(checkpoint)
    }
}

impl Store {
    /// Empties every projection and replays every event into them, in one transaction.
    /// Returns how many events were replayed.
    ///
    /// # Errors
    /// An event that does not open or apply; nothing is changed then.
    pub async fn rebuild_projections(&self) -> Result<i64> {
        let mut w = self.begin_write().await?;
        let n = self.replay(&mut w).await?;
        w.commit().await?;
        Ok(n)
    }

    async fn replay(&self, w: &mut WriteTx<'_>) -> Result<i64> {
        projections::clear(&mut w.tx).await?;
        let mut keys: HashMap<KeyId, DataKey> = HashMap::new();
        let mut next = Seq::first();
        let mut n = 0;
        loop {
            let batch = self.events_from(next, 1000).await?;
            let Some(last) = batch.last() else { break };
            next = last.seq.next();
            for stored in &batch {
                let key = match keys.entry(stored.key) {
                    Entry::Occupied(o) => o.into_mut(),
                    Entry::Vacant(v) => v.insert(self.data_key(stored.key).await?),
                };
                let (event, _) = self.open_event(stored, key)?;
                projections::apply(&mut w.tx, stored.seq, stored.key, key, &event).await?;
                n += 1;
            }
        }
        Ok(n)
    }
}
