//! Events: every change to a case is one event, appended to the ledger and never edited.
//!
//! **Frozen format.** An event's canonical bytes are the RFC 8785 (JCS) serialisation of
//! [`Event`]: `v`, `type`, `case`, `actor`, `recorded_at`, `salt` (32 hex digits) and
//! `body`. An organisation's own register (the gift register) has events without `case`. The ledger hashes these bytes and evidence bundles carry them, so a change to
//! any name or shape here breaks every existing log. The test vectors below fail if it does.

use crate::advice::{
    CareTransfer, ChaperoneRecord, Gift, Letter, Mark, PoliceReport, RemovalAssessment, RiskScreen,
    Step, Warning,
};
use crate::attachment::Attachment;
use crate::case::{CaseStatus, PersonOfConcern};
use crate::entry::{Amendment, ContactEntry};
use crate::ids::{AmendmentId, AttachmentId, CaseId, EntryId, GiftId, MemberId, OrgId};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of the event format written today.
pub const EVENT_VERSION: u32 = 1;

/// Sixteen random bytes that make the leaf hash a hiding commitment: without them the
/// hash of a short event could be guessed by trying likely contents.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Salt(pub [u8; 16]);

impl Serialize for Salt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> Deserialize<'de> for Salt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 16];
        hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(Self(out))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    /// The case the event belongs to; none for an organisation's gift register, whose
    /// events say their organisation in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
    pub actor: MemberId,
    pub recorded_at: Timestamp,
    pub salt: Salt,
    #[serde(flatten)]
    pub body: EventBody,
}

/// What happened to the case. The variant name is the event's `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "body", rename_all = "snake_case")]
pub enum EventBody {
    CaseOpened {
        org: OrgId,
        owner: MemberId,
    },
    PersonRecorded {
        person: PersonOfConcern,
    },
    EntryLogged {
        entry: EntryId,
        contact: ContactEntry,
    },
    EntryAmended {
        amendment: AmendmentId,
        entry: EntryId,
        #[serde(flatten)]
        correction: Amendment,
    },
    StatusChanged {
        status: CaseStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    ChaperoneFlagSet {
        required: bool,
    },
    /// The owner shared the case with a member of the same organisation.
    CaseShared {
        member: MemberId,
        access: Access,
    },
    /// The owner ended a member's access.
    ShareRevoked {
        member: MemberId,
    },
    /// The patient was warned that their registration is at risk.
    WarningGiven {
        warning: Warning,
    },
    /// The doctor reported to the police.
    PoliceReported {
        report: PoliceReport,
    },
    /// The doctor's answers behind a request to remove the patient from the list; the
    /// newest replaces any before it.
    RemovalAssessed {
        assessment: RemovalAssessment,
    },
    /// A step of the advice checklist ticked, or marked not applicable; the actor is
    /// who did it.
    ChecklistMarked {
        step: Step,
        mark: Mark,
    },
    /// A consultation's chaperone, or a declined offer, in the chaperone register.
    ChaperoneRecorded {
        record: ChaperoneRecord,
    },
    /// The patient's care was transferred to another clinician or service.
    CareTransferred {
        transfer: CareTransfer,
    },
    /// The risk questions answered, once more.
    RiskScreened {
        screen: RiskScreen,
    },
    /// A gift offered to someone in the organisation, in its gift register. Has no case:
    /// those who keep the register learn nothing about cases from it.
    GiftRecorded {
        org: OrgId,
        gift: GiftId,
        record: Gift,
    },
    /// A gift from the case's person of concern: the same gift as in the organisation's
    /// register, on the case's timeline.
    GiftNoted {
        gift: GiftId,
        record: Gift,
    },
    /// A file attached to the case (and perhaps to one of its entries): its hash, type,
    /// size and name. The file is kept sealed beside the log.
    AttachmentAdded {
        attachment: AttachmentId,
        record: Attachment,
    },
    /// A letter kept as it was sent: a warning, a removal request, or the removal notice.
    LetterWritten {
        letter: Letter,
    },
    /// Someone looked at the case: the access audit. The actor is who; `what` is
    /// `case`, `entries`, `entry` or `receipt`.
    CaseViewed {
        what: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry: Option<EntryId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
}

/// What a member the case is shared with may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// See the case and its entries.
    Read,
    /// Also log contacts on it.
    Contribute,
}

impl Access {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Contribute => "contribute",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "read" => Some(Access::Read),
            "contribute" => Some(Access::Contribute),
            _ => None,
        }
    }
}

