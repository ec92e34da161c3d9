//! A contact entry: what happened, when, how, and what it did to the doctor — and the
//! amendments that correct it without erasing it.

use crate::channel::Channel;
use crate::field_errors::FieldErrors;
use crate::occurred::{OccurredAt, When};
use crate::text;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// Limits on each field, in characters; README documents them.
pub const WHAT_HAPPENED_MAX: usize = 20_000;
pub const LONG_TEXT_MAX: usize = 5_000;
pub const SHORT_TEXT_MAX: usize = 200;
pub const REASON_MAX: usize = 2_000;

/// A contact entry exactly as the form or the API client sent it, before any checking.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryInput {
    pub occurred_at: Option<String>,
    pub occurred_on: Option<String>,
    pub approximate: Option<bool>,
    pub channel: Option<String>,
    pub platform: Option<String>,
    pub what_happened: Option<String>,
    pub location: Option<String>,
    pub witnesses: Option<String>,
    pub effect_on_me: Option<String>,
    pub my_response: Option<String>,
    pub police_reference: Option<String>,
}

/// A checked contact entry. Optional text is `None` rather than empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEntry {
    pub occurred: OccurredAt,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    pub what_happened: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witnesses: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_on_me: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_reference: Option<String>,
}

fn opt(errors: &mut FieldErrors, field: &str, raw: Option<&String>, max: usize) -> Option<String> {
    errors
        .check(field, text::optional(raw.map_or("", String::as_str), max))
        .flatten()
}

impl ContactEntry {
    /// Checks every field and reports every problem at once, so a doctor corrects the
    /// form in one go. With neither `occurred_at` nor `occurred_on`, the contact is taken
    /// to have happened just now.
    ///
    /// # Errors
    /// Field errors keyed by the input's field names.
    pub fn parse(input: &EntryInput, now: Timestamp) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let approximate = input.approximate.unwrap_or(false);
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let occurred = match (blank(&input.occurred_at), blank(&input.occurred_on)) {
            (true, true) => Some(OccurredAt::now(now)),
            (false, false) => {
                errors.add(
                    "occurred_at",
                    "Give either a date and time or a date, not both",
                );
                None
            }
            (false, true) => {
                let raw = input.occurred_at.as_deref().unwrap_or_default();
                errors
                    .check("occurred_at", OccurredAt::parse_time(raw))
                    .and_then(|w| errors.check("occurred_at", OccurredAt::new(w, approximate, now)))
            }
            (true, false) => {
                let raw = input.occurred_on.as_deref().unwrap_or_default();
                errors
                    .check("occurred_on", OccurredAt::parse_date(raw))
                    .and_then(|w| errors.check("occurred_on", OccurredAt::new(w, approximate, now)))
            }
        };
        let channel = match input.channel.as_deref() {
            None | Some("") => {
                errors.add("channel", "Choose how the contact happened");
                None
            }
            Some(c) => errors.check("channel", Channel::parse(c)),
        };
        let what_happened = errors.check(
            "what_happened",
            text::required(
                input.what_happened.as_deref().unwrap_or_default(),
                WHAT_HAPPENED_MAX,
                "Describe what happened",
            ),
        );
        let entry = Self {
            platform: opt(
                &mut errors,
                "platform",
                input.platform.as_ref(),
                SHORT_TEXT_MAX,
            ),
            location: opt(
                &mut errors,
                "location",
                input.location.as_ref(),
                SHORT_TEXT_MAX,
            ),
            witnesses: opt(
                &mut errors,
                "witnesses",
                input.witnesses.as_ref(),
                LONG_TEXT_MAX,
            ),
            effect_on_me: opt(
                &mut errors,
                "effect_on_me",
                input.effect_on_me.as_ref(),
                LONG_TEXT_MAX,
            ),
            my_response: opt(
                &mut errors,
                "my_response",
                input.my_response.as_ref(),
                LONG_TEXT_MAX,
            ),
            police_reference: opt(
                &mut errors,
                "police_reference",
                input.police_reference.as_ref(),
                SHORT_TEXT_MAX,
            ),
            occurred: occurred.unwrap_or(OccurredAt::now(now)),
            channel: channel.unwrap_or(Channel::Other),
            what_happened: what_happened.unwrap_or_default(),
        };
        errors.into_result().map(|()| entry)
    }

    /// This entry as it reads after the amendments, applied oldest first.
    #[must_use]
    pub fn amended<'a>(&self, amendments: impl IntoIterator<Item = &'a Amendment>) -> Self {
        let mut e = self.clone();
        for a in amendments {
            a.change.apply_to(&mut e);
        }
        e
    }
}

/// A field a doctor may correct after logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendableField {
    OccurredAt,
    OccurredOn,
    Approximate,
    Channel,
    Platform,
    WhatHappened,
    Location,
    Witnesses,
    EffectOnMe,
    MyResponse,
    PoliceReference,
}

