//! Transfer of the patient's care to another clinician or service.

use super::dates::past_date;
use crate::occurred::iso_date;
use crate::text;
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use time::Date;

pub const TO_MAX: usize = 200;
pub const REASON_MAX: usize = 2_000;
pub const HANDOVER_MAX: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareTransfer {
    #[serde(with = "iso_date")]
    pub transferred_on: Date,
    /// The clinician or service now responsible.
    pub to: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover: Option<String>,
}

/// What a person gave for a transfer of the patient's care, as typed.
#[derive(Debug, Clone, Default)]
pub struct TransferInput {
    pub transferred_on: String,
    pub to: String,
    pub reason: String,
    pub handover: Option<String>,
}

impl TransferInput {
    /// # Errors
    /// As [`CareTransfer::parse`].
    pub fn parse(&self, today: Date) -> Result<CareTransfer, FieldErrors> {
        CareTransfer::parse(
            &self.transferred_on,
            &self.to,
            &self.reason,
            self.handover.as_deref(),
            today,
        )
    }
}

impl CareTransfer {
    /// # Errors
    /// Field errors for a missing or future date, a missing recipient or reason, or
    /// over-long text.
    pub fn parse(
        transferred_on: &str,
        to: &str,
        reason: &str,
        handover: Option<&str>,
        today: Date,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let on = errors.check(
            "transferred_on",
            past_date(transferred_on, today, "the date of the transfer"),
        );
        let to = errors.check(
            "to",
            text::required(
                to,
                TO_MAX,
                "Say who now looks after the patient, for example Dr Jones at Hillside Surgery",
            ),
        );
        let reason = errors.check(
            "reason",
            text::required(reason, REASON_MAX, "Say why care was transferred"),
        );
        let handover = errors
            .check(
                "handover",
                text::optional(handover.unwrap_or_default(), HANDOVER_MAX),
            )
            .flatten();
        errors.into_result()?;
        match (on, to, reason) {
            (Some(transferred_on), Some(to), Some(reason)) => Ok(Self {
                transferred_on,
                to,
                reason,
                handover,
            }),
            _ => Err(FieldErrors::one("transferred_on", "Check the transfer")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_transfer_needs_when_to_whom_and_why() {
        let today = date!(2026 - 11 - 27);
        assert!(CareTransfer::parse(
            "2026-11-20",
            "Dr Jones, Hillside",
            "Boundaries",
            None,
            today
        )
        .is_ok());
        let e = CareTransfer::parse("", "", "", Some(&"x".repeat(5_001)), today).unwrap_err();
        for f in ["transferred_on", "to", "reason", "handover"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
