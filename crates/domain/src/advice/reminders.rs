//! What is coming due on a case, and when to remind its owner by e-mail: a checklist
//! step due again, the 7-day deadline to confirm an immediate removal request in writing,
//! and the day an ordinary removal takes effect. The e-mails say only that something is
//! due; these words are for the owner's own pages.

use super::checklist::{Step, StepState};
use super::dates::{human, plus_days};
use super::removal::{CONFIRM_IN_WRITING_DAYS, ORDINARY_EFFECT_DAYS};
use super::{Letter, LetterKind};
use crate::CaseId;
use time::Date;

/// One thing coming due on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// For the owner's pages: what is due, in words.
    pub words: String,
    pub due_on: Date,
    /// Due until someone does it (a checklist step), rather than on a day that passes.
    pub until_done: bool,
    /// Each e-mail to send about it: a key that is sent once, and the day to send it.
    pub sends: Vec<(String, Date)>,
}

/// Everything due on a case, from its checklist and the removal requests kept as letters.
/// A request kept again (a corrected letter) is the same request: its reminders are
/// keyed by its date and kind, so they go once and are listed once.
#[must_use]
pub fn due(case: CaseId, steps: &[(Step, StepState)], requests: &[&Letter]) -> Vec<Due> {
    let mut out = Vec::new();
    for (step, state) in steps {
        if let StepState::DueAgain {
            last_done,
            due_since,
        } = state
        {
            out.push(Due {
                words: format!(
                    "{} is due again: it was last done on {}.",
                    step.words().0,
                    human(*last_done)
                ),
                due_on: *due_since,
                until_done: true,
                sends: vec![(
                    format!("step/{case}/{}/{due_since}", step.code()),
                    *due_since,
                )],
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for letter in requests {
        let (LetterKind::RemovalRequest, Some(requested_on)) = (letter.kind, letter.requested_on)
        else {
            continue;
        };
        if !seen.insert((requested_on, letter.immediate)) {
            continue;
        }
        if letter.immediate {
            let by = plus_days(requested_on, CONFIRM_IN_WRITING_DAYS);
            out.push(Due {
                words: format!(
                    "Confirm the immediate removal request of {} in writing by {}.",
                    human(requested_on),
                    human(by)
                ),
                due_on: by,
                until_done: false,
                // Once when the request is kept, and again the day before the deadline.
                sends: vec![
                    (format!("confirm/{case}/{requested_on}/kept"), requested_on),
                    (
                        format!("confirm/{case}/{requested_on}/eve"),
                        plus_days(by, -1),
                    ),
                ],
            });
        } else {
            let on = plus_days(requested_on, ORDINARY_EFFECT_DAYS);
            out.push(Due {
                words: format!(
                    "The removal asked for on {} takes effect on {}, if NHS England received the request that day.",
                    human(requested_on),
                    human(on)
                ),
                due_on: on,
                until_done: false,
                sends: vec![(format!("effective/{case}/{requested_on}"), on)],
            });
        }
    }
    out.sort_by_key(|d| d.due_on);
    out
}

/// The e-mails to send on `today`: each whose day has come, within the last `catch_up`
/// days — a server that was down sends what it missed, but not reminders long past.
#[must_use]
pub fn to_send(dues: &[Due], today: Date, catch_up: i64) -> Vec<String> {
    let from = plus_days(today, -catch_up);
    dues.iter()
        .flat_map(|d| d.sends.iter())
        .filter(|(_, on)| *on <= today && *on >= from)
        .map(|(key, _)| key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn case() -> CaseId {
        CaseId::from_random([7; 16])
    }

    fn request(on: &str, immediate: bool) -> Letter {
        Letter::parse(
            "removal_request",
            "To NHS England",
            Some(on),
            immediate,
            date!(2026 - 11 - 27),
        )
        .unwrap()
    }

    #[test]
    fn an_immediate_request_is_reminded_when_kept_and_the_day_before_its_deadline() {
        let letter = request("2026-11-20", true);
        // Kept twice (corrected): one request, reminded once.
        let again = request("2026-11-20", true);
        let d = due(case(), &[], &[&letter, &again]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].due_on, date!(2026 - 11 - 27));
        assert!(d[0].words.contains("by 27 Nov 2026"), "{:?}", d[0]);
        // (today, catch-up days, keys sent)
        let table = [
            (date!(2026 - 11 - 19), 3, vec![]),
            (date!(2026 - 11 - 20), 3, vec!["kept"]),
            (date!(2026 - 11 - 25), 3, vec![]),
            (date!(2026 - 11 - 25), 5, vec!["kept"]),
            (date!(2026 - 11 - 26), 3, vec!["eve"]),
            (date!(2026 - 11 - 28), 3, vec!["eve"]),
            (date!(2026 - 12 - 10), 3, vec![]),
        ];
        for (today, catch_up, want) in table {
            let got = to_send(&d, today, catch_up);
            let want: Vec<String> = want
                .iter()
                .map(|w| format!("confirm/{}/2026-11-20/{w}", case()))
                .collect();
            assert_eq!(got, want, "{today} catch-up {catch_up}");
        }
    }

    #[test]
    fn an_ordinary_request_is_reminded_on_the_eighth_day() {
        let letter = request("2026-11-20", false);
        let d = due(case(), &[], &[&letter]);
        assert_eq!(d[0].due_on, date!(2026 - 11 - 28));
        assert!(to_send(&d, date!(2026 - 11 - 27), 3).is_empty());
        assert_eq!(
            to_send(&d, date!(2026 - 11 - 28), 3),
            vec![format!("effective/{}/2026-11-20", case())]
        );
    }

    #[test]
    fn a_step_due_again_is_reminded_and_other_letters_are_not() {
        let steps = [
            (Step::ToldLineManager, StepState::Open),
            (
                Step::SocialMediaReviewed,
                StepState::DueAgain {
                    last_done: date!(2026 - 08 - 01),
                    due_since: date!(2026 - 10 - 30),
                },
            ),
        ];
        let warning =
            Letter::parse("warning", "Dear Alex", None, false, date!(2026 - 11 - 27)).unwrap();
        let d = due(case(), &steps, &[&warning]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].words.contains("last done on 1 Aug 2026"), "{:?}", d[0]);
        assert_eq!(to_send(&d, date!(2026 - 10 - 31), 3).len(), 1);
    }
}
