//! The defence bodies' advice as a checklist per case. Each step is ticked with a date,
//! who did it and a note, or marked "not applicable, because…". Some steps tick
//! themselves from what the case records; one comes due again.

use super::dates::{past_date, plus_days};
use super::police::PoliceReport;
use super::warning::Warning;
use crate::occurred::iso_date;
use crate::text;
use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use time::Date;

pub const NOTE_MAX: usize = 2_000;
/// Privacy settings change and friends of friends accumulate: look again after this.
pub const SOCIAL_MEDIA_REVIEW_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    ToldLineManager,
    ContactedDefenceBody,
    ColleagueSupport,
    KeepingALog,
    ChaperoneForConsultations,
    GiftsDeclined,
    PersonalDetailsPrivate,
    SocialMediaReviewed,
    PoliceConsidered,
    PatientWarned,
    CareTransferredOrRemoved,
}

impl Step {
    /// In the order the advice is usually followed.
    pub const ALL: [Step; 11] = [
        Step::ToldLineManager,
        Step::ContactedDefenceBody,
        Step::KeepingALog,
        Step::ColleagueSupport,
        Step::PersonalDetailsPrivate,
        Step::SocialMediaReviewed,
        Step::ChaperoneForConsultations,
        Step::GiftsDeclined,
        Step::PoliceConsidered,
        Step::PatientWarned,
        Step::CareTransferredOrRemoved,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Step::ToldLineManager => "told_line_manager",
            Step::ContactedDefenceBody => "contacted_defence_body",
            Step::ColleagueSupport => "colleague_support",
            Step::KeepingALog => "keeping_a_log",
            Step::ChaperoneForConsultations => "chaperone_for_consultations",
            Step::GiftsDeclined => "gifts_declined",
            Step::PersonalDetailsPrivate => "personal_details_private",
            Step::SocialMediaReviewed => "social_media_reviewed",
            Step::PoliceConsidered => "police_considered",
            Step::PatientWarned => "patient_warned",
            Step::CareTransferredOrRemoved => "care_transferred_or_removed",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s.trim())
    }

    /// The step in a doctor's words, and what ticking it means.
    #[must_use]
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Step::ToldLineManager => ("Told my line manager", "Your clinical lead, practice manager or partner knows, so that the practice can support you."),
            Step::ContactedDefenceBody => ("Contacted my defence body", "Your medical defence organisation advises on exactly this; note their reference."),
            Step::ColleagueSupport => ("Support from colleagues", "Someone you trust at work knows what is happening."),
            Step::KeepingALog => ("Keeping a log", "Every inappropriate contact written down when it happens. Ticks itself with the first entry."),
            Step::ChaperoneForConsultations => ("Chaperone for all consultations", "Nobody sees this patient alone."),
            Step::GiftsDeclined => ("Gifts declined or returned", "Gifts from this patient are refused, returned or handed to the practice, and registered."),
            Step::PersonalDetailsPrivate => ("Personal e-mail and numbers kept out", "The patient has no private contact details; calls to them use a withheld number."),
            Step::SocialMediaReviewed => ("Social-media privacy reviewed", "Profiles locked down and the patient blocked. Due again every 90 days."),
            Step::PoliceConsidered => ("Police considered", "Whether to report to the police has been thought through. Ticks itself with a police report."),
            Step::PatientWarned => ("Patient warned", "The patient has been told their behaviour must stop. Ticks itself with a recorded warning."),
            Step::CareTransferredOrRemoved => ("Care transferred or patient removed from the list", "Another clinician or practice now looks after them. Ticks itself with a recorded transfer."),
        }
    }
}

/// A tick, or a reason the step does not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Done {
        #[serde(with = "iso_date")]
        on: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    NotApplicable {
        why: String,
    },
}

