//! Who gave a gift and what became of it, as the register sorts them.

use serde::{Deserialize, Serialize};

/// Who gave the gift, as the contract's register sorts donors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DonorKind {
    Patient,
    /// A relative of a patient.
    Relative,
    /// Someone who provides, or wants to provide, services to the practice.
    Supplier,
    Other,
    /// Not said: treated as a patient's gift, since missing a register entry is worse
    /// than making one too many.
    NotSaid,
}

impl DonorKind {
    pub const ALL: [DonorKind; 5] = [
        DonorKind::Patient,
        DonorKind::Relative,
        DonorKind::Supplier,
        DonorKind::Other,
        DonorKind::NotSaid,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DonorKind::Patient => "patient",
            DonorKind::Relative => "relative",
            DonorKind::Supplier => "supplier",
            DonorKind::Other => "other",
            DonorKind::NotSaid => "not_said",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DonorKind::Patient => "A patient",
            DonorKind::Relative => "A patient's relative",
            DonorKind::Supplier => "Someone who provides or wants to provide services",
            DonorKind::Other => "Someone else",
            DonorKind::NotSaid => "Not said",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    /// Whether the register rule applies to gifts from this donor.
    #[must_use]
    pub fn counts_for_register(self) -> bool {
        !matches!(self, DonorKind::Other)
    }
}

/// What became of the gift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Declined,
    Returned,
    Accepted,
    GivenToPractice,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::Declined,
        Decision::Returned,
        Decision::Accepted,
        Decision::GivenToPractice,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Decision::Declined => "declined",
            Decision::Returned => "returned",
            Decision::Accepted => "accepted",
            Decision::GivenToPractice => "given_to_practice",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Decision::Declined => "Declined",
            Decision::Returned => "Returned",
            Decision::Accepted => "Accepted",
            Decision::GivenToPractice => "Given to the practice",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == s.trim())
    }
}
