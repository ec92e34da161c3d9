//! Whether a GP practice in England may ask NHS England to remove a patient from its
//! list, and what follows, from what the case records.
//!
//! Encoded from the NHS (General Medical Services Contracts) Regulations 2015, SI
//! 2015/1862, Schedule 3, paragraphs 20 (removal at the contractor's request) and 21
//! (removal after violence), which the PMS Agreements Regulations 2015, SI 2015/1879,
//! repeat for PMS practices:
//!
//! - an ordinary request needs a warning within the 12 months before it, unless a warning
//!   would harm the patient's health or put staff or others at risk, or was not
//!   reasonably practicable — and the practice records why;
//! - the grounds must not be about a protected characteristic or the patient's medical
//!   condition; the patient is told the reasons in writing;
//! - an ordinary removal takes effect on the eighth day after NHS England receives the
//!   request (earlier if the patient registers elsewhere);
//! - after violence, or behaviour that made someone fear for their safety, the practice
//!   may ask for removal with immediate effect if it has reported the incident to the
//!   police; a request not made in writing is confirmed in writing within 7 days; the
//!   patient is told unless that is not reasonably practicable.
//!
//! The wording people see is Boundary's own.

use super::dates::plus_days;
use super::police::PoliceReport;
use super::warning::{standing, Warning, WarningStanding};
use crate::occurred::iso_date;
use crate::text;
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use time::Date;

pub const WHY_MAX: usize = 2_000;
/// Days after NHS England receives an ordinary request before it takes effect.
pub const ORDINARY_EFFECT_DAYS: i64 = 8;
/// Days within which an immediate request made by phone is confirmed in writing.
pub const CONFIRM_IN_WRITING_DAYS: i64 = 7;

/// Why no warning was given before an ordinary request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningException {
    /// A warning would be harmful to the patient's physical or mental health.
    HarmfulToPatient,
    /// A warning would put the safety of staff, or of others at the practice, at risk.
    RiskToOthers,
    /// It was not reasonably practicable to give one.
    NotPracticable,
}

impl WarningException {
    pub const ALL: [Self; 3] = [
        Self::HarmfulToPatient,
        Self::RiskToOthers,
        Self::NotPracticable,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::HarmfulToPatient => "harmful_to_patient",
            Self::RiskToOthers => "risk_to_others",
            Self::NotPracticable => "not_practicable",
        }
    }

    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::HarmfulToPatient => {
                "a warning would harm the patient's physical or mental health"
            }
            Self::RiskToOthers => "a warning would put the safety of staff or others at risk",
            Self::NotPracticable => "it was not reasonably practicable to give a warning",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == s.trim())
    }
}

/// What the doctor has answered about a removal: recorded on the case as an event, and
/// replaced by a newer answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovalAssessment {
    /// They confirm the grounds are not about a protected characteristic (age,
    /// disability, race, religion, sex, sexual orientation…) or the patient's medical
    /// condition.
    pub grounds_confirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<WarningException>,
    /// Why the exception applies, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_why: Option<String>,
    /// For an immediate removal: why the patient cannot be told, if they cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_not_told_why: Option<String>,
}

/// What the doctor answered behind a removal request, as given.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub grounds_confirmed: bool,
    pub exception: Option<String>,
    pub exception_why: Option<String>,
    pub patient_not_told_why: Option<String>,
}

impl AssessmentInput {
    /// # Errors
    /// As [`RemovalAssessment::parse`].
    pub fn parse(&self) -> Result<RemovalAssessment, FieldErrors> {
        RemovalAssessment::parse(
            self.grounds_confirmed,
            self.exception.as_deref(),
            self.exception_why.as_deref(),
            self.patient_not_told_why.as_deref(),
        )
    }
}

impl RemovalAssessment {
    /// # Errors
    /// An unknown exception, an exception without its reason, or over-long text.
    pub fn parse(
        grounds_confirmed: bool,
        exception: Option<&str>,
        exception_why: Option<&str>,
        patient_not_told_why: Option<&str>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let exception = match exception.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let e = WarningException::parse(s);
                if e.is_none() {
                    errors.add(
                        "exception",
                        "Choose harmful_to_patient, risk_to_others or not_practicable",
                    );
                }
                e
            }
        };
        let why = errors
            .check(
                "exception_why",
                text::optional(exception_why.unwrap_or_default(), WHY_MAX),
            )
            .flatten();
        if exception.is_some() && why.is_none() {
            errors.add(
                "exception_why",
                "Say why no warning was given: it is recorded with the request",
            );
        }
        let not_told = errors
            .check(
                "patient_not_told_why",
                text::optional(patient_not_told_why.unwrap_or_default(), WHY_MAX),
            )
            .flatten();
        errors.into_result()?;
        Ok(Self {
            grounds_confirmed,
            exception,
            exception_why: why,
            patient_not_told_why: not_told,
        })
    }
}

