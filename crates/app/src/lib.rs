//! Boundary's use cases — "open a case", "log a contact", "amend an entry", "sign in" —
//! each one function that checks who may do it, validates, runs one transaction and
//! appends its events. Web handlers and CLI commands call these and nothing below them.
//!
//! Time and randomness come in through [`Clock`] and [`Random`], so that tests control
//! them. This crate renders nothing and speaks no HTTP.

pub mod admin;
pub mod advice;
pub mod attachments;
pub mod audit;
pub mod auth;
mod authorise;
pub mod care;
pub mod cases;
pub mod entries;
pub mod evidence_pack;
pub mod export_jobs;
pub mod exports;
pub mod gifts;
pub mod held_drafts;
pub mod ledger;
pub mod letters;
pub mod passwords;
pub mod people;
pub mod public_log;
pub mod record_words;
pub mod reminders;
pub mod second_factor;
pub mod sessions;
pub mod throttle;
pub mod thumbnails;
pub mod timestamping;
pub mod tokens;

use boundary_domain::{FieldErrors, MemberId, OrgId, Roles, Timestamp, UserId};
use boundary_store::{Store, StoreError};
use std::sync::Arc;

pub use boundary_store::accounts::MemberRow;
pub use boundary_store::gifts::GiftRow;
pub use boundary_store::reads::{AmendmentRow, AuditRow, CaseRow, EntryRow};
pub use boundary_store::tokens::TokenInfo;
pub use boundary_store::Appended;
/// Passwords cross into the app wrapped, so that no log or debug output shows one.
pub use secrecy::SecretString;

/// The time, for everything that records or compares it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The server's own clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place the wall clock is read
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(time::OffsetDateTime::now_utc())
    }
}

/// Random bytes, for ids, salts, tokens and links.
pub trait Random: Send + Sync {
    fn fill(&self, buf: &mut [u8]);

    fn bytes16(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        b
    }

    fn bytes32(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        self.fill(&mut b);
        b
    }
}

/// The operating system's random source.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, buf);
    }
}

/// How long sessions and links live.
#[derive(Debug, Clone)]
pub struct Limits {
    pub session_idle_seconds: i64,
    pub session_absolute_seconds: i64,
    pub setup_link_seconds: i64,
    pub password_link_seconds: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 12 * 3600,
            setup_link_seconds: 24 * 3600,
            password_link_seconds: 72 * 3600,
        }
    }
}

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn Random>,
    pub(crate) limits: Limits,
    /// Why the log refuses writes, if it does: set when the stored tree does not match
    /// the latest signed checkpoint, so nothing more is built on a damaged history.
    writes_blocked: Arc<std::sync::RwLock<Option<String>>>,
    /// Trusted timestamping, when configured.
    pub(crate) tsa: Option<Arc<timestamping::TsaConfig>>,
    pub(crate) tsa_state: Arc<std::sync::RwLock<timestamping::TsaState>>,
    /// Argon2 takes 19 MiB a hash: this many at once, and no more, however many people try.
    pub(crate) hashing: Arc<tokio::sync::Semaphore>,
    /// E-mail, when configured.
    pub(crate) mail: Option<reminders::MailConfig>,
    /// Log-form drafts typed after a session ended, until their writer signs in again.
    pub(crate) held: Arc<held_drafts::HeldDrafts>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "App({:?})", self.store)
    }
}

impl App {
    #[must_use]
    pub fn new(store: Store) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            random: Arc::new(OsRandom),
            limits: Limits::default(),
            writes_blocked: Arc::new(std::sync::RwLock::new(None)),
            tsa: None,
            hashing: Arc::new(tokio::sync::Semaphore::new(4)),
            mail: None,
            held: Arc::default(),
            tsa_state: Arc::new(std::sync::RwLock::new(timestamping::TsaState::default())),
        }
    }

    /// The same application on another clock: tests move time on with one.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same application with sessions and links that live as long as `limits` says.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The time now, by the application's clock: what pages date things by.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Random bytes from the application's source, for request ids and form tokens.
    pub fn fill_random(&self, buf: &mut [u8]) {
        self.random.fill(buf);
    }

    /// Why writes are refused, if they are.
    #[must_use]
    pub fn writes_blocked(&self) -> Option<String> {
        self.writes_blocked.read().ok().and_then(|g| g.clone())
    }

    pub(crate) fn set_writes_blocked(&self, reason: Option<String>) {
        if let Ok(mut g) = self.writes_blocked.write() {
            *g = reason;
        }
    }

    pub(crate) fn ensure_writable(&self) -> Result<()> {
        match self.writes_blocked() {
            None => Ok(()),
            Some(why) => Err(AppError::Unavailable(why)),
        }
    }

    fn now_micros(&self) -> i64 {
        self.clock.now().unix_micros()
    }
}

