//! The NHS number: ten digits, the last a modulus-11 check digit (NHS Data Dictionary).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    #[error("An NHS number has 10 digits, like 943 476 5919")]
    Shape,
    #[error("That is not a valid NHS number: check the digits (the last one does not match)")]
    CheckDigit,
}

impl NhsNumber {
    /// Accepts spaces and hyphens between digits, as people write it.
    ///
    /// # Errors
    /// Refuses anything but ten digits, and ten digits whose check digit is wrong.
    pub fn parse(raw: &str) -> Result<Self, NhsNumberError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NhsNumberError::Shape);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = d[..9]
            .iter()
            .zip((2..=10).rev())
            .map(|(digit, weight)| digit * weight)
            .sum();
        let check = match 11 - (sum % 11) {
            11 => 0,
            10 => return Err(NhsNumberError::CheckDigit),
            c => c,
        };
        if check == d[9] {
            Ok(Self(digits))
        } else {
            Err(NhsNumberError::CheckDigit)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = NhsNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> Self {
        n.0
    }
}

/// Shown as people read it: 3 3 4.
impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// Kept out of debug output: it identifies a patient.
impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NhsNumber(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        for (raw, want) in [
            ("9434765919", Ok("943 476 5919")),
            ("943 476 5919", Ok("943 476 5919")),
            ("943-476-5919", Ok("943 476 5919")),
            ("9434765918", Err(NhsNumberError::CheckDigit)),
            ("943476591", Err(NhsNumberError::Shape)),
            ("94347659190", Err(NhsNumberError::Shape)),
            ("94347a5919", Err(NhsNumberError::Shape)),
            // The remainder is 1, so the check digit would be 10: no number has it.
            ("1000000010", Err(NhsNumberError::CheckDigit)),
            // Remainder 0 gives check digit 0.
            ("0100000010", Ok("010 000 0010")),
            ("4010232137", Ok("401 023 2137")),
        ] {
            let got = NhsNumber::parse(raw).map(|n| n.to_string());
            assert_eq!(got.as_deref().map_err(Clone::clone), want, "{raw}");
        }
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_fits(prefix in "[0-9]{9}") {
            let fits = (0..10)
                .filter(|c| NhsNumber::parse(&format!("{prefix}{c}")).is_ok())
                .count();
            prop_assert!(fits <= 1);
        }

        #[test]
        fn changing_one_digit_is_caught(prefix in "[0-9]{9}", pos in 0usize..10, delta in 1u8..10) {
            for c in 0..10 {
                let good = format!("{prefix}{c}");
                if NhsNumber::parse(&good).is_ok() {
                    let mut bytes = good.into_bytes();
                    bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
                    let bad = String::from_utf8(bytes).unwrap();
                    prop_assert!(NhsNumber::parse(&bad).is_err());
                }
            }
        }
    }
}
