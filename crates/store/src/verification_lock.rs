//! One full verification at a time across the deployment (issue 18, finding 7): it reads
//! the whole log and replays it, which is heavy, so a second one waits its turn by being
//! refused rather than doubling the load. On PostgreSQL a session-level advisory lock on a
//! connection of its own (released by PostgreSQL if the process dies); on SQLite an
//! advisory file lock beside the database file (released by the kernel likewise).

use crate::{Engine, Result, Store, StoreError};
use sqlx::{AnyConnection, Row};
use std::fs::{File, TryLockError};

/// The advisory lock's two keys, "Boun" and "veri", apart from the claim and append locks.
const VERIFY_LOCK: (i32, i32) = (0x426f_756e, 0x7665_7269);

/// Held while a verification runs; released when dropped.
pub struct VerificationLock {
    _file: Option<File>,
    _session: Option<AnyConnection>,
}

impl Store {
    /// Takes the deployment's verification lock without waiting.
    ///
    /// # Errors
    /// `InUse` when another verification holds it; database or IO errors.
    pub async fn verification_lock(&self) -> Result<VerificationLock> {
        let busy = || StoreError::InUse("another verification of the log".into());
        match self.engine {
            Engine::Postgres => {
                let mut conn = self.pool().acquire().await?.detach();
                let got: bool = sqlx::query("SELECT pg_try_advisory_lock($1, $2) AS got")
                    .bind(VERIFY_LOCK.0)
                    .bind(VERIFY_LOCK.1)
                    .fetch_one(&mut conn)
                    .await?
                    .try_get("got")?;
                if !got {
                    return Err(busy());
                }
                Ok(VerificationLock {
                    _file: None,
                    _session: Some(conn),
                })
            }
            Engine::Sqlite => {
                let Some(db) = &self.sqlite_file else {
                    // An in-memory database has no other process to share it with.
                    return Ok(VerificationLock {
                        _file: None,
                        _session: None,
                    });
                };
                let mut path = db.clone().into_os_string();
                path.push(".verify.lock");
                let mut o = std::fs::OpenOptions::new();
                o.read(true).write(true).create(true).truncate(false);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
                let file = o.open(&path)?;
                match file.try_lock() {
                    Ok(()) => Ok(VerificationLock {
                        _file: Some(file),
                        _session: None,
                    }),
                    Err(TryLockError::WouldBlock) => Err(busy()),
                    Err(TryLockError::Error(e)) => Err(e.into()),
                }
            }
        }
    }
}
