//! The comparison `boundary bench` measures the log against: a bare SQLite insert of a
//! row of the same size, one transaction each, with the same durability settings
//! (WAL, `synchronous=FULL`) as the store uses.

use crate::Result;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::{Duration, Instant};

pub struct BareSqlite {
    pool: AnyPool,
    next: i64,
}

impl BareSqlite {
    /// A new database in `dir` with one table of id and blob.
    ///
    /// # Errors
    /// The database cannot be created.
    pub async fn create(dir: &Path) -> Result<Self> {
        sqlx::any::install_default_drivers();
        std::fs::create_dir_all(dir)?;
        let url = format!("sqlite://{}?mode=rwc", dir.join("baseline.db").display());
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::query("CREATE TABLE rows (id BIGINT PRIMARY KEY, body BLOB NOT NULL)")
            .execute(&pool)
            .await?;
        Ok(Self { pool, next: 0 })
    }

    /// Inserts `rows` rows of `size` bytes, each committed on its own; returns the time taken.
    ///
    /// # Errors
    /// A write fails.
    pub async fn insert(&mut self, rows: usize, size: usize) -> Result<Duration> {
        let body = vec![0x5au8; size];
        let start = Instant::now();
        for _ in 0..rows {
            self.next += 1;
            sqlx::query("INSERT INTO rows (id, body) VALUES ($1, $2)")
                .bind(self.next)
                .bind(body.clone())
                .execute(&self.pool)
                .await?;
        }
        Ok(start.elapsed())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// For `boundary bench` only: writes stored tree hashes straight into `tree_hashes`,
/// bypassing the log, so that proofs can be timed on a large tree without appending a
/// million events first. Never called by the server.
///
/// # Errors
/// Database errors.
pub async fn load_tree_hashes(
    store: &crate::Store,
    hashes: &[boundary_ledger::Hash],
) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    for (chunk_no, chunk) in hashes.chunks(400).enumerate() {
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO tree_hashes (idx, hash) VALUES {}",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (i, h) in chunk.iter().enumerate() {
            q = q
                .bind(i64::try_from(chunk_no * 400 + i).unwrap_or(i64::MAX))
                .bind(h.0.to_vec());
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
