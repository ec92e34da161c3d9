//! Boundary's vocabulary: the ids, the values a doctor types (an e-mail address, an
//! NHS number, a contact entry), the events that make up a case's history, and the
//! rules that check them — all as pure functions.
//!
//! This crate does no IO: no clock, no randomness, no database. Callers pass the time
//! and random bytes in. Events are serialised to canonical JSON (RFC 8785), the frozen
//! byte format that the ledger hashes; see [`event`].

pub mod advice;
pub mod attachment;
pub mod case;
pub mod channel;
pub mod email;
pub mod entry;
pub mod event;
pub mod field_errors;
pub mod ids;
pub mod nhs_number;
pub mod occurred;
pub mod role;
pub mod text;
pub mod timestamp;
pub mod uk_time;
pub mod words;

pub use case::{CaseStatus, PersonOfConcern};
pub use channel::Channel;
pub use email::Email;
pub use entry::{AmendableField, Amendment, AmendmentInput, ContactEntry, EntryInput};
pub use event::{Access, Event, EventBody};
pub use field_errors::FieldErrors;
pub use ids::{
    AmendmentId, AttachmentId, CaseId, EntryId, ExportJobId, GiftId, KeyId, MemberId, OrgId, Seq,
    TokenId, UserId,
};
pub use nhs_number::NhsNumber;
pub use occurred::OccurredAt;
pub use role::{Role, Roles};
pub use timestamp::Timestamp;