impl EventBody {
    /// The `type` name, stored beside the sealed event so that queries need not open it.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            EventBody::CaseOpened { .. } => "case_opened",
            EventBody::PersonRecorded { .. } => "person_recorded",
            EventBody::EntryLogged { .. } => "entry_logged",
            EventBody::EntryAmended { .. } => "entry_amended",
            EventBody::StatusChanged { .. } => "status_changed",
            EventBody::ChaperoneFlagSet { .. } => "chaperone_flag_set",
            EventBody::CaseShared { .. } => "case_shared",
            EventBody::ShareRevoked { .. } => "share_revoked",
            EventBody::CaseViewed { .. } => "case_viewed",
            EventBody::WarningGiven { .. } => "warning_given",
            EventBody::PoliceReported { .. } => "police_reported",
            EventBody::RemovalAssessed { .. } => "removal_assessed",
            EventBody::ChecklistMarked { .. } => "checklist_marked",
            EventBody::ChaperoneRecorded { .. } => "chaperone_recorded",
            EventBody::CareTransferred { .. } => "care_transferred",
            EventBody::RiskScreened { .. } => "risk_screened",
            EventBody::GiftRecorded { .. } => "gift_recorded",
            EventBody::GiftNoted { .. } => "gift_noted",
            EventBody::LetterWritten { .. } => "letter_written",
            EventBody::AttachmentAdded { .. } => "attachment_added",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EventCodecError {
    #[error("event could not be serialised: {0}")]
    Encode(String),
    #[error("event bytes are not a valid event: {0}")]
    Decode(#[from] serde_json::Error),
    #[error("event bytes are valid JSON but not in canonical form")]
    NotCanonical,
    #[error("a gift register event must have no case, and every other event one")]
    Scope,
}

impl Event {
    /// The canonical bytes (RFC 8785) that the ledger hashes.
    ///
    /// # Errors
    /// Only if serialisation itself fails, which the types here do not allow.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, EventCodecError> {
        serde_json_canonicalizer::to_vec(self).map_err(|e| EventCodecError::Encode(e.to_string()))
    }

    /// Reads canonical bytes back, refusing any other serialisation of the same event:
    /// bytes that do not re-encode identically would hash differently.
    ///
    /// # Errors
    /// Bytes that are not an event, or not canonical.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Self, EventCodecError> {
        let e: Self = serde_json::from_slice(bytes)?;
        if e.canonical_bytes()? != bytes {
            return Err(EventCodecError::NotCanonical);
        }
        let register = matches!(e.body, EventBody::GiftRecorded { .. });
        if register == e.case.is_some() {
            return Err(EventCodecError::Scope);
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryInput;
    use time::macros::datetime;

    fn at() -> Timestamp {
        Timestamp::from_datetime(datetime!(2026-11-27 22:00:00.25 UTC))
    }

    fn event(body: EventBody) -> Event {
        Event {
            v: EVENT_VERSION,
            case: Some(CaseId::from_random([1; 16])),
            actor: MemberId::from_random([2; 16]),
            recorded_at: at(),
            salt: Salt([0xab; 16]),
            body,
        }
    }

    /// Test vectors: these exact bytes are what the ledger has hashed since version 1.
    #[test]
    fn canonical_bytes_are_frozen() {
        let opened = event(EventBody::CaseOpened {
            org: OrgId::from_random([3; 16]),
            owner: MemberId::from_random([2; 16]),
        });
        assert_eq!(
            String::from_utf8(opened.canonical_bytes().unwrap()).unwrap(),
            r#"{"actor":"02020202-0202-4202-8202-020202020202","body":{"org":"03030303-0303-4303-8303-030303030303","owner":"02020202-0202-4202-8202-020202020202"},"case":"01010101-0101-4101-8101-010101010101","recorded_at":"2026-11-27T22:00:00.250000Z","salt":"abababababababababababababababab","type":"case_opened","v":1}"#
        );

        let input = EntryInput {
            channel: Some("at_home".into()),
            what_happened: Some("Waited outside my house — \"just to talk\"".into()),
            occurred_on: Some("2026-11-26".into()),
            approximate: Some(true),
            ..EntryInput::default()
        };
        let logged = event(EventBody::EntryLogged {
            entry: EntryId::from_random([4; 16]),
            contact: ContactEntry::parse(&input, at()).unwrap(),
        });
        assert_eq!(
            String::from_utf8(logged.canonical_bytes().unwrap()).unwrap(),
            r#"{"actor":"02020202-0202-4202-8202-020202020202","body":{"contact":{"channel":"at_home","occurred":{"approximate":true,"on":"2026-11-26"},"what_happened":"Waited outside my house — \"just to talk\""},"entry":"04040404-0404-4404-8404-040404040404"},"case":"01010101-0101-4101-8101-010101010101","recorded_at":"2026-11-27T22:00:00.250000Z","salt":"abababababababababababababababab","type":"entry_logged","v":1}"#
        );
    }

    #[test]
    fn every_event_round_trips_and_non_canonical_bytes_are_refused() {
        let amended = event(EventBody::EntryAmended {
            amendment: AmendmentId::from_random([5; 16]),
            entry: EntryId::from_random([4; 16]),
            correction: Amendment::parse("location", "Car park", "forgot", at()).unwrap(),
        });
        for e in [
            amended,
            event(EventBody::StatusChanged {
                status: CaseStatus::Warned,
                note: None,
            }),
            event(EventBody::ChaperoneFlagSet { required: true }),
            event(EventBody::PersonRecorded {
                person: PersonOfConcern::parse("Patient A", Some("9434765919"), &["@pa".into()])
                    .unwrap(),
            }),
        ] {
            let bytes = e.canonical_bytes().unwrap();
            assert_eq!(Event::from_canonical_bytes(&bytes).unwrap(), e);
            let pretty = serde_json::to_vec_pretty(&e).unwrap();
            assert!(matches!(
                Event::from_canonical_bytes(&pretty),
                Err(EventCodecError::NotCanonical)
            ));
        }
    }

    /// The advice records' events, frozen like the rest: each vector is what the ledger
    /// hashes for it.
    #[test]
    fn advice_events_are_frozen() {
        use crate::advice::chaperone::ChaperoneInput;
        use crate::advice::police::PoliceReportInput;
        use time::macros::date;
        let today = date!(2026 - 11 - 27);
        let screen: std::collections::BTreeMap<String, Option<bool>> =
            crate::advice::risk::QUESTIONS
                .iter()
                .map(|(q, _)| ((*q).to_owned(), Some(*q == "threats")))
                .collect();
        let bodies = [
            EventBody::WarningGiven {
                warning: Warning::parse("2026-11-20", "Letter", "Calls at night", today).unwrap(),
            },
            EventBody::PoliceReported {
                report: PoliceReport::parse(
                    &PoliceReportInput {
                        reported_on: "2026-11-21".into(),
                        force: "Thames Valley Police".into(),
                        officer: None,
                        reference: "TVP-1".into(),
                        summary: "Threats".into(),
                    },
                    today,
                )
                .unwrap(),
            },
            EventBody::RemovalAssessed {
                assessment: RemovalAssessment::parse(
                    true,
                    Some("not_practicable"),
                    Some("No address"),
                    None,
                )
                .unwrap(),
            },
            EventBody::ChecklistMarked {
                step: Step::ContactedDefenceBody,
                mark: Mark::parse(Some("2026-11-22"), Some("MDU 1"), None, today).unwrap(),
            },
            EventBody::ChaperoneRecorded {
                record: ChaperoneRecord::parse(
                    &ChaperoneInput {
                        consultation_on: "2026-11-23".into(),
                        chaperone_name: Some("Sam Lee".into()),
                        chaperone_role: Some("Nurse".into()),
                        declined: false,
                        instead: None,
                        patient_consent: Some(true),
                    },
                    today,
                )
                .unwrap(),
            },
            EventBody::CareTransferred {
                transfer: CareTransfer::parse("2026-11-24", "Dr Jones", "Boundaries", None, today)
                    .unwrap(),
            },
            EventBody::RiskScreened {
                screen: RiskScreen::parse(&screen).unwrap(),
            },
            EventBody::GiftNoted {
                gift: GiftId::from_random([5; 16]),
                record: frozen_gift(),
            },
            EventBody::LetterWritten {
                letter: Letter::parse("warning", "Dear Alex,\n\nPlease stop.", None, false, today)
                    .unwrap(),
            },
            EventBody::LetterWritten {
                letter: Letter::parse(
                    "removal_request",
                    "To NHS England",
                    Some("2026-11-26"),
                    true,
                    today,
                )
                .unwrap(),
            },
            EventBody::GiftNoted {
                gift: GiftId::from_random([6; 16]),
                record: Gift {
                    donor_address: Some("1 High Street".into()),
                    nhs_number: None,
                    donor_is: crate::advice::gift::DonorKind::Relative,
                    ..frozen_gift()
                },
            },
            EventBody::AttachmentAdded {
                attachment: crate::AttachmentId::from_random([7; 16]),
                record: crate::attachment::Attachment {
                    sha256: "ab".repeat(32),
                    media_type: "image/png".into(),
                    size: 40,
                    name: "screenshot.png".into(),
                    entry: Some(EntryId::from_random([4; 16])),
                    photo: None,
                },
            },
        ];
        let frozen = [
            FROZEN_WARNING,
            FROZEN_POLICE,
            FROZEN_REMOVAL,
            FROZEN_CHECKLIST,
            FROZEN_CHAPERONE,
            FROZEN_TRANSFER,
            FROZEN_RISK,
            FROZEN_GIFT,
            FROZEN_LETTER,
            FROZEN_REMOVAL_LETTER,
            FROZEN_GIFT_WITH_ADDRESS,
            FROZEN_ATTACHMENT,
        ];
        let mut changed = Vec::new();
        for (body, want) in bodies.into_iter().zip(frozen) {
            let e = event(body);
            let bytes = e.canonical_bytes().unwrap();
            assert_eq!(Event::from_canonical_bytes(&bytes).unwrap(), e);
            let got: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let got = got["body"].to_string();
            if got != want {
                changed.push(format!("{}: {got}", e.body.type_name()));
            }
        }
        assert!(
            changed.is_empty(),
            "event bodies changed:\n{}",
            changed.join("\n")
        );
    }

    fn frozen_gift() -> Gift {
        use crate::advice::gift::GiftInput;
        Gift::parse(
            &GiftInput {
                offered_on: "2026-11-25".into(),
                donor: "Alex".into(),
                nhs_number: Some("9434765919".into()),
                description: "Flowers".into(),
                value_pounds: "30.50".into(),
                recipient_email: "gp@example.nhs.uk".into(),
                decision: "returned".into(),
                why: "Policy".into(),
                ..GiftInput::default()
            },
            time::macros::date!(2026 - 11 - 27),
        )
        .unwrap()
    }

    /// A register event has no `case`; its bytes are frozen whole.
    #[test]
    fn register_events_have_no_case() {
        let mut e = event(EventBody::GiftRecorded {
            org: OrgId::from_random([3; 16]),
            gift: GiftId::from_random([5; 16]),
            record: frozen_gift(),
        });
        e.case = None;
        let bytes = e.canonical_bytes().unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"actor":"02020202-0202-4202-8202-020202020202","body":{"gift":"05050505-0505-4505-8505-050505050505","org":"03030303-0303-4303-8303-030303030303","record":{"decision":"returned","description":"Flowers","donor":"Alex","donor_is":"patient","nhs_number":"9434765919","offered_on":"2026-11-25","recipient_email":"gp@example.nhs.uk","value_pence":3050,"why":"Policy"}},"recorded_at":"2026-11-27T22:00:00.250000Z","salt":"abababababababababababababababab","type":"gift_recorded","v":1}"#
        );
        assert_eq!(Event::from_canonical_bytes(&bytes).unwrap(), e);

        // A register event with a case, or a case event without one, is not an event.
        e.case = Some(CaseId::from_random([1; 16]));
        let bytes = e.canonical_bytes().unwrap();
        assert!(matches!(
            Event::from_canonical_bytes(&bytes),
            Err(EventCodecError::Scope)
        ));
        let mut orphan = event(EventBody::ChaperoneFlagSet { required: true });
        orphan.case = None;
        let bytes = orphan.canonical_bytes().unwrap();
        assert!(matches!(
            Event::from_canonical_bytes(&bytes),
            Err(EventCodecError::Scope)
        ));
    }

