//! A process's claim on its deployment, so that `keys rotate` never runs while another
//! process holds the master key it retires: such a process would go on wrapping new case
//! keys under the old key, and the deployment would end with some keys under each.
//!
//! Every process claims shared and holds its claim for as long as it runs; rotation
//! claims alone and is refused while any other claim stands (and, while it holds its
//! own, every other process is refused at start). A claim is the data folder's lock
//! (see `data_folder::FolderLock`) and, on PostgreSQL, a session-level advisory lock on
//! the database, since servers with data folders of their own can share one database
//! and no lock file sees them all. PostgreSQL drops the lock when the session ends — a
//! server that crashes or loses its connection leaves nothing stale behind, which a
//! table of registered servers would (and would need expiry and heartbeats to clear).
//! On SQLite the database lives in the data folder, whose lock is the claim.

use crate::data_folder::FolderLock;
use crate::{Engine, Result, Store, StoreError};
use sqlx::{AnyConnection, Row};
use std::sync::{Arc, Mutex};

/// The advisory lock's two keys, "Boun" and "keys": its own pair, apart from the append
/// lock (a one-key lock, which PostgreSQL keeps in another key space).
const CLAIM_LOCK: (i32, i32) = (0x426f_756e, 0x6b65_7973);

/// Alongside others, or alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Shared,
    Exclusive,
}

/// What a claim holds; both are released when this is dropped (or the process ends).
pub(crate) struct Claimed {
    _folder: Option<FolderLock>,
    // A connection of its own, out of the pool, so that the session — and its lock —
    // lasts as long as the claim. Behind a mutex only to be shared between threads.
    _session: Option<Mutex<AnyConnection>>,
}

impl Store {
    /// Claims the deployment for this process: keeps `folder`'s lock and, on PostgreSQL,
    /// takes the database's claim lock, both for as long as this store or a clone of it
    /// lives. `who` names this process to others refused because of it.
    ///
    /// # Errors
    /// `InUse` naming whoever holds a claim that excludes this one; database errors.
    pub async fn claim(
        mut self,
        claim: Claim,
        folder: Option<FolderLock>,
        who: &str,
    ) -> Result<Self> {
        let session = match self.engine {
            Engine::Sqlite => None,
            Engine::Postgres => Some(Mutex::new(self.claim_database(claim, who).await?)),
        };
        self.claimed = Some(Arc::new(Claimed {
            _folder: folder,
            _session: session,
        }));
        Ok(self)
    }

    async fn claim_database(&self, claim: Claim, who: &str) -> Result<AnyConnection> {
        let mut conn = self.pool().acquire().await?.detach();
        // Shown in pg_stat_activity, which is how a refused process names this one.
        sqlx::query("SELECT set_config('application_name', $1, false) AS name")
            .bind(who)
            .fetch_one(&mut conn)
            .await?;
        let take = match claim {
            Claim::Shared => "SELECT pg_try_advisory_lock_shared($1, $2) AS got",
            Claim::Exclusive => "SELECT pg_try_advisory_lock($1, $2) AS got",
        };
        let got: bool = sqlx::query(take)
            .bind(CLAIM_LOCK.0)
            .bind(CLAIM_LOCK.1)
            .fetch_one(&mut conn)
            .await?
            .try_get("got")?;
        if got {
            return Ok(conn);
        }
        let rows = sqlx::query(
            "SELECT coalesce(nullif(a.application_name, ''), 'another process') || ' from ' || \
                    coalesce(host(a.client_addr), 'this machine') AS who \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 \
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND l.classid::bigint = $1 AND l.objid::bigint = $2 \
             ORDER BY 1",
        )
        .bind(i64::from(CLAIM_LOCK.0))
        .bind(i64::from(CLAIM_LOCK.1))
        .fetch_all(&mut conn)
        .await?;
        let holders: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("who").ok())
            .collect();
        Err(StoreError::InUse(if holders.is_empty() {
            "another Boundary process".into()
        } else {
            holders.join(", ")
        }))
    }
}
