//! A warning to the patient that their behaviour puts their registration at risk.

use super::dates::{past_date, plus_days, plus_years};
use crate::occurred::iso_date;
use crate::text;
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use time::Date;

pub const HOW_MAX: usize = 200;
pub const REASONS_MAX: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    #[serde(with = "iso_date")]
    pub given_on: Date,
    /// In person, by letter, by phone…
    pub how: String,
    pub reasons: String,
}

/// What a person gave for a warning to the patient, as typed.
#[derive(Debug, Clone, Default)]
pub struct WarningInput {
    pub given_on: String,
    pub how: String,
    pub reasons: String,
}

impl WarningInput {
    /// # Errors
    /// As [`Warning::parse`].
    pub fn parse(&self, today: Date) -> Result<Warning, FieldErrors> {
        Warning::parse(&self.given_on, &self.how, &self.reasons, today)
    }
}

impl Warning {
    /// # Errors
    /// Field errors for each of `given_on`, `how` and `reasons`.
    pub fn parse(
        given_on: &str,
        how: &str,
        reasons: &str,
        today: Date,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let given_on = errors.check(
            "given_on",
            past_date(given_on, today, "the date of the warning"),
        );
        let how = errors.check(
            "how",
            text::required(
                how,
                HOW_MAX,
                "Say how the warning was given, for example in person or by letter",
            ),
        );
        let reasons = errors.check(
            "reasons",
            text::required(
                reasons,
                REASONS_MAX,
                "Say what the patient was told the reasons were",
            ),
        );
        errors.into_result()?;
        match (given_on, how, reasons) {
            (Some(given_on), Some(how), Some(reasons)) => Ok(Self {
                given_on,
                how,
                reasons,
            }),
            _ => Err(FieldErrors::one("given_on", "Check the warning")),
        }
    }

    /// The first day on which this warning no longer counts as given "within the 12
    /// months before" a request: a warning given on 10 March 2025 still counts for a
    /// request made on 10 March 2026, and no longer on 11 March 2026.
    #[must_use]
    pub fn lapses_on(&self) -> Date {
        plus_days(plus_years(self.given_on, 1), 1)
    }

    /// Whether this warning was given within the 12 months up to and including `day`.
    #[must_use]
    pub fn counts_on(&self, day: Date) -> bool {
        self.given_on <= day && day < self.lapses_on()
    }
}

/// Where a case stands with warnings on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningStanding {
    None,
    /// The latest warning that counts on the day, and when it stops counting.
    Current {
        given_on: Date,
        lapses_on: Date,
    },
    /// Every warning is older than 12 months; the latest lapsed on this day.
    Lapsed {
        given_on: Date,
        lapsed_on: Date,
    },
}

/// The standing of the latest warning given on or before `day`.
#[must_use]
pub fn standing(warnings: &[Warning], day: Date) -> WarningStanding {
    let latest = warnings
        .iter()
        .filter(|w| w.given_on <= day)
        .max_by_key(|w| w.given_on);
    match latest {
        None => WarningStanding::None,
        Some(w) if w.counts_on(day) => WarningStanding::Current {
            given_on: w.given_on,
            lapses_on: w.lapses_on(),
        },
        Some(w) => WarningStanding::Lapsed {
            given_on: w.given_on,
            lapsed_on: w.lapses_on(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn w(d: Date) -> Warning {
        Warning {
            given_on: d,
            how: "In person".into(),
            reasons: "Repeated messages".into(),
        }
    }

    #[test]
    fn twelve_months_to_the_day() {
        let warning = w(date!(2025 - 03 - 10));
        for (day, counts) in [
            (date!(2025 - 03 - 09), false),
            (date!(2025 - 03 - 10), true),
            (date!(2026 - 03 - 09), true),
            (date!(2026 - 03 - 10), true),
            (date!(2026 - 03 - 11), false),
        ] {
            assert_eq!(warning.counts_on(day), counts, "{day}");
        }
        let leap = w(date!(2024 - 02 - 29));
        assert!(leap.counts_on(date!(2025 - 02 - 28)));
        assert!(!leap.counts_on(date!(2025 - 03 - 01)));
    }

    #[test]
    fn the_latest_warning_on_or_before_the_day_decides() {
        let ws = [
            w(date!(2024 - 01 - 05)),
            w(date!(2025 - 06 - 01)),
            w(date!(2026 - 12 - 01)),
        ];
        assert_eq!(standing(&[], date!(2026 - 01 - 01)), WarningStanding::None);
        assert_eq!(
            standing(&ws, date!(2026 - 01 - 01)),
            WarningStanding::Current {
                given_on: date!(2025 - 06 - 01),
                lapses_on: date!(2026 - 06 - 02)
            }
        );
        assert_eq!(
            standing(&ws, date!(2026 - 08 - 01)),
            WarningStanding::Lapsed {
                given_on: date!(2025 - 06 - 01),
                lapsed_on: date!(2026 - 06 - 02)
            }
        );
        assert_eq!(
            standing(&ws[..1], date!(2023 - 12 - 31)),
            WarningStanding::None
        );
    }

    #[test]
    fn a_warning_is_checked_field_by_field() {
        let today = date!(2026 - 11 - 27);
        let e = Warning::parse("2026-12-01", "", "", today).unwrap_err();
        assert!(e.get("given_on").unwrap().contains("future"));
        assert!(e.get("how").is_some() && e.get("reasons").is_some());
        let ok = Warning::parse(
            "2026-11-20",
            "In person, with the practice manager",
            "Messages at night",
            today,
        )
        .unwrap();
        assert_eq!(ok.given_on, date!(2026 - 11 - 20));
    }
}
