//! What a person typed into the log form after their session had already ended. The
//! browser may keep a copy itself (with JavaScript); the server holds this one so that
//! the text also comes back without it, once they have signed in again and are back on
//! the form.
//!
//! A draft is case content from someone whose session has ended, so it is held as little
//! as possible: sealed under a fresh key that only the browser's cookie carries (the
//! server's memory alone cannot open it), in memory only (a restart forgets it), for at
//! most an hour, a few at a time, and handed back once — only on the log form of the same
//! case, to the same member whose session it was (a colleague signing in on the same
//! clinic computer is not offered it).

use crate::App;
use boundary_domain::{CaseId, MemberId};
use boundary_store::crypto::DataKey;
use std::collections::VecDeque;
use std::sync::Mutex;

/// How long a held draft waits for its owner to sign in again.
const HOLD_SECONDS: i64 = 60 * 60;
/// How many drafts are held at once; the oldest goes first. Anyone can post a form
/// without a session, so this bounds what that can cost.
const HOLD_MOST: usize = 64;
/// The most a draft may hold, sealed; a bigger one is not held (files never are).
const HOLD_BYTES: usize = 128 * 1024;

struct Held {
    id: [u8; 16],
    case: CaseId,
    member: MemberId,
    until_micros: i64,
    sealed: Vec<u8>,
}

/// The drafts held now.
#[derive(Default)]
pub(crate) struct HeldDrafts(Mutex<VecDeque<Held>>);

/// The seal binds the draft to its case, so one cannot be moved to another.
fn ad(case: CaseId) -> Vec<u8> {
    format!("held-draft:{case}").into_bytes()
}

/// A ticket is the draft's id and its key, in hex: `id.key`.
fn read_ticket(ticket: &str) -> Option<([u8; 16], DataKey)> {
    let (id, key) = ticket.split_once('.')?;
    let id: [u8; 16] = hex::decode(id).ok()?.try_into().ok()?;
    let key: [u8; 32] = hex::decode(key).ok()?.try_into().ok()?;
    Some((id, DataKey::from_bytes(key)))
}

impl HeldDrafts {
    fn hold(
        &self,
        id: [u8; 16],
        now_micros: i64,
        (case, member): (CaseId, MemberId),
        fields: &[(String, String)],
    ) -> Option<String> {
        let plain = serde_json::to_vec(fields).ok()?;
        let key = DataKey::generate();
        let sealed = key.seal(&plain, &ad(case)).ok()?;
        if sealed.len() > HOLD_BYTES {
            return None;
        }
        let mut held = self.0.lock().ok()?;
        held.retain(|h| h.until_micros > now_micros);
        while held.len() >= HOLD_MOST {
            held.pop_front();
        }
        held.push_back(Held {
            id,
            case,
            member,
            until_micros: now_micros + HOLD_SECONDS * 1_000_000,
            sealed,
        });
        Some(format!(
            "{}.{}",
            hex::encode(id),
            hex::encode(key.to_bytes())
        ))
    }

    fn take(
        &self,
        now_micros: i64,
        (case, member): (CaseId, MemberId),
        ticket: &str,
    ) -> Option<Vec<(String, String)>> {
        let (id, key) = read_ticket(ticket)?;
        let mut held = self.0.lock().ok()?;
        held.retain(|h| h.until_micros > now_micros);
        let at = held
            .iter()
            .position(|h| h.id == id && h.case == case && h.member == member)?;
        // Only the right key takes it: a wrong one leaves it for its owner.
        let plain = key.open(&held[at].sealed, &ad(case)).ok()?;
        held.remove(at);
        serde_json::from_slice(&plain).ok()
    }

    fn drop_ticket(&self, ticket: &str) {
        if let (Some((id, _)), Ok(mut held)) = (read_ticket(ticket), self.0.lock()) {
            held.retain(|h| h.id != id);
        }
    }
}