/// The planner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovalPlan {
    pub can_request: bool,
    /// Each reason, and each thing still to do, as a sentence.
    pub why: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_date")]
    pub effective_on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_date")]
    pub confirm_in_writing_by: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub police_reference: Option<String>,
}

mod opt_date {
    use serde::Serializer;
    use time::Date;

    #[allow(clippy::ref_option)] // serde's `with` hands us `&Option<_>`
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::iso_date::serialize(d, s),
            None => s.serialize_none(),
        }
    }
}

fn day(d: Date) -> String {
    super::dates::human(d)
}

/// Whether a removal may be requested on `requested_on` — ordinary, or `immediate`
/// after violence or threats — and what follows.
#[must_use]
pub fn plan(
    requested_on: Date,
    immediate: bool,
    assessment: Option<&RemovalAssessment>,
    warnings: &[Warning],
    reports: &[PoliceReport],
) -> RemovalPlan {
    let mut why = Vec::new();
    let mut can = true;
    if !assessment.is_some_and(|a| a.grounds_confirmed) {
        can = false;
        why.push("First confirm that the reasons for removal are not about a protected characteristic (such as age, disability, race, religion, sex or sexual orientation) or about the patient's medical condition.".into());
    }
    if immediate {
        immediate_plan(requested_on, assessment, reports, can, why)
    } else {
        ordinary_plan(requested_on, assessment, warnings, can, why)
    }
}

fn ordinary_plan(
    requested_on: Date,
    assessment: Option<&RemovalAssessment>,
    warnings: &[Warning],
    mut can: bool,
    mut why: Vec<String>,
) -> RemovalPlan {
    let exception = assessment.and_then(|a| a.exception.zip(a.exception_why.clone()));
    match (standing(warnings, requested_on), exception) {
        (WarningStanding::Current { given_on, lapses_on }, _) => why.push(format!(
            "The patient was warned on {}, within the 12 months before {}; that warning counts until {}.",
            day(given_on),
            day(requested_on),
            day(plus_days(lapses_on, -1))
        )),
        (_, Some((e, reason))) => why.push(format!(
            "No warning is needed because {}; this is recorded with the request: {reason}",
            e.words()
        )),
        (WarningStanding::Lapsed { given_on, lapsed_on }, None) => {
            can = false;
            why.push(format!(
                "The last warning, on {}, is more than 12 months before {} (it stopped counting on {}). Warn the patient again, or record why a warning would harm them, put others at risk or is not practicable.",
                day(given_on),
                day(requested_on),
                day(lapsed_on)
            ));
        }
        (WarningStanding::None, None) => {
            can = false;
            why.push("No warning to the patient is recorded. Warn them first, or record why a warning would harm them, put others at risk or is not practicable.".into());
        }
    }
    let effective_on = can.then(|| plus_days(requested_on, ORDINARY_EFFECT_DAYS));
    if let Some(d) = effective_on {
        why.push(format!(
            "Tell the patient in writing that you have asked for their removal, and why. If NHS England receives the request on {}, the removal takes effect on {} (sooner if they register elsewhere).",
            day(requested_on),
            day(d)
        ));
    }
    RemovalPlan {
        can_request: can,
        why,
        effective_on,
        confirm_in_writing_by: None,
        police_reference: None,
    }
}

