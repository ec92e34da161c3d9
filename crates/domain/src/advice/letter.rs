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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub kind: LetterKind,
    #[serde(with = "iso_date")]
    pub written_on: Date,
    pub text: String,
}

impl Letter {
    /// # Errors
    /// Field errors for an unknown kind or a missing or over-long text.
    pub fn parse(kind: &str, text: &str, today: Date) -> Result<Self, FieldErrors> {
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
        errors.into_result()?;
        match (kind, text) {
            (Some(kind), Some(text)) => Ok(Self {
                kind,
                written_on: today,
                text,
            }),
            _ => Err(FieldErrors::one("text", "Check the letter")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_letter_needs_a_known_kind_and_some_words() {
        let today = date!(2026 - 11 - 27);
        let l = Letter::parse("warning", "Dear Alex,\n\nPlease stop.", today).unwrap();
        assert_eq!(l.kind, LetterKind::Warning);
        assert_eq!(l.written_on, today);
        let e = Letter::parse("apology", "  ", today).unwrap_err();
        assert!(e.get("kind").is_some() && e.get("text").is_some());
        let long = "x".repeat(TEXT_MAX + 1);
        assert!(Letter::parse("removal_notice", &long, today).is_err());
    }
}
