//! The advice records of a case in words — a title, a detail and the day each belongs
//! to — for the case's timeline and the evidence pack alike.

use crate::advice::{AdviceRecords, Recorded};
use boundary_domain::advice::gift::pounds;
use boundary_domain::advice::Mark;
use boundary_domain::Timestamp;
use time::Date;

/// One record in words.
#[derive(Debug, Clone)]
pub struct RecordWords {
    /// The day it belongs to: when the warning was given, the report made, and so on.
    pub on: Date,
    pub recorded_at: Timestamp,
    pub title: String,
    pub detail: String,
}

fn words<T>(r: &Recorded<T>, on: Date, title: String, detail: String) -> RecordWords {
    RecordWords {
        on,
        recorded_at: r.recorded_at,
        title,
        detail,
    }
}

fn day_recorded<T>(r: &Recorded<T>) -> Date {
    boundary_domain::uk_time::to_uk(r.recorded_at.datetime()).date()
}

impl AdviceRecords {
    /// Every record in words, in no particular order.
    #[must_use]
    pub fn in_words(&self) -> Vec<RecordWords> {
        let mut out = Vec::new();
        for r in &self.warnings {
            let w = &r.record;
            out.push(words(
                r,
                w.given_on,
                format!("Warning given ({})", w.how),
                w.reasons.clone(),
            ));
        }
        for r in &self.police_reports {
            let p = &r.record;
            out.push(words(
                r,
                p.reported_on,
                format!("Reported to {} ({})", p.force, p.reference),
                p.summary.clone(),
            ));
        }
        for r in &self.chaperones {
            let c = &r.record;
            let detail = if c.declined {
                format!(
                    "A chaperone was offered and declined. Instead: {}",
                    c.instead.as_deref().unwrap_or("not said")
                )
            } else {
                format!(
                    "Chaperone: {}, {}",
                    c.chaperone_name.as_deref().unwrap_or_default(),
                    c.chaperone_role.as_deref().unwrap_or_default()
                )
            };
            out.push(words(
                r,
                c.consultation_on,
                "Consultation with a chaperone".into(),
                detail,
            ));
        }
        for r in &self.transfers {
            let t = &r.record;
            out.push(words(
                r,
                t.transferred_on,
                format!("Care transferred to {}", t.to),
                t.reason.clone(),
            ));
        }
        for r in &self.screens {
            let s = &r.record;
            out.push(words(
                r,
                day_recorded(r),
                "Risk questions answered".into(),
                format!(
                    "{} of {} signs present{}{}",
                    s.score(),
                    s.answers.len(),
                    match s.unknown() {
                        0 => String::new(),
                        n => format!("; {n} not known"),
                    },
                    if s.four_met() {
                        "; the FOUR pattern is met"
                    } else {
                        ""
                    }
                ),
            ));
        }
        for r in &self.marks {
            let (step, mark) = &r.record;
            let (on, detail) = match mark {
                Mark::Done { on, note } => (*on, note.clone().unwrap_or_else(|| "Done".into())),
                Mark::NotApplicable { why } => (day_recorded(r), format!("Not applicable: {why}")),
            };
            out.push(words(
                r,
                on,
                format!("Advice step: {}", step.words().0),
                detail,
            ));
        }
        for r in &self.gifts {
            let g = &r.record.1;
            out.push(words(
                r,
                g.offered_on,
                format!("Gift offered: {}", g.description),
                format!(
                    "{}, {}: {}",
                    pounds(g.value_pence),
                    g.decision.label(),
                    g.why
                ),
            ));
        }
        for r in &self.letters {
            let l = &r.record;
            out.push(words(
                r,
                l.written_on,
                format!("Letter kept: {}", l.kind.label()),
                l.text.clone(),
            ));
        }
        if let Some(r) = &self.assessment {
            let a = &r.record;
            out.push(words(
                r,
                day_recorded(r),
                "Removal from the list: the planner's questions answered".into(),
                match (&a.exception, &a.exception_why) {
                    (Some(e), Some(why)) => format!("No warning first, because {}: {why}", e.words()),
                    _ => "Grounds confirmed not to concern a protected characteristic or the patient's medical condition".into(),
                },
            ));
        }
        out
    }
}
