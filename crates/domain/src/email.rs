//! An e-mail address as a sign-in name: trimmed, lower-cased, plausibly shaped.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an e-mail address")]
    Empty,
    #[error("Enter an e-mail address in the right format, like name@example.nhs.uk")]
    Shape,
}

impl Email {
    /// # Errors
    /// Refuses an empty address or one not shaped like `local@domain.tld`.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(EmailError::Shape);
        };
        let ok = !local.is_empty()
            && s.len() <= 254
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(s))
        } else {
            Err(EmailError::Shape)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        for (raw, ok) in [
            (" Dr.Ada@Example.NHS.uk ", Some("dr.ada@example.nhs.uk")),
            ("", None),
            ("no-at-sign", None),
            ("@example.com", None),
            ("a@nodot", None),
            ("a@b@c.com", None),
            ("a b@c.com", None),
            ("a@.com", None),
        ] {
            assert_eq!(
                Email::parse(raw).ok().as_ref().map(Email::as_str),
                ok,
                "{raw}"
            );
        }
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "\\PC{0,40}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
            }
        }
    }
}
