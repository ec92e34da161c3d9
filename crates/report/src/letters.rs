//! Drafting letters from a case's facts with text templates in `templates/`.

use askama::Template;
use boundary_domain::advice::dates::human;
use boundary_domain::advice::{LetterKind, PoliceReport, RemovalPlan, Warning, WarningException};
use time::Date;

/// Where a fact is missing, the draft says what to write instead, in brackets.
const ADD_REASONS: &str = "[Say what the patient did, with dates: for example the messages, calls and visits in the log.]";

/// What a letter may say about the case.
#[derive(Debug, Clone)]
pub struct LetterFacts<'a> {
    pub practice: &'a str,
    pub doctor: &'a str,
    /// The patient's name as the case records it; the doctor may need to complete it.
    pub patient: &'a str,
    pub nhs_number: Option<&'a str>,
    pub today: Date,
    /// The latest warning, if one was given.
    pub warning: Option<&'a Warning>,
    pub chaperone_required: bool,
    /// For the removal letters.
    pub removal: Option<RemovalFacts<'a>>,
}

#[derive(Debug, Clone)]
pub struct RemovalFacts<'a> {
    pub immediate: bool,
    pub plan: &'a RemovalPlan,
    /// The report the planner read, for an immediate removal.
    pub police: Option<&'a PoliceReport>,
    /// Why no warning was needed, when none counts.
    pub exception: Option<(WarningException, &'a str)>,
    /// Why the patient cannot be told, for an immediate removal.
    pub not_told_why: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "warning.txt", escape = "none")]
struct WarningLetter<'a> {
    practice: &'a str,
    doctor: &'a str,
    patient: &'a str,
    nhs_number: Option<&'a str>,
    today: String,
    reasons: &'a str,
    lapses_on: String,
    chaperone: bool,
}

#[derive(Template)]
#[template(path = "removal_request.txt", escape = "none")]
struct RemovalRequest<'a> {
    practice: &'a str,
    doctor: &'a str,
    patient: &'a str,
    nhs_number: &'a str,
    today: String,
    /// What the planner says still stands in the way, for the doctor to settle first.
    notes: Vec<String>,
    immediate: bool,
    police: String,
    confirm_by: Option<String>,
    warning: String,
    effective_on: Option<String>,
    reasons: &'a str,
    told: String,
}

#[derive(Template)]
#[template(path = "removal_notice.txt", escape = "none")]
struct RemovalNotice<'a> {
    practice: &'a str,
    doctor: &'a str,
    patient: &'a str,
    nhs_number: Option<&'a str>,
    today: String,
    immediate: bool,
    effective_on: Option<String>,
    reasons: &'a str,
}

/// The draft of a letter of this kind. Facts the case does not hold are left as
/// bracketed notes for the doctor to complete.
#[must_use]
pub fn draft(kind: LetterKind, f: &LetterFacts<'_>) -> String {
    let reasons = f.warning.map_or(ADD_REASONS, |w| w.reasons.as_str());
    let today = human(f.today);
    let rendered = match kind {
        LetterKind::Warning => WarningLetter {
            practice: f.practice,
            doctor: f.doctor,
            patient: f.patient,
            nhs_number: f.nhs_number,
            // The warning the letter gives is the one recorded, when it is.
            lapses_on: human(boundary_domain::advice::dates::plus_years(
                f.warning.map_or(f.today, |w| w.given_on),
                1,
            )),
            today,
            reasons,
            chaperone: f.chaperone_required,
        }
        .render(),
        LetterKind::RemovalRequest => {
            let r = f.removal.as_ref();
            let immediate = r.is_some_and(|r| r.immediate);
            RemovalRequest {
                practice: f.practice,
                doctor: f.doctor,
                patient: f.patient,
                nhs_number: f.nhs_number.unwrap_or("[add the patient's NHS number]"),
                today,
                notes: match r {
                    Some(r) if !r.plan.can_request => r.plan.why.clone(),
                    _ => Vec::new(),
                },
                immediate,
                police: match r.and_then(|r| r.police) {
                    Some(p) => format!(
                        "We reported the incident to {} on {}; the incident number is {}.",
                        p.force,
                        human(p.reported_on),
                        p.reference
                    ),
                    None => "[The incident must be reported to the police first: add the force, the date and the incident number.]".into(),
                },
                confirm_by: r.and_then(|r| r.plan.confirm_in_writing_by).map(human),
                warning: warning_words(f.warning, r.and_then(|r| r.exception)),
                effective_on: r.and_then(|r| r.plan.effective_on).map(human),
                reasons,
                told: match (immediate, r.and_then(|r| r.not_told_why)) {
                    (true, Some(why)) => format!("We have not told the patient, because it is not reasonably practicable: {why}"),
                    (true, None) => "We are telling the patient about the removal and its reasons.".into(),
                    (false, _) => "We are telling the patient in writing that we have asked for their removal, and why.".into(),
                },
            }
            .render()
        }
        LetterKind::RemovalNotice => {
            let r = f.removal.as_ref();
            RemovalNotice {
                practice: f.practice,
                doctor: f.doctor,
                patient: f.patient,
                nhs_number: f.nhs_number,
                today,
                immediate: r.is_some_and(|r| r.immediate),
                effective_on: r.and_then(|r| r.plan.effective_on).map(human),
                reasons,
            }
            .render()
        }
    };
    // The templates are compiled in and take only strings: rendering cannot fail, but if
    // it ever did, an empty draft is better than a panic.
    rendered.unwrap_or_default()
}

fn warning_words(warning: Option<&Warning>, exception: Option<(WarningException, &str)>) -> String {
    match (warning, exception) {
        (Some(w), _) => format!(
            "We warned the patient on {} ({}) that their registration was at risk.",
            human(w.given_on),
            w.how
        ),
        (None, Some((e, why))) => format!(
            "We did not warn the patient first, because {}: {why}",
            e.words()
        ),
        (None, None) => "[Say when the patient was warned, or why a warning was not given.]".into(),
    }
}

#[cfg(test)]
mod tests;
