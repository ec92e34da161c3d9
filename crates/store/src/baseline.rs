//! The comparison `boundary bench` measures the log against: a bare SQLite insert of a
//! row of the same size, one transaction each, with the same durability settings
//! (WAL, `synchronous=FULL`) as the store uses.

use crate::Result;
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::path::Path;
use std::time::{Duration, Instant};

/// Inserts `rows` rows of `size` bytes into a new database in `dir`, each committed on
/// its own, and returns how long that took.
///
/// # Errors
/// The database cannot be created or written.
pub async fn bare_sqlite_inserts(dir: &Path, rows: usize, size: usize) -> Result<Duration> {
    sqlx::any::install_default_drivers();
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
    let body = vec![0x5au8; size];
    let start = Instant::now();
    for i in 0..rows {
        sqlx::query("INSERT INTO rows (id, body) VALUES ($1, $2)")
            .bind(i64::try_from(i).unwrap_or(i64::MAX))
            .bind(body.clone())
            .execute(&pool)
            .await?;
    }
    let took = start.elapsed();
    pool.close().await;
    Ok(took)
}
