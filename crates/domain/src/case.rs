//! A case: one clinician and one person of concern.

use crate::field_errors::FieldErrors;
use crate::nhs_number::NhsNumber;
use crate::text;
use serde::{Deserialize, Serialize};

/// Limits on what a person of concern's record may hold; README documents them.
pub const LABEL_MAX: usize = 100;
pub const IDENTIFIER_MAX: usize = 200;
pub const IDENTIFIERS_MAX: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Warned,
    CareTransferred,
    RemovedFromList,
    PoliceInvolved,
    Closed,
}

impl CaseStatus {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Warned => "warned",
            CaseStatus::CareTransferred => "care_transferred",
            CaseStatus::RemovedFromList => "removed_from_list",
            CaseStatus::PoliceInvolved => "police_involved",
            CaseStatus::Closed => "closed",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "Open",
            CaseStatus::Warned => "Warned",
            CaseStatus::CareTransferred => "Care transferred",
            CaseStatus::RemovedFromList => "Removed from list",
            CaseStatus::PoliceInvolved => "Police involved",
            CaseStatus::Closed => "Closed",
        }
    }

    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::Open,
        CaseStatus::Warned,
        CaseStatus::CareTransferred,
        CaseStatus::RemovedFromList,
        CaseStatus::PoliceInvolved,
        CaseStatus::Closed,
    ];

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s.trim())
    }
}

pub const STATUS_NOTE_MAX: usize = 2_000;

/// A change of a case's status, with an optional note on why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: CaseStatus,
    pub note: Option<String>,
}

impl StatusChange {
    /// # Errors
    /// Field errors under `status` and `note`.
    pub fn parse(status: &str, note: Option<&str>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = CaseStatus::parse(status);
        if status.is_none() {
            errors.add(
                "status",
                "Choose a status: open, warned, care transferred, removed from list, police involved or closed",
            );
        }
        let note = errors
            .check(
                "note",
                text::optional(note.unwrap_or_default(), STATUS_NOTE_MAX),
            )
            .flatten();
        errors.into_result()?;
        match status {
            Some(status) => Ok(Self { status, note }),
            None => Err(FieldErrors::one("status", "Choose a status")),
        }
    }
}

/// The patient or former patient whose behaviour is logged. Only what is needed to
/// recognise them: a label the doctor chooses, an optional NHS number, and the handles,
/// numbers and addresses they use (to match imported messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonOfConcern {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<NhsNumber>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
}

impl PersonOfConcern {
    /// # Errors
    /// Field errors under `label`, `nhs_number` and `identifiers`.
    pub fn parse(
        label: &str,
        nhs_number: Option<&str>,
        identifiers: &[String],
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let label = errors.check(
            "label",
            text::required(label, LABEL_MAX, "Enter a name or label for the person"),
        );
        let nhs_number = match nhs_number.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(n) => errors.check("nhs_number", NhsNumber::parse(n)),
        };
        let mut ids = Vec::new();
        for raw in identifiers {
            match text::optional(raw, IDENTIFIER_MAX) {
                Ok(Some(id)) if !ids.contains(&id) => ids.push(id),
                Ok(_) => {}
                Err(e) => errors.add("identifiers", format!("A handle or number: {e}")),
            }
        }
        if ids.len() > IDENTIFIERS_MAX {
            errors.add(
                "identifiers",
                format!("Enter at most {IDENTIFIERS_MAX} handles, numbers or addresses"),
            );
        }
        errors.into_result()?;
        Ok(Self {
            label: label.unwrap_or_default(),
            nhs_number,
            identifiers: ids,
        })
    }
}