/// Who is acting: a signed-in member of one organisation.
#[derive(Debug, Clone)]
pub struct Actor {
    pub member: MemberId,
    pub user: UserId,
    pub org: OrgId,
    pub org_name: String,
    pub name: String,
    pub email: String,
    pub roles: Roles,
    /// Where they are acting from, for the access audit (set by the web layer).
    pub address: Option<String>,
    /// Their organisation requires two-factor sign-in and they have not set it up:
    /// until they do, they may do nothing else.
    pub second_factor_due: bool,
    /// Acting through an API token rather than a signed-in session: nothing that makes a
    /// way to sign in (an invitation link) is done this way, so that a leaked token
    /// cannot be turned into a lasting account.
    pub via_token: bool,
    /// When the session's sign-in happened (Unix microseconds); `None` for a token.
    pub signed_in_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also what a member gets for something they may not see, so that its existence
    /// does not leak.
    #[error("not found")]
    NotFound,
    #[error("sign in first")]
    Unauthenticated,
    /// The session was this member's, and has ended (idle or too old): sign in again.
    #[error("your session ended: sign in again")]
    SessionEnded(MemberId),
    /// Signed in, but the organisation requires two-factor sign-in, not yet set up.
    #[error("Your organisation requires two-factor sign-in: set it up in Boundary first.")]
    SecondFactorDue,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    #[error("{0}")]
    Conflict(String),
    /// Too many failed sign-ins: try again after this many seconds.
    #[error("Too many attempts to sign in. {}", wait_message(*.0))]
    Throttled(i64),
    /// The log refuses writes until its damage is looked into.
    #[error("Boundary is not recording anything at the moment: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(StoreError),
    /// Work handed to a blocking thread did not come back (it panicked, or the runtime
    /// is shutting down).
    #[error("a background task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The queue for password hashing was closed: the server is stopping.
    #[error("the server is stopping")]
    Stopping(#[from] tokio::sync::AcquireError),
    #[error("password hashing failed: {0}")]
    PasswordHash(#[from] argon2::password_hash::Error),
    #[error("the two-factor secret is not usable: {0}")]
    Totp(#[from] totp_rs::TotpUrlError),
    #[error(transparent)]
    Pdf(#[from] boundary_report::pdf::PdfError),
    #[error(transparent)]
    Bundle(#[from] boundary_report::bundle::BundleError),
    #[error(transparent)]
    Ledger(#[from] boundary_ledger::LedgerError),
    #[error(transparent)]
    Timestamp(#[from] boundary_ledger::timestamp::TimestampError),
    /// Something Boundary's own code guarantees did not hold: a defect, in our words.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The server's own fault — the database, a defect, work that stopped — rather than
    /// the request's: what is logged as an error and answered with 500.
    #[must_use]
    pub fn is_fault(&self) -> bool {
        !matches!(
            self,
            Self::NotFound
                | Self::Unauthenticated
                | Self::SessionEnded(_)
                | Self::SecondFactorDue
                | Self::Forbidden(_)
                | Self::Invalid(_)
                | Self::Conflict(_)
                | Self::Throttled(_)
                | Self::Unavailable(_)
        )
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict(format!("There is already {what}.")),
            StoreError::InUse(who) => AppError::Conflict(format!("Not now: {who} is running.")),
            other => AppError::Store(other),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// "Try again in 1 second." / "Try again in 30 seconds."
#[must_use]
pub fn wait_message(seconds: i64) -> String {
    format!(
        "Try again in {seconds} second{}.",
        if seconds == 1 { "" } else { "s" }
    )
}
