//! A report to the police: when, to which force, the officer, the incident or crime
//! reference, and what was reported.

use super::dates::past_date;
use crate::occurred::iso_date;
use crate::text;
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use time::Date;

pub const FORCE_MAX: usize = 120;
pub const OFFICER_MAX: usize = 120;
pub const REFERENCE_MAX: usize = 100;
pub const SUMMARY_MAX: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceReport {
    #[serde(with = "iso_date")]
    pub reported_on: Date,
    pub force: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// The incident number or crime reference the police gave.
    pub reference: String,
    pub summary: String,
}

/// What a person typed into the police report form.
#[derive(Debug, Clone, Default)]
pub struct PoliceReportInput {
    pub reported_on: String,
    pub force: String,
    pub officer: Option<String>,
    pub reference: String,
    pub summary: String,
}

impl PoliceReport {
    /// # Errors
    /// Field errors for each field that is missing, too long or not a past date.
    pub fn parse(input: &PoliceReportInput, today: Date) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reported_on = errors.check(
            "reported_on",
            past_date(&input.reported_on, today, "the date of the report"),
        );
        let force = errors.check(
            "force",
            text::required(
                &input.force,
                FORCE_MAX,
                "Say which police force, for example Thames Valley Police",
            ),
        );
        let officer = errors.check(
            "officer",
            text::optional(input.officer.as_deref().unwrap_or_default(), OFFICER_MAX),
        );
        let reference = errors.check(
            "reference",
            text::required(
                &input.reference,
                REFERENCE_MAX,
                "Enter the incident number or crime reference the police gave you",
            ),
        );
        let summary = errors.check(
            "summary",
            text::required(&input.summary, SUMMARY_MAX, "Say briefly what you reported"),
        );
        errors.into_result()?;
        match (reported_on, force, officer, reference, summary) {
            (Some(reported_on), Some(force), Some(officer), Some(reference), Some(summary)) => {
                Ok(Self {
                    reported_on,
                    force,
                    officer,
                    reference,
                    summary,
                })
            }
            _ => Err(FieldErrors::one("reported_on", "Check the report")),
        }
    }
}

/// The references to offer on the log form, newest report first, each once.
#[must_use]
pub fn references(reports: &[PoliceReport]) -> Vec<String> {
    let mut sorted: Vec<&PoliceReport> = reports.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.reported_on));
    let mut out: Vec<String> = Vec::new();
    for r in sorted {
        if !out.contains(&r.reference) {
            out.push(r.reference.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> PoliceReportInput {
        PoliceReportInput {
            reported_on: "2026-11-20".into(),
            force: "Thames Valley Police".into(),
            officer: Some("PC 1234 Smith".into()),
            reference: "TVP-2026-001234".into(),
            summary: "Patient waited outside my house".into(),
        }
    }

    #[test]
    fn a_report_needs_a_date_a_force_a_reference_and_what_was_said() {
        let today = date!(2026 - 11 - 27);
        assert!(PoliceReport::parse(&input(), today).is_ok());
        let e = PoliceReport::parse(&PoliceReportInput::default(), today).unwrap_err();
        for f in ["reported_on", "force", "reference", "summary"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        assert!(e.get("officer").is_none(), "the officer is optional");
        let long = PoliceReportInput {
            reference: "R".repeat(101),
            ..input()
        };
        assert!(PoliceReport::parse(&long, today)
            .unwrap_err()
            .get("reference")
            .unwrap()
            .contains("100"));
    }

    #[test]
    fn references_are_offered_newest_first_once() {
        let today = date!(2026 - 11 - 27);
        let a = PoliceReport::parse(&input(), today).unwrap();
        let b = PoliceReport {
            reported_on: date!(2026 - 11 - 25),
            reference: "TVP-2".into(),
            ..a.clone()
        };
        let again = PoliceReport {
            reported_on: date!(2026 - 11 - 26),
            ..a.clone()
        };
        assert_eq!(
            references(&[a, b, again]),
            vec!["TVP-2026-001234".to_owned(), "TVP-2".to_owned()]
        );
    }
}