impl AmendableField {
    pub const ALL: [AmendableField; 11] = [
        AmendableField::WhatHappened,
        AmendableField::OccurredAt,
        AmendableField::OccurredOn,
        AmendableField::Approximate,
        AmendableField::Channel,
        AmendableField::Platform,
        AmendableField::Location,
        AmendableField::Witnesses,
        AmendableField::EffectOnMe,
        AmendableField::MyResponse,
        AmendableField::PoliceReference,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            AmendableField::OccurredAt => "occurred_at",
            AmendableField::OccurredOn => "occurred_on",
            AmendableField::Approximate => "approximate",
            AmendableField::Channel => "channel",
            AmendableField::Platform => "platform",
            AmendableField::WhatHappened => "what_happened",
            AmendableField::Location => "location",
            AmendableField::Witnesses => "witnesses",
            AmendableField::EffectOnMe => "effect_on_me",
            AmendableField::MyResponse => "my_response",
            AmendableField::PoliceReference => "police_reference",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            AmendableField::OccurredAt => "When it happened (date and time)",
            AmendableField::OccurredOn => "When it happened (date only)",
            AmendableField::Approximate => "Whether the time is approximate",
            AmendableField::Channel => "How it happened",
            AmendableField::Platform => "App or platform",
            AmendableField::WhatHappened => "What happened",
            AmendableField::Location => "Where",
            AmendableField::Witnesses => "Witnesses",
            AmendableField::EffectOnMe => "The effect on me",
            AmendableField::MyResponse => "What I did",
            AmendableField::PoliceReference => "Police reference",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == s.trim())
    }
}

/// One checked correction, ready to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum Change {
    Occurred(OccurredAt),
    Approximate(bool),
    Channel(Channel),
    Text(TextField, Option<String>),
}

/// The free-text fields, for amendments that set one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Platform,
    WhatHappened,
    Location,
    Witnesses,
    EffectOnMe,
    MyResponse,
    PoliceReference,
}

impl Change {
    fn apply_to(&self, e: &mut ContactEntry) {
        match self {
            Change::Occurred(o) => e.occurred = *o,
            Change::Approximate(a) => e.occurred.approximate = *a,
            Change::Channel(c) => e.channel = *c,
            Change::Text(f, v) => {
                let slot = match f {
                    TextField::WhatHappened => {
                        e.what_happened.clone_from(&v.clone().unwrap_or_default());
                        return;
                    }
                    TextField::Platform => &mut e.platform,
                    TextField::Location => &mut e.location,
                    TextField::Witnesses => &mut e.witnesses,
                    TextField::EffectOnMe => &mut e.effect_on_me,
                    TextField::MyResponse => &mut e.my_response,
                    TextField::PoliceReference => &mut e.police_reference,
                };
                slot.clone_from(v);
            }
        }
    }
}

/// A correction with its reason: recorded beside the original, never over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub change: Change,
    pub reason: String,
}

