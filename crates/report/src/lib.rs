//! Boundary's documents. Today: the letters a case needs, drafted from what the case
//! records — a warning to the patient, the request to remove them from the list, and the
//! letter telling them about it — in Boundary's wording or the practice's own template.
//! A draft is a starting point: the doctor edits it, and the
//! text they keep is what the case records. Wording is Boundary's own, following the GP
//! contract's rules on removal (warning within 12 months, reasons in writing, the eighth
//! day, immediate removal after violence reported to the police).

pub mod bundle;
mod letters;
pub mod pdf;
pub mod pictures;

pub use letters::{
    check_template, default_template, draft, LetterFacts, RemovalFacts, PLACEHOLDERS, TEMPLATE_MAX,
};