impl App {
    /// Holds what `member` typed into `case`'s log form after their session ended (name
    /// and value, in the order sent), and returns the ticket the browser keeps to have it
    /// back; `None` when it is too big to hold or cannot be sealed.
    #[must_use]
    pub fn hold_draft(
        &self,
        case: CaseId,
        member: MemberId,
        fields: &[(String, String)],
    ) -> Option<String> {
        self.held.hold(
            self.random.bytes16(),
            self.now_micros(),
            (case, member),
            fields,
        )
    }

    /// The draft behind `ticket`, if it is `actor`'s, for `case` and still held; handed
    /// back once. The caller has already decided that the actor may log on `case`.
    #[must_use]
    pub fn take_draft(
        &self,
        actor: &crate::Actor,
        case: CaseId,
        ticket: &str,
    ) -> Option<Vec<(String, String)>> {
        self.held
            .take(self.now_micros(), (case, actor.member), ticket)
    }

    /// Forgets the draft behind `ticket`, wherever it was for: on sign-out and Quick exit.
    pub fn drop_draft(&self, ticket: &str) {
        self.held.drop_ticket(ticket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000_000;

    fn id(n: usize) -> [u8; 16] {
        let mut b = [0; 16];
        b[..8].copy_from_slice(&(n as u64).to_be_bytes());
        b
    }

    fn ada() -> MemberId {
        MemberId::from_random([9; 16])
    }

    fn fields() -> Vec<(String, String)> {
        vec![
            ("what_happened".into(), "Waited by my car".into()),
            ("channel".into(), "in_person".into()),
        ]
    }

    #[test]
    fn a_draft_comes_back_once_and_only_for_its_case_with_its_key() {
        let held = HeldDrafts::default();
        let case = CaseId::from_random([1; 16]);
        let other = CaseId::from_random([2; 16]);
        let ticket = held.hold(id(1), NOW, (case, ada()), &fields()).unwrap();
        assert_eq!(
            held.take(NOW, (other, ada()), &ticket),
            None,
            "another case"
        );
        let (hex_id, _) = ticket.split_once('.').unwrap();
        let forged = format!("{hex_id}.{}", "00".repeat(32));
        assert_eq!(held.take(NOW, (case, ada()), &forged), None, "another key");
        let colleague = MemberId::from_random([8; 16]);
        assert_eq!(
            held.take(NOW, (case, colleague), &ticket),
            None,
            "another member"
        );
        assert_eq!(held.take(NOW, (case, ada()), &ticket), Some(fields()));
        assert_eq!(
            held.take(NOW, (case, ada()), &ticket),
            None,
            "handed back once"
        );
    }

    #[test]
    fn a_draft_is_held_for_an_hour() {
        let held = HeldDrafts::default();
        let case = CaseId::from_random([1; 16]);
        let ticket = held.hold(id(1), NOW, (case, ada()), &fields()).unwrap();
        let later = NOW + HOLD_SECONDS * 1_000_000;
        assert_eq!(held.take(later, (case, ada()), &ticket), None);
    }

    #[test]
    fn dropped_drafts_and_the_oldest_beyond_the_limit_are_gone() {
        let held = HeldDrafts::default();
        let case = CaseId::from_random([1; 16]);
        let dropped = held.hold(id(0), NOW, (case, ada()), &fields()).unwrap();
        held.drop_ticket(&dropped);
        assert_eq!(held.take(NOW, (case, ada()), &dropped), None);
        let first = held.hold(id(1), NOW, (case, ada()), &fields()).unwrap();
        let last: Vec<String> = (0..HOLD_MOST)
            .filter_map(|n| held.hold(id(n + 2), NOW, (case, ada()), &fields()))
            .collect();
        assert_eq!(
            held.take(NOW, (case, ada()), &first),
            None,
            "the oldest went first"
        );
        assert_eq!(held.take(NOW, (case, ada()), &last[0]), Some(fields()));
        let huge = vec![("what_happened".to_owned(), "x".repeat(HOLD_BYTES))];
        assert_eq!(
            held.hold(id(99), NOW, (case, ada()), &huge),
            None,
            "too big to hold"
        );
    }
}