fn immediate_plan(
    requested_on: Date,
    assessment: Option<&RemovalAssessment>,
    reports: &[PoliceReport],
    mut can: bool,
    mut why: Vec<String>,
) -> RemovalPlan {
    let report = reports
        .iter()
        .filter(|r| r.reported_on <= requested_on)
        .max_by_key(|r| r.reported_on);
    match report {
        Some(r) => why.push(format!(
            "The incident was reported to {} on {} (reference {}).",
            r.force,
            day(r.reported_on),
            r.reference
        )),
        None => {
            can = false;
            why.push("Immediate removal needs the incident reported to the police first: record the report and its incident number.".into());
        }
    }
    let confirm_by = can.then(|| plus_days(requested_on, CONFIRM_IN_WRITING_DAYS));
    if let Some(d) = confirm_by {
        why.push(format!(
            "The removal takes effect as soon as NHS England is told. If you tell them by phone, confirm it in writing by {}.",
            day(d)
        ));
        match assessment.and_then(|a| a.patient_not_told_why.clone()) {
            Some(reason) => why.push(format!(
                "You have recorded why the patient cannot be told: {reason}"
            )),
            None => why.push("Tell the patient they have been removed, unless that is not reasonably practicable; if it is not, record why.".into()),
        }
    }
    RemovalPlan {
        can_request: can,
        why,
        effective_on: can.then_some(requested_on),
        confirm_in_writing_by: confirm_by,
        police_reference: if can {
            report.map(|r| r.reference.clone())
        } else {
            None
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn warned(on: Date) -> Warning {
        Warning {
            given_on: on,
            how: "Letter".into(),
            reasons: "Messages".into(),
        }
    }

    fn confirmed(exception: Option<WarningException>) -> RemovalAssessment {
        RemovalAssessment {
            grounds_confirmed: true,
            exception,
            exception_why: exception.map(|_| "She threatened staff when warned before".into()),
            patient_not_told_why: None,
        }
    }

    fn report(on: Date) -> PoliceReport {
        PoliceReport {
            reported_on: on,
            force: "Thames Valley Police".into(),
            officer: None,
            reference: "TVP-42".into(),
            summary: "Threats at reception".into(),
        }
    }

    #[test]
    fn an_ordinary_request_needs_a_warning_within_twelve_months_to_the_day() {
        let ws = [warned(date!(2025 - 03 - 10))];
        let a = confirmed(None);
        for (requested, can) in [
            (date!(2025 - 03 - 10), true),
            (date!(2026 - 03 - 10), true),
            (date!(2026 - 03 - 11), false),
        ] {
            let p = plan(requested, false, Some(&a), &ws, &[]);
            assert_eq!(p.can_request, can, "{requested}: {:?}", p.why);
            assert_eq!(p.effective_on, can.then(|| plus_days(requested, 8)));
        }
        let p = plan(date!(2026 - 03 - 10), false, Some(&a), &ws, &[]);
        assert_eq!(
            p.effective_on,
            Some(date!(2026 - 03 - 18)),
            "the eighth day after"
        );
        let late = plan(date!(2026 - 03 - 11), false, Some(&a), &ws, &[]);
        assert!(
            late.why[0].contains("stopped counting on 11 Mar 2026"),
            "{:?}",
            late.why
        );
    }

    #[test]
    fn each_exception_stands_in_for_the_warning_with_its_reason() {
        for e in WarningException::ALL {
            let p = plan(
                date!(2026 - 11 - 27),
                false,
                Some(&confirmed(Some(e))),
                &[],
                &[],
            );
            assert!(p.can_request, "{e:?}");
            assert!(p.why[0].contains(e.words()) && p.why[0].contains("threatened staff"));
        }
        let none = plan(
            date!(2026 - 11 - 27),
            false,
            Some(&confirmed(None)),
            &[],
            &[],
        );
        assert!(!none.can_request);
        assert!(none.why[0].contains("No warning"));
        assert_eq!(none.effective_on, None);
    }

    #[test]
    fn the_grounds_must_be_confirmed_first() {
        let ws = [warned(date!(2026 - 11 - 01))];
        for a in [
            None,
            Some(RemovalAssessment {
                grounds_confirmed: false,
                ..confirmed(None)
            }),
        ] {
            let p = plan(date!(2026 - 11 - 27), false, a.as_ref(), &ws, &[]);
            assert!(!p.can_request);
            assert!(p.why[0].contains("protected characteristic"));
        }
    }

    #[test]
    fn immediate_removal_needs_a_police_report_and_confirmation_within_seven_days() {
        let a = confirmed(None);
        let none = plan(date!(2026 - 11 - 27), true, Some(&a), &[], &[]);
        assert!(!none.can_request);
        assert!(none.why[0].contains("reported to the police"));
        let after = plan(
            date!(2026 - 11 - 27),
            true,
            Some(&a),
            &[],
            &[report(date!(2026 - 11 - 28))],
        );
        assert!(
            !after.can_request,
            "a report made after the request does not count"
        );

        let p = plan(
            date!(2026 - 11 - 27),
            true,
            Some(&a),
            &[],
            &[report(date!(2026 - 11 - 26))],
        );
        assert!(p.can_request, "{:?}", p.why);
        assert_eq!(p.effective_on, Some(date!(2026 - 11 - 27)), "at once");
        assert_eq!(p.confirm_in_writing_by, Some(date!(2026 - 12 - 04)));
        assert_eq!(p.police_reference.as_deref(), Some("TVP-42"));
        assert!(p.why.iter().any(|w| w.contains("Tell the patient")));
        let not_told = RemovalAssessment {
            patient_not_told_why: Some("No known address".into()),
            ..a
        };
        let p = plan(
            date!(2026 - 11 - 27),
            true,
            Some(&not_told),
            &[],
            &[report(date!(2026 - 11 - 26))],
        );
        assert!(p.why.iter().any(|w| w.contains("No known address")));
    }

    #[test]
    fn an_exception_needs_its_reason() {
        let e = RemovalAssessment::parse(true, Some("risk_to_others"), None, None).unwrap_err();
        assert!(e.get("exception_why").is_some());
        assert!(
            RemovalAssessment::parse(true, Some("bored"), Some("x"), None)
                .unwrap_err()
                .get("exception")
                .is_some()
        );
        let ok = RemovalAssessment::parse(true, Some("not_practicable"), Some("No address"), None)
            .unwrap();
        assert_eq!(ok.exception, Some(WarningException::NotPracticable));
    }
}
