//! A moment in UTC with microsecond precision — the precision both SQLite text and
//! PostgreSQL keep, so a timestamp reads back exactly as it was written.
//!
//! Frozen format: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six fractional digits). It is part
//! of the hashed event bytes; changing it would change every leaf hash.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

const FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Converts any moment to UTC and drops precision below a microsecond.
    #[must_use]
    pub fn from_datetime(t: OffsetDateTime) -> Self {
        let t = t.to_offset(UtcOffset::UTC);
        let micros = t.microsecond();
        Self(t.replace_microsecond(micros).unwrap_or(t))
    }

    #[must_use]
    pub fn datetime(&self) -> OffsetDateTime {
        self.0
    }

    #[must_use]
    pub fn date(&self) -> Date {
        self.0.date()
    }

    /// Microseconds since 1970, for sorting in the database.
    #[must_use]
    pub fn unix_micros(&self) -> i64 {
        i64::try_from(self.0.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
    }

    /// # Errors
    /// Refuses text not in the frozen format.
    pub fn parse(s: &str) -> Result<Self, time::error::Parse> {
        time::PrimitiveDateTime::parse(s, FORMAT).map(|p| Self(p.assume_utc()))
    }

    #[must_use]
    pub fn plus_seconds(&self, s: i64) -> Self {
        Self(self.0 + time::Duration::seconds(s))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(FORMAT) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn frozen_format_has_six_fraction_digits_in_utc() {
        let t = Timestamp::from_datetime(datetime!(2026-11-27 23:05:01.5 +01:00));
        assert_eq!(t.to_string(), "2026-11-27T22:05:01.500000Z");
        assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn sub_microsecond_precision_is_dropped() {
        let t = Timestamp::from_datetime(datetime!(2026-01-01 00:00:00.123456789 UTC));
        assert_eq!(t.to_string(), "2026-01-01T00:00:00.123456Z");
    }
}
