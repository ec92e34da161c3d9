//! Escalation prompts read from the log itself. Each says why it appeared — from what the
//! log holds — and what to consider. Published stalking guidance treats these as signs
//! that risk is rising: contact at home, contact that carries on after a warning, contact
//! through other people, and contact that is becoming more frequent.

use super::risk::RiskScreen;
use super::warning::Warning;
use crate::{Channel, ContactEntry};
use serde::Serialize;
use time::{Date, Duration};

/// What every prompt ends with.
const POLICE: &str = "If you are in danger now, call 999. Otherwise consider reporting to the police on 101, and tell your line manager and your defence body.";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    /// risk_screen, threat, four_pattern, at_home, after_warning, via_third_party or
    /// rising_rate.
    pub kind: &'static str,
    pub why: String,
    pub consider: String,
}

/// How many contacts in the last week make a rise worth a prompt, at the least.
pub const RISING_MIN: usize = 3;

/// The prompts for a case's contacts (as they read now, corrections applied), its
/// warnings and its risk screens (oldest first), on `today`.
#[must_use]
pub fn prompts(
    contacts: &[ContactEntry],
    warnings: &[Warning],
    screens: &[RiskScreen],
    today: Date,
) -> Vec<Prompt> {
    let mut out = Vec::new();
    match screens.last() {
        None if contacts.len() >= 2 => out.push(Prompt {
            kind: "risk_screen",
            why: format!("{} logged, and the risk questions have not been answered yet.", count(contacts.len(), "contact")),
            consider: "Answer the risk questions: they take two minutes, and answering them again later shows whether things are getting worse.".into(),
        }),
        Some(s) => {
            if s.threatened() {
                out.push(Prompt {
                    kind: "threat",
                    why: "The latest risk questions record a threat to hurt you, someone close to you, or themselves.".into(),
                    consider: format!("Threats are taken seriously by the police. {POLICE}"),
                });
            }
            if s.four_met() {
                out.push(Prompt {
                    kind: "four_pattern",
                    why: "The latest risk questions describe behaviour that is fixated, obsessive, unwanted and repeated: the pattern the police use to recognise stalking.".into(),
                    consider: format!("Stalking is a crime. {POLICE}"),
                });
            }
        }
        None => {}
    }
    let days = |c: Channel| {
        let mut d: Vec<Date> = contacts
            .iter()
            .filter(|e| e.channel == c)
            .map(|e| e.occurred.uk_date())
            .collect();
        d.sort();
        d
    };
    let at_home = days(Channel::AtHome);
    if let Some(last) = at_home.last() {
        out.push(Prompt {
            kind: "at_home",
            why: format!(
                "{} recorded at your home, the latest on {}. Someone who comes to where you live has moved beyond your work.",
                count(at_home.len(), "contact"),
                super::dates::human(*last)
            ),
            consider: format!("Review your safety at home: who knows your address, and how you get to and from work. {POLICE}"),
        });
    }
    if let Some(w) = warnings.iter().max_by_key(|w| w.given_on) {
        let after: Vec<Date> = contacts
            .iter()
            .map(|e| e.occurred.uk_date())
            .filter(|d| *d > w.given_on)
            .collect();
        if !after.is_empty() {
            out.push(Prompt {
                kind: "after_warning",
                why: format!(
                    "{} since the patient was warned on {}: the warning has not stopped it.",
                    count(after.len(), "contact"),
                    super::dates::human(w.given_on)
                ),
                consider: format!("This may be the time to ask for the patient's removal from the list or to transfer their care. {POLICE}"),
            });
        }
    }
    let third = days(Channel::ViaThirdParty);
    if let Some(last) = third.last() {
        out.push(Prompt {
            kind: "via_third_party",
            why: format!(
                "{} through other people, the latest on {}. Drawing others in is a sign the behaviour is spreading.",
                count(third.len(), "contact"),
                super::dates::human(*last)
            ),
            consider: format!("Tell colleagues and reception not to pass on anything about you. {POLICE}"),
        });
    }
    let in_week = |from: Date, to: Date| {
        contacts
            .iter()
            .filter(|e| {
                let d = e.occurred.uk_date();
                d > from && d <= to
            })
            .count()
    };
    let last_week = in_week(today - Duration::days(7), today);
    let before: Vec<usize> = (1..=3)
        .map(|w| {
            in_week(
                today - Duration::days(7 * (w + 1)),
                today - Duration::days(7 * w),
            )
        })
        .collect();
    let average = before.iter().sum::<usize>() as f64 / 3.0;
    if last_week >= RISING_MIN && last_week as f64 >= 2.0 * average.max(0.5) {
        out.push(Prompt {
            kind: "rising_rate",
            why: format!(
                "{} in the last 7 days, against {} a week on average in the three weeks before.",
                count(last_week, "contact"),
                format_average(average)
            ),
            consider: format!(
                "Contact that is becoming more frequent is a sign of rising risk. {POLICE}"
            ),
        });
    }
    out
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn format_average(a: f64) -> String {
    let tenths = (a * 10.0).round() / 10.0;
    if (tenths - tenths.round()).abs() < f64::EPSILON {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryInput;
    use crate::Timestamp;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 11 - 27);

    fn contact(channel: &str, on: Date) -> ContactEntry {
        ContactEntry::parse(
            &EntryInput {
                channel: Some(channel.into()),
                occurred_on: Some(crate::occurred::iso_date::format(on)),
                what_happened: Some("x".into()),
                ..EntryInput::default()
            },
            Timestamp::from_datetime(datetime!(2026-11-27 20:00 UTC)),
        )
        .unwrap()
    }

    /// Answers with every risk question "no", so that only the log's own prompts show.
    fn calm() -> [RiskScreen; 1] {
        [screen(&[])]
    }

    fn screen(yes: &[&str]) -> RiskScreen {
        RiskScreen {
            answers: super::super::risk::QUESTIONS
                .iter()
                .map(|(q, _)| ((*q).to_owned(), Some(yes.contains(q))))
                .collect(),
        }
    }

    #[test]
    fn the_risk_questions_are_offered_after_the_second_contact_and_read_after() {
        let one = [contact("email", date!(2026 - 11 - 01))];
        assert!(prompts(&one, &[], &[], TODAY).is_empty());
        let two = [
            contact("email", date!(2026 - 11 - 01)),
            contact("email", date!(2026 - 11 - 02)),
        ];
        assert_eq!(kinds(&prompts(&two, &[], &[], TODAY)), vec!["risk_screen"]);
        let worrying = [
            screen(&[]),
            screen(&["fixated", "obsessive", "unwanted", "repeated", "threats"]),
        ];
        assert_eq!(
            kinds(&prompts(&two, &[], &worrying, TODAY)),
            vec!["threat", "four_pattern"]
        );
        let better = [worrying[1].clone(), screen(&["repeated"])];
        assert!(
            prompts(&two, &[], &better, TODAY).is_empty(),
            "the latest answers count"
        );
    }

    fn kinds(p: &[Prompt]) -> Vec<&'static str> {
        p.iter().map(|p| p.kind).collect()
    }

    #[test]
    fn quiet_logs_prompt_nothing() {
        let c = [
            contact("email", date!(2026 - 11 - 01)),
            contact("text_message", date!(2026 - 11 - 10)),
        ];
        assert!(prompts(&c, &[], &calm(), TODAY).is_empty());
    }

    #[test]
    fn home_third_parties_and_contact_after_a_warning_each_prompt() {
        let w = Warning {
            given_on: date!(2026 - 11 - 10),
            how: "Letter".into(),
            reasons: "x".into(),
        };
        let c = [
            contact("at_home", date!(2026 - 11 - 05)),
            contact("via_third_party", date!(2026 - 11 - 08)),
            contact("email", date!(2026 - 11 - 10)),
        ];
        assert_eq!(
            kinds(&prompts(&c, std::slice::from_ref(&w), &calm(), TODAY)),
            vec!["at_home", "via_third_party"],
            "same-day contact is not after the warning"
        );
        let mut later = c.to_vec();
        later.push(contact("email", date!(2026 - 11 - 11)));
        let p = prompts(&later, &[w], &calm(), TODAY);
        assert_eq!(
            kinds(&p),
            vec!["at_home", "after_warning", "via_third_party"]
        );
        assert!(p[1]
            .why
            .starts_with("1 contact since the patient was warned on 10 Nov 2026"));
        assert!(p
            .iter()
            .all(|p| p.consider.contains("999") && p.consider.contains("101")));
    }

    #[test]
    fn a_rising_weekly_rate_prompts_and_a_steady_one_does_not() {
        let steady: Vec<ContactEntry> = (0..12)
            .map(|i| contact("email", TODAY - Duration::days(i * 2 + 1)))
            .collect();
        assert!(
            prompts(&steady, &[], &calm(), TODAY).is_empty(),
            "about 3 a week throughout"
        );
        let mut rising: Vec<ContactEntry> = (0..4)
            .map(|i| contact("email", TODAY - Duration::days(i)))
            .collect();
        rising.push(contact("email", TODAY - Duration::days(15)));
        let p = prompts(&rising, &[], &calm(), TODAY);
        assert_eq!(kinds(&p), vec!["rising_rate"]);
        assert!(
            p[0].why
                .contains("4 contacts in the last 7 days, against 0.3 a week"),
            "{}",
            p[0].why
        );
        let two: Vec<ContactEntry> = (0..2)
            .map(|i| contact("email", TODAY - Duration::days(i)))
            .collect();
        assert!(
            prompts(&two, &[], &calm(), TODAY).is_empty(),
            "fewer than three is not yet a pattern"
        );
    }
}
