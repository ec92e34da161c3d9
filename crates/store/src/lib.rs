//! Boundary's storage: the schema and its migrations, the append-only event store and
//! the projections that pages read, people, sessions and tokens, and encryption at rest.
//!
//! One set of functions serves both engines through sqlx's `Any` driver: SQLite (WAL,
//! `synchronous=FULL`) in a data folder by default, PostgreSQL when given a `postgres://`
//! URL. Each engine has its own migrations folder. Appends to the log are serialised —
//! on PostgreSQL by a transaction-scoped advisory lock, so many servers can share one
//! database. All SQL lives in this crate.
//!
//! It does not decide who may do what (that is `app`), nor what events mean beyond
//! applying them to projections.

pub mod accounts;
pub mod attachments;
pub mod baseline;
pub mod blobs;
pub mod claim;
pub mod crypto;
pub mod data_folder;
pub mod engine;
pub mod events;
pub mod export_jobs;
pub mod gifts;
pub mod ledger;
pub mod letter_templates;
mod projection_check;
mod projections;
pub mod reads;
pub mod records;
pub mod reminders;
pub mod second_factor;
pub mod sessions;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod verification_lock;

pub use boundary_ledger::{LogSigner, LogVerifier};
pub use claim::Claim;
pub use crypto::{CryptoError, DataKey, MasterKey};
pub use engine::{DatabaseUrl, Engine};
pub use events::{Appended, StoredEvent, WriteTx};
pub use ledger::StoredCheckpoint;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    WrongKey(String),
    /// Another process's claim on the database excludes this one (see `claim`): who holds it.
    #[error("the database is in use by {0}")]
    InUse(String),
    /// The folder or bucket that keeps attached files cannot be read or written.
    #[error("attached files cannot be reached: {0}")]
    Files(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The setting that records the log's verifier key.
pub const LOG_VKEY_SETTING: &str = "log_vkey";
/// The setting that records which master key wraps the data keys, so that the right key
/// is known even while no data key exists, and after a rotation was interrupted.
pub const MASTER_KEY_ID_SETTING: &str = "master_key_id";

/// A tree size and the roots of its complete subtrees, left to right.
type Frontier = (u64, Vec<boundary_ledger::Hash>);

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    master: Arc<MasterKey>,
    signer: Arc<LogSigner>,
    /// The tree's frontier as of the last commit from this process, so that an append
    /// reads no hashes; checked against the log's size under the append lock, so that
    /// another server's appends are never missed.
    frontier: Arc<std::sync::Mutex<Option<Frontier>>>,
    /// SQLite has one writer at a time anyway; queueing appends here first spares them
    /// SQLite's busy-wait polling.
    local_writer: Arc<tokio::sync::Mutex<()>>,
    /// Where attached files are kept (sealed): a folder or a bucket.
    blobs: Option<blobs::Blobs>,
    /// The SQLite database's file, beside which a full verification takes its lock.
    sqlite_file: Option<std::path::PathBuf>,
    /// This process's claim on the deployment, held as long as any clone of the store.
    claimed: Option<Arc<claim::Claimed>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.engine)
    }
}

