//! The gift register: what was offered, by whom, worth how much, and what was done with
//! it. The rules are the GP contract's register of gifts (a gift from a patient, a
//! patient's relative, or someone who provides or wants to provide services, worth more
//! than £100, goes in the register, with the donor's NHS number or address) and the
//! defence bodies' advice to think before accepting anything from a patient who pursues
//! you. A running 12-month total per donor catches small gifts that add up.

use super::dates::{past_date, plus_days, plus_years};
use crate::case::PersonOfConcern;
use crate::occurred::iso_date;
use crate::{text, Email, FieldErrors, NhsNumber};
use serde::{Deserialize, Serialize};
use time::Date;

pub const DONOR_MAX: usize = 200;
pub const ADDRESS_MAX: usize = 500;
pub const DESCRIPTION_MAX: usize = 1_000;
pub const WHY_MAX: usize = 2_000;
/// £1,000,000 in pence: anything above is a typing mistake, not a gift to register.
pub const VALUE_MAX_PENCE: u64 = 100_000_000;
/// The contract's threshold: a gift worth *more than* this goes in the register.
pub const REGISTER_THRESHOLD_PENCE: u64 = 10_000;

mod kinds;
pub use kinds::{Decision, DonorKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gift {
    #[serde(with = "iso_date")]
    pub offered_on: Date,
    pub donor: String,
    pub donor_is: DonorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<NhsNumber>,
    /// The register asks for an address where there is no NHS number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donor_address: Option<String>,
    pub description: String,
    /// Whole pence, so that totals are exact.
    pub value_pence: u64,
    pub recipient_email: Email,
    pub decision: Decision,
    pub why: String,
}

/// What a person typed into the gift form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct GiftInput {
    pub offered_on: String,
    pub donor: String,
    pub donor_is: Option<String>,
    pub nhs_number: Option<String>,
    pub donor_address: Option<String>,
    pub description: String,
    pub value_pounds: String,
    pub recipient_email: String,
    pub decision: String,
    pub why: String,
}

/// Reads an amount in pounds as typed — `45`, `45.5`, `£1,250.00` — into pence.
///
/// # Errors
/// A sentence saying what is wrong.
pub fn parse_pounds(raw: &str) -> Result<u64, String> {
    let s: String = raw
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let bad = || "Enter the estimated value in pounds, like 25 or 12.50".to_string();
    if s.is_empty() {
        return Err(bad());
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 9
    {
        return Err(bad());
    }
    let pounds: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let pence: u64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    let total = pounds * 100 + pence;
    if total > VALUE_MAX_PENCE {
        return Err("Check the value: it is over £1,000,000".into());
    }
    Ok(total)
}

/// Pence as pounds for people: `£1,250.00`.
#[must_use]
pub fn pounds(pence: u64) -> String {
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{:02}", pence % 100)
}

impl Gift {
    /// # Errors
    /// Field errors for each field that is missing, too long or malformed.
    pub fn parse(input: &GiftInput, today: Date) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let offered_on = errors.check(
            "offered_on",
            past_date(&input.offered_on, today, "the date the gift was offered"),
        );
        let donor = errors.check(
            "donor",
            text::required(&input.donor, DONOR_MAX, "Say who offered the gift"),
        );
        let nhs_number = match input.nhs_number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => errors.check("nhs_number", NhsNumber::parse(n)),
        };
        let donor_is = match input.donor_is.as_deref().map(str::trim) {
            None | Some("") if input.nhs_number.as_deref().is_some_and(|n| !n.trim().is_empty()) => {
                Some(DonorKind::Patient)
            }
            None | Some("") => Some(DonorKind::NotSaid),
            Some(s) => errors.check(
                "donor_is",
                DonorKind::parse(s).ok_or(
                    "Say whether the donor is a patient, a patient's relative, a supplier or someone else",
                ),
            ),
        };
        let donor_address = errors.check(
            "donor_address",
            text::optional(
                input.donor_address.as_deref().unwrap_or_default(),
                ADDRESS_MAX,
            ),
        );
        let description = errors.check(
            "description",
            text::required(&input.description, DESCRIPTION_MAX, "Say what the gift was"),
        );
        let value_pence = errors.check("value_pounds", parse_pounds(&input.value_pounds));
        let recipient_email = errors.check(
            "recipient_email",
            Email::parse(&input.recipient_email).map_err(|e| format!("Who received it: {e}")),
        );
        let decision = errors.check(
            "decision",
            Decision::parse(&input.decision).ok_or(
                "Say what was done with it: declined, returned, accepted or given to the practice",
            ),
        );
        let why = errors.check(
            "why",
            text::required(
                &input.why,
                WHY_MAX,
                "Say why it was declined, returned or accepted",
            ),
        );
        errors.into_result()?;
        match (
            offered_on,
            donor,
            donor_is,
            description,
            value_pence,
            recipient_email,
            decision,
            why,
        ) {
            (
                Some(offered_on),
                Some(donor),
                Some(donor_is),
                Some(description),
                Some(value_pence),
                Some(recipient_email),
                Some(decision),
                Some(why),
            ) => Ok(Self {
                offered_on,
                donor,
                donor_is,
                nhs_number,
                donor_address: donor_address.flatten(),
                description,
                value_pence,
                recipient_email,
                decision,
                why,
            }),
            _ => Err(FieldErrors::one("donor", "Check the gift")),
        }
    }

    /// Whether this gift, on its own, must go in the register: worth more than £100 from
    /// a patient, their relative or a supplier.
    #[must_use]
    pub fn over_threshold(&self) -> bool {
        self.donor_is.counts_for_register() && self.value_pence > REGISTER_THRESHOLD_PENCE
    }

    /// Whether two gifts came from the same donor: the same NHS number where both have
    /// one, otherwise the same name, ignoring case and spacing.
    #[must_use]
    pub fn same_donor(&self, other: &Gift) -> bool {
        match (&self.nhs_number, &other.nhs_number) {
            (Some(a), Some(b)) => a == b,
            _ => normalise(&self.donor) == normalise(&other.donor),
        }
    }
}

