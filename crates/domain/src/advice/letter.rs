//! A letter as it was sent: a warning to the patient, a request to remove the patient
//! from the list, or the letter telling the patient about the removal. Boundary drafts
//! it; the doctor edits it; the words kept are the ones they sent.

use crate::occurred::iso_date;
use crate::{text, FieldErrors};
use serde::{Deserialize, Serialize};
use time::Date;

pub const TEXT_MAX: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// A warning that the patient's behaviour puts their registration at risk.
    Warning,
    /// To the commissioner, asking for the patient's removal from the list.
    RemovalRequest,
    /// To the patient, saying that removal has been asked for, and why.
    RemovalNotice,
}

impl LetterKind {
    pub const ALL: [Self; 3] = [Self::Warning, Self::RemovalRequest, Self::RemovalNotice];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::RemovalRequest => "removal_request",
            Self::RemovalNotice => "removal_notice",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Warning => "Warning letter to the patient",
            Self::RemovalRequest => "Request to remove the patient from the list",
            Self::RemovalNotice => "Letter telling the patient about their removal",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

/// A kind's code, as routes carry it.
impl std::str::FromStr for LetterKind {
    type Err = UnknownLetterKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(UnknownLetterKind)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("there is no such kind of letter")]
pub struct UnknownLetterKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub kind: LetterKind,
    #[serde(with = "iso_date")]
    pub written_on: Date,
    pub text: String,
    /// For the removal letters: the date of the request, from which the removal's dates
    /// (and their reminders) follow.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_iso_date"
    )]
    pub requested_on: Option<Date>,
    /// For the removal letters: an immediate removal after violence.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub immediate: bool,
}

mod opt_iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    #[allow(clippy::ref_option)] // serde's `with` hands us `&Option<_>`
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => crate::occurred::iso_date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| crate::occurred::iso_date::parse(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

impl Letter {
    /// A letter of `kind` with `text`; the removal letters also say the date of the
    /// request (today when blank) and whether the removal is immediate.
    ///
    /// # Errors
    /// Field errors for an unknown kind, a missing or over-long text, or a request date
    /// that is not a date.
    pub fn parse(
        kind: &str,
        text: &str,
        requested_on: Option<&str>,
        immediate: bool,
        today: Date,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.check(
            "kind",
            LetterKind::parse(kind)
                .ok_or("Choose which letter: warning, removal_request or removal_notice"),
        );
        let text = errors.check(
            "text",
            text::required(text, TEXT_MAX, "Write the letter, or keep the draft"),
        );
        let removal = kind.is_some_and(|k| k != LetterKind::Warning);
        // A warning has no request date, so whatever came with it is not read.
        let requested_on = match requested_on.map(str::trim).filter(|s| !s.is_empty()) {
            _ if !removal => None,
            None => Some(today),
            Some(s) => errors.check("requested_on", request_date(s, today)),
        };
        errors.into_result()?;
        match (kind, text) {
            (Some(kind), Some(text)) => Ok(Self {
                kind,
                written_on: today,
                text,
                requested_on: requested_on.filter(|_| removal),
                immediate: immediate && removal,
            }),
            _ => Err(FieldErrors::one("text", "Check the letter")),
        }
    }
}

/// A request's date: within the last year or the next month, since its reminders follow
/// from it.
fn request_date(raw: &str, today: Date) -> Result<Date, &'static str> {
    let d = iso_date::parse(raw).map_err(|_| "Enter the date of the request, like 2026-11-27")?;
    if d < super::dates::plus_days(today, -366) || d > super::dates::plus_days(today, 31) {
        return Err("The date of the request should be within the last year or the next month");
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_letter_needs_a_known_kind_and_some_words() {
        let today = date!(2026 - 11 - 27);
        let l = Letter::parse("warning", "Dear Alex,\n\nPlease stop.", None, true, today).unwrap();
        assert_eq!(l.kind, LetterKind::Warning);
        assert_eq!(l.written_on, today);
        assert_eq!(
            (l.requested_on, l.immediate),
            (None, false),
            "a warning has no request"
        );
        let e = Letter::parse("removal_notice", "  ", Some("soon"), false, today).unwrap_err();
        assert!(e.get("text").is_some() && e.get("requested_on").is_some());
        let e = Letter::parse("apology", "Dear Alex", None, false, today).unwrap_err();
        assert!(e.get("kind").is_some());
        // A warning ignores a request date, however malformed.
        assert!(Letter::parse("warning", "Dear Alex", Some("soon"), false, today).is_ok());
        for far in ["2062-01-01", "0001-01-01", "2025-11-25", "2026-12-29"] {
            let r = Letter::parse("removal_request", "To NHS England", Some(far), false, today);
            assert!(r.is_err(), "{far}");
        }
        for near in ["2025-11-26", "2026-12-28"] {
            let r = Letter::parse(
                "removal_request",
                "To NHS England",
                Some(near),
                false,
                today,
            );
            assert!(r.is_ok(), "{near}");
        }
        let long = "x".repeat(TEXT_MAX + 1);
        assert!(Letter::parse("removal_notice", &long, None, false, today).is_err());
        let r = Letter::parse(
            "removal_request",
            "To NHS England",
            Some("2026-11-20"),
            true,
            today,
        )
        .unwrap();
        assert_eq!(
            (r.requested_on, r.immediate),
            (Some(date!(2026 - 11 - 20)), true)
        );
    }
}