impl Mark {
    /// `done_on` (with an optional note) or `not_applicable`, exactly one.
    ///
    /// # Errors
    /// Field errors naming what is missing or wrong.
    pub fn parse(
        done_on: Option<&str>,
        note: Option<&str>,
        not_applicable: Option<&str>,
        today: Date,
    ) -> Result<Self, FieldErrors> {
        let blank = |s: Option<&str>| s.is_none_or(|s| s.trim().is_empty());
        match (blank(done_on), blank(not_applicable)) {
            (false, true) => {
                let mut errors = FieldErrors::new();
                let on = errors.check(
                    "done_on",
                    past_date(done_on.unwrap_or_default(), today, "the date it was done"),
                );
                let note = errors
                    .check("note", text::optional(note.unwrap_or_default(), NOTE_MAX))
                    .flatten();
                errors.into_result()?;
                match on {
                    Some(on) => Ok(Mark::Done { on, note }),
                    None => Err(FieldErrors::one("done_on", "Enter the date it was done")),
                }
            }
            (true, false) => {
                let why = text::required(
                    not_applicable.unwrap_or_default(),
                    NOTE_MAX,
                    "Say why this step does not apply",
                )
                .map_err(|e| FieldErrors::one("not_applicable", e.to_string()))?;
                Ok(Mark::NotApplicable { why })
            }
            (false, false) => Err(FieldErrors::one(
                "done_on",
                "Either give the date it was done, or say why it does not apply — not both",
            )),
            (true, true) => Err(FieldErrors::one(
                "done_on",
                "Enter the date it was done, or say why it does not apply",
            )),
        }
    }
}

/// Where one step stands today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    Open,
    Done {
        on: Date,
        note: Option<String>,
        by_itself: bool,
    },
    /// Done once, but due again (the social-media review) since this day.
    DueAgain {
        last_done: Date,
        due_since: Date,
    },
    NotApplicable {
        why: String,
    },
}

impl StepState {
    /// Whether this step still needs doing.
    #[must_use]
    pub fn is_outstanding(&self) -> bool {
        matches!(self, StepState::Open | StepState::DueAgain { .. })
    }
}

/// What the case records, for the steps that tick themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The day of the first logged contact's recording.
    pub first_entry_on: Option<Date>,
    pub warnings: &'a [Warning],
    pub reports: &'a [PoliceReport],
    /// The day care was first transferred elsewhere.
    pub transferred_on: Option<Date>,
}

/// Every step's state on `today`, in the order of [`Step::ALL`]. `marks` are oldest
/// first; the newest mark of a step counts.
#[must_use]
pub fn checklist(
    marks: &[(Step, Mark)],
    evidence: Evidence<'_>,
    today: Date,
) -> Vec<(Step, StepState)> {
    Step::ALL
        .into_iter()
        .map(|step| {
            let marked = marks
                .iter()
                .rev()
                .find(|(s, _)| *s == step)
                .map(|(_, m)| m.clone());
            let by_itself = match step {
                Step::KeepingALog => evidence.first_entry_on,
                Step::PatientWarned => evidence.warnings.iter().map(|w| w.given_on).max(),
                Step::PoliceConsidered => evidence.reports.iter().map(|r| r.reported_on).min(),
                Step::CareTransferredOrRemoved => evidence.transferred_on,
                _ => None,
            };
            let state = match (marked, by_itself) {
                (Some(Mark::NotApplicable { why }), None) => StepState::NotApplicable { why },
                (Some(Mark::Done { on, note }), _) => StepState::Done {
                    on,
                    note,
                    by_itself: false,
                },
                (_, Some(on)) => StepState::Done {
                    on,
                    note: None,
                    by_itself: true,
                },
                (None, None) => StepState::Open,
            };
            let state = match (step, state) {
                (Step::SocialMediaReviewed, StepState::Done { on, .. })
                    if today >= plus_days(on, SOCIAL_MEDIA_REVIEW_DAYS) =>
                {
                    StepState::DueAgain {
                        last_done: on,
                        due_since: plus_days(on, SOCIAL_MEDIA_REVIEW_DAYS),
                    }
                }
                (_, s) => s,
            };
            (step, state)
        })
        .collect()
}

/// The next thing to do: the first outstanding step.
#[must_use]
pub fn next_step(list: &[(Step, StepState)]) -> Option<Step> {
    list.iter()
        .find(|(_, s)| s.is_outstanding())
        .map(|(st, _)| *st)
}

/// A step's code, as routes and forms carry it.
impl std::str::FromStr for Step {
    type Err = UnknownStep;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(UnknownStep)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("there is no such step in the checklist")]
