//! The medical defence bodies' advice as records on a case — a warning to the patient, a
//! report to the police, the assessment behind a request to remove the patient from the
//! practice list — and the rules that read them, as pure functions of those records and
//! a date. Pages and the API show what these functions say; they decide nothing.

pub mod chaperone;
pub mod checklist;
pub mod dates;
pub mod gift;
pub mod letter;
pub mod patterns;
pub mod police;
pub mod prompts;
pub mod reminders;
pub mod removal;
pub mod risk;
pub mod transfer;
pub mod warning;

pub use chaperone::ChaperoneRecord;
pub use checklist::{Mark, Step, StepState};
pub use gift::Gift;
pub use letter::{Letter, LetterKind};
pub use police::PoliceReport;
pub use removal::{RemovalAssessment, RemovalPlan, WarningException};
pub use risk::RiskScreen;
pub use transfer::CareTransfer;
pub use warning::{Warning, WarningStanding};
