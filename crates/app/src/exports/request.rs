//! What an export is asked for and how far it has got: the request, its format, an
//! export allowed and recorded, the file made, and the period asked for.

use super::Withheld;
use crate::{CaseRow, FieldErrors, Result};
use boundary_store::ledger::StoredCheckpoint;
use std::sync::atomic::{AtomicU64, Ordering};
use time::Date;

/// A file to download.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// What is asked for: the format, a period, what to withhold and why.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// `pdf` (the evidence pack) or `bundle` (the verifiable zip, with the pack in it).
    pub format: String,
    /// The first and last day of contacts (YYYY-MM-DD), either open.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Entries (with their corrections and files) or files to withhold, by id.
    pub withhold: Vec<String>,
    pub reason: Option<String>,
    /// Whether the bundle keeps the records of who looked at the case, with their
    /// addresses; they are left out (still proved in place) unless asked for.
    pub access_records: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Pdf,
    Bundle,
}

impl ExportFormat {
    pub(crate) fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "pdf" => Ok(Self::Pdf),
            "bundle" => Ok(Self::Bundle),
            _ => Err(FieldErrors::one(
                "format",
                "Choose the evidence pack (pdf) or the verifiable bundle (bundle)",
            )
            .into()),
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Bundle => "zip",
        }
    }

    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Bundle => "application/zip",
        }
    }

    /// In words, for pages: "evidence pack" or "verifiable bundle".
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::Pdf => "evidence pack",
            Self::Bundle => "verifiable bundle",
        }
    }
}

/// An export allowed and recorded, with the checkpoint it is made from.
#[derive(Debug, Clone)]
pub struct PreparedExport {
    pub case: CaseRow,
    pub format: ExportFormat,
    pub file_name: String,
    pub(crate) period: (Option<Date>, Option<Date>),
    pub(crate) withheld: Withheld,
    pub(crate) checkpoint: StoredCheckpoint,
}

/// How far an export has got: steps done of steps in all (events proved, entries set
/// out, the pages made).
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    /// (done, total).
    #[must_use]
    pub fn get(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// The period asked for: the first and last day of contacts (UK dates, either open).
///
/// # Errors
/// Field errors for a date that is not one, or an end before the start.
pub(crate) fn period(from: Option<&str>, to: Option<&str>) -> Result<(Option<Date>, Option<Date>)> {
    let day = |raw: Option<&str>, field: &str| -> Result<Option<Date>> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => boundary_domain::occurred::iso_date::parse(s)
                .map(Some)
                .map_err(|_| FieldErrors::one(field, "Enter the date like 2026-11-27").into()),
        }
    };
    let (from, to) = (day(from, "from")?, day(to, "to")?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(FieldErrors::one("to", "The end of the period is before its start").into());
        }
    }
    Ok((from, to))
}

/// Whether a contact on `on` (a UK date) falls in the period asked for.
pub(crate) fn in_period(on: Date, (from, to): (Option<Date>, Option<Date>)) -> bool {
    from.is_none_or(|f| on >= f) && to.is_none_or(|t| on <= t)
}
