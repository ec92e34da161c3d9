//! Drafting letters from a case's facts. Boundary's own wording is in `templates/`; a
//! practice may replace it with its own, written with the same placeholders. Both are
//! rendered by `minijinja`, with every placeholder required to exist (a misspelt one is
//! refused when the template is saved) and a bounded amount of work per letter.

use boundary_domain::advice::dates::{human, plus_years};
use boundary_domain::advice::{LetterKind, PoliceReport, RemovalPlan, Warning, WarningException};
use minijinja::{Environment, UndefinedBehavior, Value};
use std::collections::BTreeMap;
use time::Date;

/// Where a fact is missing, the draft says what to write instead, in brackets.
const FULL_NAME: &str = "[The patient's full name]";
const ADDRESS: &str = "[The patient's address]";
const ADD_REASONS: &str = "[Say what the patient did, with dates: for example the messages, calls and visits in the log.]";

/// A practice's template may be this long, and no longer.
pub const TEMPLATE_MAX: usize = 20_000;

/// Rendering steps one letter may take: far more than any letter needs, far fewer than a
/// template that loops for ever.
const FUEL: u64 = 50_000;

/// The placeholders a template may use, and what each holds, for the page that edits them.
pub const PLACEHOLDERS: [(&str, &str); 20] = [
    ("practice", "the practice's name"),
    ("doctor", "your name"),
    (
        "patient",
        "the patient's name as the case records it (often a label, not their name)",
    ),
    (
        "full_name",
        "a marked space for the patient's full name, to fill in",
    ),
    (
        "address",
        "a marked space for the patient's address, to fill in",
    ),
    ("nhs_number", "the patient's NHS number, if recorded"),
    (
        "today",
        "the letter's date (for removal letters, the date of the request)",
    ),
    (
        "reasons",
        "the reasons given with the latest warning, or a note to fill in",
    ),
    ("warning_given_on", "the date of the latest warning, if any"),
    ("warning_how", "how the latest warning was given, if any"),
    (
        "lapses_on",
        "the last day the latest warning counts (or a year from today)",
    ),
    ("chaperone", "true when the case needs a chaperone"),
    ("immediate", "true for an immediate removal after violence"),
    ("requested_on", "the date of the removal request"),
    (
        "effective_on",
        "the day an ordinary removal takes effect, if it can be asked for",
    ),
    (
        "confirm_by",
        "the last day to confirm an immediate request in writing",
    ),
    (
        "police",
        "a sentence naming the police report, or a note to fill in",
    ),
    (
        "warning",
        "a sentence saying when the patient was warned, or why not",
    ),
    ("told", "a sentence saying how the patient is being told"),
    (
        "notes",
        "what the planner says must be settled first (a list)",
    ),
];

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

