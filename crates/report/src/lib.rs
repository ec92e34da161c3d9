//! Boundary's documents: the evidence pack (a PDF for a police officer or defence-body
//! adviser), the verifiable bundle and its offline verifier, the pictures in them, and
//! the letters a case needs — a warning to the patient, the request to remove them from
//! the list, and the letter telling them about it — drafted from what the case records in
//! Boundary's wording or the practice's own template. A letter draft is a starting point:
//! the doctor edits it, and the text they keep is what the case records. The wording
//! follows the GP contract's rules on removal (warning within 12 months, reasons in
//! writing, the eighth day, immediate removal after violence reported to the police).

pub mod bundle;
mod letters;
pub mod pdf;
pub mod pictures;

pub use letters::{
    check_template, default_template, draft, LetterFacts, RemovalFacts, TemplateError,
    PLACEHOLDERS, TEMPLATE_MAX,
};
