//! The chaperone register: for each consultation with the person of concern, who
//! chaperoned and in what role — or that a chaperone was offered and declined, and what
//! was done instead — and whether the patient consented.

use super::dates::past_date;
use crate::entry::ContactEntry;
use crate::occurred::iso_date;
use crate::text;
use crate::{Channel, FieldErrors};
use serde::{Deserialize, Serialize};
use time::Date;

pub const NAME_MAX: usize = 120;
pub const INSTEAD_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChaperoneRecord {
    #[serde(with = "iso_date")]
    pub consultation_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chaperone_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chaperone_role: Option<String>,
    /// A chaperone was offered and the patient declined one.
    pub declined: bool,
    /// When declined: what was done instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    pub patient_consent: bool,
}

/// What a person typed.
#[derive(Debug, Clone, Default)]
pub struct ChaperoneInput {
    pub consultation_on: String,
    pub chaperone_name: Option<String>,
    pub chaperone_role: Option<String>,
    pub declined: bool,
    pub instead: Option<String>,
    pub patient_consent: Option<bool>,
}

impl ChaperoneRecord {
    /// # Errors
    /// Field errors: a chaperone needs a name and role unless declined; declining needs
    /// what was done instead; consent must be answered.
    pub fn parse(input: &ChaperoneInput, today: Date) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let on = errors.check(
            "consultation_on",
            past_date(
                &input.consultation_on,
                today,
                "the date of the consultation",
            ),
        );
        let opt = |errors: &mut FieldErrors, field: &str, v: &Option<String>, max: usize| {
            errors
                .check(field, text::optional(v.as_deref().unwrap_or_default(), max))
                .flatten()
        };
        let name = opt(
            &mut errors,
            "chaperone_name",
            &input.chaperone_name,
            NAME_MAX,
        );
        let role = opt(
            &mut errors,
            "chaperone_role",
            &input.chaperone_role,
            NAME_MAX,
        );
        let instead = opt(&mut errors, "instead", &input.instead, INSTEAD_MAX);
        if input.declined {
            if instead.is_none() {
                errors.add("instead", "Say what was done instead, for example the door left open and a colleague nearby");
            }
        } else {
            if name.is_none() {
                errors.add(
                    "chaperone_name",
                    "Enter the chaperone's name, or say that a chaperone was offered and declined",
                );
            }
            if role.is_none() {
                errors.add(
                    "chaperone_role",
                    "Enter the chaperone's role, for example practice nurse",
                );
            }
        }
        if input.patient_consent.is_none() {
            errors.add("patient_consent", "Say whether the patient consented");
        }
        errors.into_result()?;
        match on {
            Some(consultation_on) => Ok(Self {
                consultation_on,
                chaperone_name: name,
                chaperone_role: role,
                declined: input.declined,
                instead,
                patient_consent: input.patient_consent.unwrap_or(false),
            }),
            None => Err(FieldErrors::one(
                "consultation_on",
                "Enter the date of the consultation",
            )),
        }
    }
}

/// Whether logging `contact` on a case needs a chaperone record first: a consultation,
/// on a case that requires a chaperone, with none recorded for that day.
#[must_use]
pub fn needs_record(required: bool, contact: &ContactEntry, records: &[ChaperoneRecord]) -> bool {
    required
        && contact.channel == Channel::InConsultation
        && !records
            .iter()
            .any(|r| r.consultation_on == contact.occurred.uk_date())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryInput;
    use crate::Timestamp;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 11 - 27);

    fn input() -> ChaperoneInput {
        ChaperoneInput {
            consultation_on: "2026-11-26".into(),
            chaperone_name: Some("Sam Lee".into()),
            chaperone_role: Some("Practice nurse".into()),
            declined: false,
            instead: None,
            patient_consent: Some(true),
        }
    }

    #[test]
    fn a_chaperone_or_a_declined_offer_with_what_was_done_instead() {
        assert!(ChaperoneRecord::parse(&input(), TODAY).is_ok());
        let e = ChaperoneRecord::parse(
            &ChaperoneInput {
                chaperone_name: None,
                chaperone_role: None,
                ..input()
            },
            TODAY,
        )
        .unwrap_err();
        assert!(e.get("chaperone_name").is_some() && e.get("chaperone_role").is_some());
        let declined = ChaperoneInput {
            chaperone_name: None,
            chaperone_role: None,
            declined: true,
            ..input()
        };
        assert!(ChaperoneRecord::parse(&declined, TODAY)
            .unwrap_err()
            .get("instead")
            .is_some());
        let ok = ChaperoneInput {
            instead: Some("Door open, receptionist outside".into()),
            ..declined
        };
        assert!(ChaperoneRecord::parse(&ok, TODAY).unwrap().declined);
        let no_consent = ChaperoneInput {
            patient_consent: None,
            ..input()
        };
        assert!(ChaperoneRecord::parse(&no_consent, TODAY)
            .unwrap_err()
            .get("patient_consent")
            .is_some());
    }

    #[test]
    fn a_consultation_on_a_flagged_case_needs_a_record_for_its_day() {
        let at = |t| {
            ContactEntry::parse(
                &EntryInput {
                    channel: Some("in_consultation".into()),
                    what_happened: Some("x".into()),
                    occurred_at: Some(t),
                    ..EntryInput::default()
                },
                Timestamp::from_datetime(datetime!(2026-11-27 12:00 UTC)),
            )
            .unwrap()
        };
        // 23:30 UTC on 25 November is 25 November in the UK in winter.
        let consult = at("2026-11-25T23:30:00Z".to_owned());
        let rec = ChaperoneRecord::parse(
            &ChaperoneInput {
                consultation_on: "2026-11-25".into(),
                ..input()
            },
            TODAY,
        )
        .unwrap();
        assert!(needs_record(true, &consult, &[]));
        assert!(!needs_record(true, &consult, std::slice::from_ref(&rec)));
        assert!(!needs_record(false, &consult, &[]), "no flag, no rule");
        let other_day = ChaperoneRecord {
            consultation_on: date!(2026 - 11 - 24),
            ..rec
        };
        assert!(needs_record(true, &consult, &[other_day]));
    }
}