    const FROZEN_GIFT: &str = r#"{"gift":"05050505-0505-4505-8505-050505050505","record":{"decision":"returned","description":"Flowers","donor":"Alex","donor_is":"patient","nhs_number":"9434765919","offered_on":"2026-11-25","recipient_email":"gp@example.nhs.uk","value_pence":3050,"why":"Policy"}}"#;
    const FROZEN_REMOVAL_LETTER: &str = r#"{"letter":{"immediate":true,"kind":"removal_request","requested_on":"2026-11-26","text":"To NHS England","written_on":"2026-11-27"}}"#;
    const FROZEN_GIFT_WITH_ADDRESS: &str = r#"{"gift":"06060606-0606-4606-8606-060606060606","record":{"decision":"returned","description":"Flowers","donor":"Alex","donor_address":"1 High Street","donor_is":"relative","offered_on":"2026-11-25","recipient_email":"gp@example.nhs.uk","value_pence":3050,"why":"Policy"}}"#;
    const FROZEN_ATTACHMENT: &str = r#"{"attachment":"07070707-0707-4707-8707-070707070707","record":{"entry":"04040404-0404-4404-8404-040404040404","media_type":"image/png","name":"screenshot.png","sha256":"abababababababababababababababababababababababababababababababab","size":40}}"#;
    const FROZEN_LETTER: &str = r#"{"letter":{"kind":"warning","text":"Dear Alex,\n\nPlease stop.","written_on":"2026-11-27"}}"#;
    const FROZEN_WARNING: &str =
        r#"{"warning":{"given_on":"2026-11-20","how":"Letter","reasons":"Calls at night"}}"#;
    const FROZEN_POLICE: &str = r#"{"report":{"force":"Thames Valley Police","reference":"TVP-1","reported_on":"2026-11-21","summary":"Threats"}}"#;
    const FROZEN_REMOVAL: &str = r#"{"assessment":{"exception":"not_practicable","exception_why":"No address","grounds_confirmed":true}}"#;
    const FROZEN_CHECKLIST: &str =
        r#"{"mark":{"done":{"note":"MDU 1","on":"2026-11-22"}},"step":"contacted_defence_body"}"#;
    const FROZEN_CHAPERONE: &str = r#"{"record":{"chaperone_name":"Sam Lee","chaperone_role":"Nurse","consultation_on":"2026-11-23","declined":false,"patient_consent":true}}"#;
    const FROZEN_TRANSFER: &str =
        r#"{"transfer":{"reason":"Boundaries","to":"Dr Jones","transferred_on":"2026-11-24"}}"#;
    const FROZEN_RISK: &str = r#"{"screen":{"answers":{"fixated":false,"frightened":false,"home_or_following":false,"obsessive":false,"orders_broken":false,"others_contacted":false,"others_targeted":false,"property":false,"repeated":false,"sexual":false,"threats":true,"unwanted":false,"violence":false,"worse":false}}}"#;
}