/// A correction as a person asked for it: which part, its new value, and why.
#[derive(Debug, Clone, Default)]
pub struct AmendmentInput {
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl Amendment {
    /// Checks the new value as the field itself would be checked when logging.
    ///
    /// # Errors
    /// Field errors under `field`, `value` and `reason`.
    pub fn parse(
        field: &str,
        value: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check(
            "reason",
            text::required(reason, REASON_MAX, "Say why you are correcting this entry"),
        );
        let change = match AmendableField::parse(field) {
            None => {
                errors.add("field", "Choose which part of the entry to correct");
                None
            }
            Some(f) => errors.check("value", Self::change_for(f, value, now)),
        };
        errors.into_result()?;
        match (change, reason) {
            (Some(change), Some(reason)) => Ok(Self { change, reason }),
            _ => Err(FieldErrors::one("value", "Enter the corrected value")),
        }
    }

    fn change_for(f: AmendableField, value: &str, now: Timestamp) -> Result<Change, String> {
        let text = |max| text::optional(value, max).map_err(|e| e.to_string());
        let occurred = |w: Result<When, _>| -> Result<Change, String> {
            let w = w.map_err(|e: crate::occurred::OccurredError| e.to_string())?;
            OccurredAt::new(w, false, now)
                .map(Change::Occurred)
                .map_err(|e| e.to_string())
        };
        Ok(match f {
            AmendableField::OccurredAt => occurred(OccurredAt::parse_time(value))?,
            AmendableField::OccurredOn => occurred(OccurredAt::parse_date(value))?,
            AmendableField::Approximate => match value.trim() {
                "true" | "yes" => Change::Approximate(true),
                "false" | "no" => Change::Approximate(false),
                _ => return Err("Answer yes or no".into()),
            },
            AmendableField::Channel => {
                Change::Channel(Channel::parse(value).map_err(|e| e.to_string())?)
            }
            AmendableField::WhatHappened => Change::Text(
                TextField::WhatHappened,
                Some(
                    text::required(value, WHAT_HAPPENED_MAX, "Describe what happened")
                        .map_err(|e| e.to_string())?,
                ),
            ),
            AmendableField::Platform => Change::Text(TextField::Platform, text(SHORT_TEXT_MAX)?),
            AmendableField::Location => Change::Text(TextField::Location, text(SHORT_TEXT_MAX)?),
            AmendableField::Witnesses => Change::Text(TextField::Witnesses, text(LONG_TEXT_MAX)?),
            AmendableField::EffectOnMe => Change::Text(TextField::EffectOnMe, text(LONG_TEXT_MAX)?),
            AmendableField::MyResponse => Change::Text(TextField::MyResponse, text(LONG_TEXT_MAX)?),
            AmendableField::PoliceReference => {
                Change::Text(TextField::PoliceReference, text(SHORT_TEXT_MAX)?)
            }
        })
    }

    /// The field this amendment corrects, as the API names it.
    #[must_use]
    pub fn field(&self) -> AmendableField {
        match &self.change {
            Change::Occurred(o) => match o.when {
                When::At(_) => AmendableField::OccurredAt,
                When::On(_) => AmendableField::OccurredOn,
            },
            Change::Approximate(_) => AmendableField::Approximate,
            Change::Channel(_) => AmendableField::Channel,
            Change::Text(f, _) => match f {
                TextField::Platform => AmendableField::Platform,
                TextField::WhatHappened => AmendableField::WhatHappened,
                TextField::Location => AmendableField::Location,
                TextField::Witnesses => AmendableField::Witnesses,
                TextField::EffectOnMe => AmendableField::EffectOnMe,
                TextField::MyResponse => AmendableField::MyResponse,
                TextField::PoliceReference => AmendableField::PoliceReference,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn now() -> Timestamp {
        Timestamp::from_datetime(datetime!(2026-11-27 22:00 UTC))
    }

    fn input() -> EntryInput {
        EntryInput {
            channel: Some("text_message".into()),
            what_happened: Some("  Sent 14 messages overnight  ".into()),
            ..EntryInput::default()
        }
    }

    #[test]
    fn a_minimal_entry_happened_just_now() {
        let e = ContactEntry::parse(&input(), now()).unwrap();
        assert_eq!(e.occurred, OccurredAt::now(now()));
        assert_eq!(e.what_happened, "Sent 14 messages overnight");
        assert_eq!(e.location, None);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = EntryInput {
            channel: Some("pigeon".into()),
            what_happened: Some(" ".into()),
            occurred_at: Some("2027-01-01T00:00:00Z".into()),
            location: Some("x".repeat(SHORT_TEXT_MAX + 1)),
            ..EntryInput::default()
        };
        let errors = ContactEntry::parse(&bad, now()).unwrap_err();
        for f in ["channel", "what_happened", "occurred_at", "location"] {
            assert!(errors.get(f).is_some(), "{f}: {errors:?}");
        }
    }

    #[test]
    fn both_time_forms_are_refused() {
        let both = EntryInput {
            occurred_at: Some("2026-11-27T21:00:00Z".into()),
            occurred_on: Some("2026-11-27".into()),
            ..input()
        };
        assert!(ContactEntry::parse(&both, now())
            .unwrap_err()
            .get("occurred_at")
            .is_some());
    }

    #[test]
    fn amendments_apply_in_order_and_keep_the_original() {
        let original = ContactEntry::parse(&input(), now()).unwrap();
        let a1 = Amendment::parse("location", "Car park", "forgot", now()).unwrap();
        let a2 = Amendment::parse("location", "Surgery car park", "more exact", now()).unwrap();
        let a3 = Amendment::parse("occurred_on", "2026-11-20", "wrong day", now()).unwrap();
        let now_reads = original.amended([&a1, &a2, &a3]);
        assert_eq!(now_reads.location.as_deref(), Some("Surgery car park"));
        assert_eq!(
            now_reads.occurred.sort_key(),
            OccurredAt::new(OccurredAt::parse_date("2026-11-20").unwrap(), false, now())
                .unwrap()
                .sort_key()
        );
        assert_eq!(original.location, None);
        assert_eq!(a3.field(), AmendableField::OccurredOn);
    }

    #[test]
    fn amendments_are_checked_like_the_field() {
        assert!(Amendment::parse("what_happened", " ", "oops", now())
            .unwrap_err()
            .get("value")
            .is_some());
        assert!(Amendment::parse("channel", "fax", "oops", now())
            .unwrap_err()
            .get("value")
            .is_some());
        assert!(Amendment::parse("colour", "red", "oops", now())
            .unwrap_err()
            .get("field")
            .is_some());
        assert!(Amendment::parse("location", "x", " ", now())
            .unwrap_err()
            .get("reason")
            .is_some());
    }
}