pub struct UnknownStep;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    fn state(list: &[(Step, StepState)], step: Step) -> StepState {
        list.iter()
            .find(|(s, _)| *s == step)
            .map(|(_, st)| st.clone())
            .unwrap()
    }

    #[test]
    fn everything_starts_open_and_the_first_step_is_next() {
        let list = checklist(&[], Evidence::default(), TODAY);
        assert_eq!(list.len(), 11);
        assert!(list.iter().all(|(_, s)| *s == StepState::Open));
        assert_eq!(next_step(&list), Some(Step::ToldLineManager));
    }

    #[test]
    fn the_log_the_warning_and_the_police_tick_themselves() {
        let w = Warning {
            given_on: date!(2026 - 10 - 01),
            how: "Letter".into(),
            reasons: "x".into(),
        };
        let r = PoliceReport {
            reported_on: date!(2026 - 11 - 02),
            force: "TVP".into(),
            officer: None,
            reference: "1".into(),
            summary: "x".into(),
        };
        let ev = Evidence {
            first_entry_on: Some(date!(2026 - 09 - 15)),
            warnings: &[w],
            reports: &[r],
            transferred_on: Some(date!(2026 - 11 - 20)),
        };
        let list = checklist(&[], ev, TODAY);
        for (step, on) in [
            (Step::KeepingALog, date!(2026 - 09 - 15)),
            (Step::PatientWarned, date!(2026 - 10 - 01)),
            (Step::PoliceConsidered, date!(2026 - 11 - 02)),
            (Step::CareTransferredOrRemoved, date!(2026 - 11 - 20)),
        ] {
            assert_eq!(
                state(&list, step),
                StepState::Done {
                    on,
                    note: None,
                    by_itself: true
                },
                "{step:?}"
            );
        }
        // A record outranks "not applicable": the thing did happen.
        let na = [(
            Step::PatientWarned,
            Mark::NotApplicable { why: "No".into() },
        )];
        assert!(matches!(
            state(&checklist(&na, ev, TODAY), Step::PatientWarned),
            StepState::Done { .. }
        ));
    }

    #[test]
    fn the_newest_mark_counts() {
        let marks = [
            (
                Step::ToldLineManager,
                Mark::NotApplicable {
                    why: "I am the partner".into(),
                },
            ),
            (
                Step::ToldLineManager,
                Mark::Done {
                    on: date!(2026 - 11 - 20),
                    note: Some("Dr Shah".into()),
                },
            ),
        ];
        let list = checklist(&marks, Evidence::default(), TODAY);
        assert_eq!(
            state(&list, Step::ToldLineManager),
            StepState::Done {
                on: date!(2026 - 11 - 20),
                note: Some("Dr Shah".into()),
                by_itself: false
            }
        );
        assert_eq!(next_step(&list), Some(Step::ContactedDefenceBody));
    }

    #[test]
    fn the_social_media_review_comes_due_again_after_ninety_days() {
        for (done, due) in [
            (date!(2026 - 08 - 30), false),
            (date!(2026 - 08 - 29), true),
        ] {
            let marks = [(
                Step::SocialMediaReviewed,
                Mark::Done {
                    on: done,
                    note: None,
                },
            )];
            let s = state(
                &checklist(&marks, Evidence::default(), TODAY),
                Step::SocialMediaReviewed,
            );
            assert_eq!(s.is_outstanding(), due, "done {done}: {s:?}");
        }
    }

    #[test]
    fn a_mark_is_a_date_or_a_reason_never_both() {
        assert!(Mark::parse(Some("2026-11-20"), Some("ref MDU-1"), None, TODAY).is_ok());
        assert!(Mark::parse(None, None, Some("Single-handed practice"), TODAY).is_ok());
        assert!(Mark::parse(Some("2026-11-20"), None, Some("x"), TODAY)
            .unwrap_err()
            .get("done_on")
            .unwrap()
            .contains("not both"));
        assert!(Mark::parse(None, None, None, TODAY).is_err());
        assert!(Mark::parse(Some("2026-12-20"), None, None, TODAY)
            .unwrap_err()
            .get("done_on")
            .unwrap()
            .contains("future"));
        assert!(Step::parse("patient_warned").is_some() && Step::parse("tea").is_none());
    }
}
