//! Ids are newtypes so that a case id can never be passed where a member id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The random bytes an id is made from; callers supply them so ids are reproducible in tests.
pub type IdBytes = [u8; 16];

macro_rules! new_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A version-4 id from sixteen random bytes.
            #[must_use]
            pub fn from_random(bytes: IdBytes) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }

            #[must_use]
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

new_id!(
    /// An organisation: a practice, a department, or one doctor's own space.
    OrgId
);
new_id!(
    /// A person who can sign in; they may be a member of several organisations.
    UserId
);
new_id!(
    /// One person's membership of one organisation; events name their actor by it.
    MemberId
);
new_id!(
    /// A case: one clinician and one person of concern.
    CaseId
);
new_id!(
    /// A contact entry in a case's log.
    EntryId
);
new_id!(
    /// A correction to a contact entry.
    AmendmentId
);
new_id!(
    /// A data key (one per case) wrapped by the master key.
    KeyId
);

/// An event's place in the deployment's one global sequence; the first event is 1.
/// Its leaf index in the Merkle tree is `seq - 1`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(i64);

impl Seq {
    /// # Errors
    /// Refuses zero and negative numbers, which no event can have.
    pub fn new(n: i64) -> Result<Self, InvalidSeq> {
        if n >= 1 {
            Ok(Self(n))
        } else {
            Err(InvalidSeq(n))
        }
    }

    #[must_use]
    pub fn get(self) -> i64 {
        self.0
    }

    /// The leaf index of this event in the Merkle tree.
    #[must_use]
    pub fn leaf_index(self) -> u64 {
        self.0.unsigned_abs() - 1
    }

    #[must_use]
    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }

    #[must_use]
    pub fn first() -> Self {
        Self(1)
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0} is not an event sequence number (they start at 1)")]
pub struct InvalidSeq(i64);

/// Ids that are sixteen random bytes in lowercase hex, made by the server for things
/// it hands out by address: an API token's public id, an export job's.
macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        pub struct $name(String);

        impl $name {
            /// An id from sixteen random bytes.
            #[must_use]
            pub fn from_random(bytes: IdBytes) -> Self {
                Self(hex_lower(&bytes))
            }

            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidHexId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidHexId)
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
        s
    })
}

hex_id!(
    /// An API token's public id, shown beside the token's name so it can be revoked.
    /// The token's secret is another thing, never shown again.
    TokenId
);
hex_id!(
    /// An export being made in the background, which its progress page is found by.
    ExportJobId
);

#[derive(Debug, thiserror::Error)]
#[error("not an id of 32 hexadecimal digits")]
pub struct InvalidHexId;

/// A sequence number as routes carry it.
impl FromStr for Seq {
    type Err = InvalidSeq;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s.parse().map_err(|_| InvalidSeq(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = CaseId::from_random([7; 16]);
        let back: CaseId = id.to_string().parse().unwrap();
        assert_eq!(id, back);
        assert_eq!(id.as_uuid().get_version_num(), 4);
    }

    #[test]
    fn token_ids_are_32_lowercase_hex_digits() {
        let id: TokenId = "0123456789abcdef0123456789abcdef".parse().unwrap();
        assert_eq!(id.to_string(), id.as_str());
        let made = ExportJobId::from_random([0xab; 16]);
        assert_eq!(made.as_str(), "ab".repeat(16));
        assert_eq!(made.as_str().parse::<ExportJobId>().unwrap(), made);
        for bad in [
            "",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123",
            "../../etc/passwd",
        ] {
            assert!(bad.parse::<TokenId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn seq_starts_at_one() {
        assert!(Seq::new(0).is_err());
        assert!("0".parse::<Seq>().is_err() && "x".parse::<Seq>().is_err());
        assert_eq!("3".parse::<Seq>().unwrap().get(), 3);
        assert_eq!(Seq::new(1).unwrap().leaf_index(), 0);
        assert_eq!(Seq::first().next().get(), 2);
    }
}
new_id!(
    /// A gift in an organisation's gift register.
    GiftId
);
new_id!(
    /// A file attached to a case.
    AttachmentId
);