impl Store {
    /// Connects and brings the schema up to date.
    ///
    /// # Errors
    /// The database cannot be reached or opened, or a migration fails.
    pub async fn open(url: &DatabaseUrl, master: MasterKey, signer: LogSigner) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = url.engine();
        let mut options = AnyPoolOptions::new().max_connections(match engine {
            Engine::Sqlite => 8,
            Engine::Postgres => 10,
        });
        let sqlite_file = url.sqlite_file();
        if let Some(file) = &sqlite_file {
            data_folder::create_private_file(file)?;
        }
        if engine == Engine::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url.expose()).await?;
        match engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        Ok(Self {
            pool,
            engine,
            master: Arc::new(master),
            signer: Arc::new(signer),
            frontier: Arc::new(std::sync::Mutex::new(None)),
            local_writer: Arc::new(tokio::sync::Mutex::new(())),
            blobs: None,
            claimed: None,
            sqlite_file,
        })
    }

    #[must_use]
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Whether the database answers: for `/healthz`.
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Ties the database to this deployment's keys: the first time, records the log's
    /// verifier key; after that, refuses a signing key or master key that is not the one
    /// the log was made with, rather than signing with a second key or wrapping case keys
    /// under a second master key.
    ///
    /// # Errors
    /// `WrongKey` naming which key does not match.
    pub async fn bind_keys(&self) -> Result<()> {
        let vkey = self.signer.verifier().vkey();
        match self.setting(LOG_VKEY_SETTING).await? {
            None => {
                // A log made before the key was recorded: its checkpoints say whose it is.
                if let Some(c) = self.latest_checkpoint().await? {
                    if self.signer.verifier().open(&c.note).is_err() {
                        return Err(StoreError::WrongKey(
                            "this database's checkpoints are signed with another key than signing.key; use the deployment's own signing.key".into(),
                        ));
                    }
                }
                self.set_setting(LOG_VKEY_SETTING, &vkey).await?;
            }
            Some(v) if v == vkey => {}
            Some(v) => {
                return Err(StoreError::WrongKey(format!(
                    "this database's log is signed with the key {v}, but signing.key is another one; use the deployment's own signing.key"
                )))
            }
        }
        let other =
            sqlx::query("SELECT master_key_id FROM data_keys WHERE master_key_id <> $1 LIMIT 1")
                .bind(self.master.id())
                .fetch_optional(&self.pool)
                .await?;
        let recorded = self.setting(MASTER_KEY_ID_SETTING).await?;
        if other.is_some() || recorded.as_ref().is_some_and(|id| *id != self.master.id()) {
            return Err(StoreError::WrongKey(
                "the case keys in this database were wrapped with another master key; use the deployment's own master.key (or BOUNDARY_MASTER_KEY)".into(),
            ));
        }
        if recorded.is_none() {
            self.set_setting(MASTER_KEY_ID_SETTING, &self.master.id())
                .await?;
        }
        Ok(())
    }

    /// The id of the master key that wraps this database's data keys, if it is known.
    ///
    /// # Errors
    /// Database errors.
    pub async fn live_master_key_id(&self) -> Result<Option<String>> {
        if let Some(id) = self.setting(MASTER_KEY_ID_SETTING).await? {
            return Ok(Some(id));
        }
        let row = sqlx::query("SELECT master_key_id FROM data_keys LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("master_key_id")).transpose()?)
    }

    /// The same database with another master key: the one found to wrap its data keys
    /// when an interrupted rotation is finished at start.
    #[must_use]
    pub fn with_master_key(mut self, master: MasterKey) -> Self {
        self.master = Arc::new(master);
        self
    }

    /// Whether nothing has been set up yet: no organisation exists.
    ///
    /// # Errors
    /// Database errors.
    pub async fn is_empty(&self) -> Result<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM orgs")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn master(&self) -> &MasterKey {
        &self.master
    }

    pub(crate) fn cached_frontier(&self, size: u64) -> Option<Vec<boundary_ledger::Hash>> {
        let guard = self.frontier.lock().ok()?;
        match guard.as_ref() {
            Some((s, f)) if *s == size => Some(f.clone()),
            _ => None,
        }
    }

    pub(crate) fn cache_frontier(&self, size: u64, frontier: Vec<boundary_ledger::Hash>) {
        if let Ok(mut g) = self.frontier.lock() {
            *g = Some((size, frontier));
        }
    }

    /// The log's signing key, which signs a checkpoint after every committed append.
    #[must_use]
    pub fn signer(&self) -> &LogSigner {
        &self.signer
    }

    /// A short keyed tag for a value a log line must tell apart without revealing it.
    #[must_use]
    pub fn log_tag(&self, what: &str) -> String {
        self.master.log_tag(what)
    }

    /// See [`crypto::MasterKey::device_tag`].
    #[must_use]
    pub fn device_tag(&self, what: &str) -> Option<String> {
        self.master.device_tag(what)
    }

    /// The same key, to sign with off the async workers.
    #[must_use]
    pub fn shared_signer(&self) -> Arc<LogSigner> {
        Arc::clone(&self.signer)
    }
}

/// Reads a text column that holds an id.
pub(crate) fn get_id<T: std::str::FromStr>(row: &AnyRow, col: &str) -> Result<T> {
    let s: String = row.try_get(col)?;
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{col} is not an id")))
}

/// Maps a unique-constraint violation to `Conflict`.
pub(crate) fn conflict(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::Database(e),
    }
}