/// The total value of the donor's gifts offered in the 12 months up to and including
/// `gift`'s date — `gift` itself included, gifts after it not.
#[must_use]
pub fn donor_total(gift: &Gift, earlier: &[Gift]) -> u64 {
    gift.value_pence + window_total(gift, earlier)
}

fn window_total(gift: &Gift, gifts: &[Gift]) -> u64 {
    let from = plus_days(plus_years(gift.offered_on, -1), 1);
    gifts
        .iter()
        .filter(|g| g.same_donor(gift) && g.offered_on >= from && g.offered_on <= gift.offered_on)
        .map(|g| g.value_pence)
        .sum()
}

/// What the register says of a new gift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftAssessment {
    pub needs_register_entry: bool,
    pub donor_total_pence: u64,
    pub warnings: Vec<String>,
}

/// Reads a new gift against the gifts already in the register.
#[must_use]
pub fn assess(gift: &Gift, earlier: &[Gift]) -> GiftAssessment {
    assess_with_total(gift, donor_total(gift, earlier))
}

fn assess_with_total(gift: &Gift, total: u64) -> GiftAssessment {
    let series = gift.donor_is.counts_for_register()
        && !gift.over_threshold()
        && total > REGISTER_THRESHOLD_PENCE;
    let mut warnings = Vec::new();
    if series {
        warnings.push(format!(
            "Gifts from this donor in the last 12 months come to {}: small gifts that add up to \
             more than £100 are worth a register entry and a conversation with the practice manager.",
            pounds(total)
        ));
    }
    if gift.donor_is == DonorKind::NotSaid {
        warnings.push(
            "You did not say who the donor is, so the gift is treated as a patient's.".into(),
        );
    }
    let register_needs_identity = (gift.over_threshold() || series)
        && gift.nhs_number.is_none()
        && gift.donor_address.is_none();
    if register_needs_identity {
        warnings.push(if gift.donor_is == DonorKind::Patient {
            "The register needs the patient's NHS number, or their address if you do not know it."
                .into()
        } else {
            "The register needs the donor's address.".into()
        });
    }
    GiftAssessment {
        needs_register_entry: gift.over_threshold() || series,
        donor_total_pence: total,
        warnings,
    }
}

/// Each gift of a register read against all the others, as [`assess`] read it when it
/// was new — except that gifts recorded later but offered earlier now count too.
#[must_use]
pub fn assess_register(gifts: &[Gift]) -> Vec<GiftAssessment> {
    gifts
        .iter()
        .map(|g| assess_with_total(g, window_total(g, gifts)))
        .collect()
}

/// How sure it is that a gift's donor is a case's person of concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DonorMatch {
    No,
    /// The same name as the person's label or one they are known by: perhaps them,
    /// perhaps a namesake. The recorder is asked.
    Likely,
    /// The same NHS number.
    Certain,
}

/// Whether the donor is the person of concern: certainly, with the same NHS number
/// (a different one rules them out); likely, with their label or a name they are known by.
#[must_use]
pub fn donor_match(gift: &Gift, person: &PersonOfConcern) -> DonorMatch {
    if let (Some(a), Some(b)) = (&gift.nhs_number, &person.nhs_number) {
        return if a == b {
            DonorMatch::Certain
        } else {
            DonorMatch::No
        };
    }
    let donor = normalise(&gift.donor);
    if normalise(&person.label) == donor || person.identifiers.iter().any(|i| normalise(i) == donor)
    {
        DonorMatch::Likely
    } else {
        DonorMatch::No
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests;
