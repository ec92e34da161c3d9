//! A short risk screen, in Boundary's own words, built on the published stalking risk
//! factors: the stalking questions of the DASH risk checklist (S-DASH), and the FOUR
//! pattern that police use to recognise stalking — behaviour that is Fixated, Obsessive,
//! Unwanted and Repeated. It is offered after the second contact and can be repeated;
//! every answer set is kept, so the trend shows.

use crate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The questions, each answered yes, no or "don't know". The first four are the FOUR pattern.
pub const QUESTIONS: [(&str, &str); 14] = [
    (
        "fixated",
        "Do they seem fixated on you — returning to you again and again, whatever you do?",
    ),
    (
        "obsessive",
        "Does the behaviour seem driven, as if they cannot stop themselves?",
    ),
    (
        "unwanted",
        "Have you made clear, or would anyone see, that the contact is unwanted?",
    ),
    ("repeated", "Has it happened more than once?"),
    ("frightened", "Are you frightened of what they might do?"),
    (
        "threats",
        "Have they threatened to hurt you, someone close to you, or themselves?",
    ),
    (
        "violence",
        "Have they been violent to you or anyone else, as far as you know?",
    ),
    (
        "home_or_following",
        "Have they come to your home, or followed or watched you?",
    ),
    (
        "others_contacted",
        "Have they contacted your family, friends or colleagues about you?",
    ),
    ("worse", "Is it getting worse, or happening more often?"),
    (
        "property",
        "Have they damaged or interfered with your property?",
    ),
    (
        "sexual",
        "Have they made sexual or intimate remarks or advances?",
    ),
    (
        "others_targeted",
        "Do you know of them harassing anyone else before?",
    ),
    (
        "orders_broken",
        "Have they ignored a warning, an injunction or bail conditions?",
    ),
];

const FOUR: [&str; 4] = ["fixated", "obsessive", "unwanted", "repeated"];

/// One set of answers: each question's code and the answer, `None` where the doctor
/// does not know (whether they have harassed anyone before, say). On the wire that is
/// `true`, `false` or `null`, so sets recorded before "don't know" existed read the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskScreen {
    pub answers: BTreeMap<String, Option<bool>>,
}

impl RiskScreen {
    /// The answers as given: every question must be answered, and nothing else.
    ///
    /// # Errors
    /// Field errors naming unanswered or unknown questions.
    pub fn parse(answers: &BTreeMap<String, Option<bool>>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        for (code, _) in QUESTIONS {
            if !answers.contains_key(code) {
                errors.add(code, "Answer yes, no or don't know");
            }
        }
        for code in answers.keys() {
            if !QUESTIONS.iter().any(|(q, _)| q == code) {
                errors.add(code, "There is no such question");
            }
        }
        errors.into_result()?;
        Ok(Self {
            answers: answers.clone(),
        })
    }

    fn yes(&self, code: &str) -> bool {
        self.answers.get(code).copied().flatten().unwrap_or(false)
    }

    /// How many answers were yes: more means more of the known risk factors are present.
    #[must_use]
    pub fn score(&self) -> usize {
        self.answers.values().filter(|v| **v == Some(true)).count()
    }

    /// How many questions the doctor could not answer: a "don't know" is not a "no".
    #[must_use]
    pub fn unknown(&self) -> usize {
        self.answers.values().filter(|v| v.is_none()).count()
    }

    /// Fixated, obsessive, unwanted and repeated: the pattern of stalking.
    #[must_use]
    pub fn four_met(&self) -> bool {
        FOUR.iter().all(|q| self.yes(q))
    }

    /// A threat is recorded.
    #[must_use]
    pub fn threatened(&self) -> bool {
        self.yes("threats")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(yes: &[&str]) -> BTreeMap<String, Option<bool>> {
        QUESTIONS
            .iter()
            .map(|(q, _)| ((*q).to_owned(), Some(yes.contains(q))))
            .collect()
    }

    #[test]
    fn every_question_must_be_answered_and_no_other() {
        assert!(RiskScreen::parse(&all(&[])).is_ok());
        let mut missing = all(&[]);
        missing.remove("threats");
        assert!(RiskScreen::parse(&missing)
            .unwrap_err()
            .get("threats")
            .is_some());
        let mut extra = all(&[]);
        extra.insert("star_sign".into(), Some(true));
        assert!(RiskScreen::parse(&extra)
            .unwrap_err()
            .get("star_sign")
            .is_some());
    }

    #[test]
    fn the_four_pattern_needs_all_four_and_the_score_counts_yes() {
        let s = RiskScreen::parse(&all(&["fixated", "obsessive", "unwanted"])).unwrap();
        assert!(!s.four_met());
        assert_eq!(s.score(), 3);
        let s = RiskScreen::parse(&all(&[
            "fixated",
            "obsessive",
            "unwanted",
            "repeated",
            "threats",
        ]))
        .unwrap();
        assert!(s.four_met() && s.threatened());
        assert_eq!(s.score(), 5);
    }

    #[test]
    fn dont_know_answers_count_as_neither_yes_nor_no() {
        let mut answers = all(&["fixated", "obsessive", "unwanted", "repeated"]);
        answers.insert("others_targeted".into(), None);
        answers.insert("fixated".into(), None);
        let s = RiskScreen::parse(&answers).unwrap();
        assert_eq!((s.score(), s.unknown()), (3, 2));
        assert!(!s.four_met(), "an unknown is not a yes");
    }

    #[test]
    fn answers_recorded_before_dont_know_read_the_same_and_write_the_same() {
        let old = r#"{"answers":{"fixated":true,"threats":false}}"#;
        let s: RiskScreen = serde_json::from_str(old).unwrap();
        assert_eq!(s.answers["fixated"], Some(true));
        assert_eq!(serde_json::to_string(&s).unwrap(), old);
        let new: RiskScreen = serde_json::from_str(r#"{"answers":{"fixated":null}}"#).unwrap();
        assert_eq!(new.unknown(), 1);
    }
}