/// Boundary's own wording for a kind of letter.
#[must_use]
pub fn default_template(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::Warning => include_str!("../templates/warning.txt"),
        LetterKind::RemovalRequest => include_str!("../templates/removal_request.txt"),
        LetterKind::RemovalNotice => include_str!("../templates/removal_notice.txt"),
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // Letters are plain text: nothing is escaped, and a line break stays a line break.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

fn text(s: impl Into<String>) -> Value {
    Value::from(s.into())
}

fn maybe(s: Option<String>) -> Value {
    s.map_or(Value::from(()), Value::from)
}

fn context(f: &LetterFacts<'_>) -> Value {
    let r = f.removal.as_ref();
    let immediate = r.is_some_and(|r| r.immediate);
    let mut c: BTreeMap<&str, Value> = BTreeMap::new();
    c.insert("practice", text(f.practice));
    c.insert("doctor", text(f.doctor));
    c.insert("patient", text(f.patient));
    // A case is often labelled with something other than the person's name ("Patient
    // K"): a letter to them gets marked spaces for the real name and address instead.
    c.insert("full_name", text(FULL_NAME));
    c.insert("address", text(ADDRESS));
    c.insert("nhs_number", maybe(f.nhs_number.map(str::to_owned)));
    c.insert("today", text(human(f.today)));
    c.insert("requested_on", text(human(f.today)));
    c.insert(
        "reasons",
        text(f.warning.map_or(ADD_REASONS, |w| w.reasons.as_str())),
    );
    c.insert(
        "warning_given_on",
        maybe(f.warning.map(|w| human(w.given_on))),
    );
    c.insert("warning_how", maybe(f.warning.map(|w| w.how.clone())));
    // The warning the letter gives is the one recorded, when it is.
    c.insert(
        "lapses_on",
        text(human(plus_years(
            f.warning.map_or(f.today, |w| w.given_on),
            1,
        ))),
    );
    c.insert("chaperone", Value::from(f.chaperone_required));
    c.insert("immediate", Value::from(immediate));
    c.insert(
        "effective_on",
        maybe(r.and_then(|r| r.plan.effective_on).map(human)),
    );
    c.insert(
        "confirm_by",
        maybe(r.and_then(|r| r.plan.confirm_in_writing_by).map(human)),
    );
    c.insert("police", text(match r.and_then(|r| r.police) {
        Some(p) => format!(
            "We reported the incident to {} on {}; the incident number is {}.",
            p.force,
            human(p.reported_on),
            p.reference
        ),
        None => "[The incident must be reported to the police first: add the force, the date and the incident number.]".into(),
    }));
    c.insert(
        "warning",
        text(warning_words(f.warning, r.and_then(|r| r.exception))),
    );
    c.insert("told", text(match (immediate, r.and_then(|r| r.not_told_why)) {
        (true, Some(why)) => format!("We have not told the patient, because it is not reasonably practicable: {why}"),
        (true, None) => "We are telling the patient about the removal and its reasons.".into(),
        (false, _) => "We are telling the patient in writing that we have asked for their removal, and why.".into(),
    }));
    let notes: Vec<Value> = match r {
        Some(r) if !r.plan.can_request => r.plan.why.iter().map(|w| text(w.as_str())).collect(),
        _ => Vec::new(),
    };
    c.insert("notes", Value::from(notes));
    Value::from_object(c)
}

/// Why a practice's template cannot be used, in a sentence for the person editing it.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("Write the template, or go back to Boundary's wording.")]
    Empty,
    #[error("Keep the template to {TEMPLATE_MAX} characters or fewer (it has {0}).")]
    TooLong(usize),
    #[error("{}", explain(.0))]
    Unusable(#[source] minijinja::Error),
}

fn render(template: &str, f: &LetterFacts<'_>) -> Result<String, TemplateError> {
    environment()
        .render_str(template, context(f))
        .map_err(TemplateError::Unusable)
}

/// A template error in a sentence, with its line where there is one.
fn explain(e: &minijinja::Error) -> String {
    let what = match e.kind() {
        minijinja::ErrorKind::UndefinedError => {
            "it uses a placeholder that does not exist (check the spelling against the list)"
                .to_owned()
        }
        minijinja::ErrorKind::SyntaxError => format!(
            "it is not written correctly: {}",
            e.detail().unwrap_or("check the {{ }} and {% %} pairs")
        ),
        minijinja::ErrorKind::OutOfFuel => "it would take too long to fill in".to_owned(),
        _ => e.detail().unwrap_or("it could not be filled in").to_owned(),
    };
    match e.line() {
        Some(line) => format!("The template cannot be used: {what} (line {line})."),
        None => format!("The template cannot be used: {what}."),
    }
}

/// The draft of a letter of this kind, from the practice's own template when it has one.
/// Facts the case does not hold are left as bracketed notes for the doctor to complete.
#[must_use]
pub fn draft(kind: LetterKind, f: &LetterFacts<'_>, practice_template: Option<&str>) -> String {
    if let Some(own) = practice_template {
        match render(own, f) {
            Ok(letter) => return letter,
            Err(why) => {
                let ours = render(default_template(kind), f).unwrap_or_default();
                return format!("[The practice's own wording could not be used, so this is Boundary's. {why}]\n\n{ours}");
            }
        }
    }
    // Boundary's templates are tested with every kind of facts; should one ever fail,
    // an empty draft is better than a panic.
    render(default_template(kind), f).unwrap_or_default()
}

/// Whether a practice's template can be used: it must parse, use only the placeholders
/// listed, and fill in within bounds, for an ordinary and an immediate removal alike.
///
/// # Errors
/// What is wrong with it, in words for the person editing it.
pub fn check_template(template: &str) -> Result<(), TemplateError> {
    if template.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    let len = template.chars().count();
    if len > TEMPLATE_MAX {
        return Err(TemplateError::TooLong(len));
    }
    let plan = RemovalPlan {
        can_request: false,
        why: vec!["An example of something to settle.".into()],
        effective_on: None,
        confirm_in_writing_by: None,
        police_reference: None,
    };
    for immediate in [false, true] {
        let facts = LetterFacts {
            practice: "Riverside Surgery",
            doctor: "Dr A",
            patient: "Patient A",
            nhs_number: None,
            today: time::macros::date!(2026 - 01 - 01),
            warning: None,
            chaperone_required: immediate,
            removal: Some(RemovalFacts {
                immediate,
                plan: &plan,
                police: None,
                exception: None,
                not_told_why: None,
            }),
        };
        render(template, &facts)?;
    }
    Ok(())
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
