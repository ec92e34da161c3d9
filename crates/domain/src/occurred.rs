//! When a contact happened: an exact moment, or a day, either of which may be approximate.

use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use time::macros::{date, format_description};
use time::Date;

/// How far ahead of the server clock an exact time may be before it counts as the future:
/// a phone's clock can run a little fast.
const CLOCK_SKEW_SECONDS: i64 = 300;
/// A date is "in the future" only if it is after today everywhere on Earth (UTC+14).
const EARLIEST_ZONE_AHEAD_SECONDS: i64 = 14 * 3600;
const EARLIEST: Date = date!(1970 - 01 - 01);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// An exact moment (UTC).
    At(Timestamp),
    /// Only the day is known.
    On(#[serde(with = "iso_date")] Date),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurredAt {
    #[serde(flatten)]
    pub when: When,
    pub approximate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OccurredError {
    #[error("Enter the date and time as 2026-11-27T21:40:00Z, with a time zone")]
    TimeShape,
    #[error("Enter the date as 2026-11-27")]
    DateShape,
    #[error("The time it happened cannot be in the future")]
    Future,
    #[error("The date it happened cannot be before 1970")]
    TooEarly,
}

impl OccurredAt {
    /// # Errors
    /// Refuses a moment in the future (beyond a little clock skew) or before 1970.
    pub fn new(when: When, approximate: bool, now: Timestamp) -> Result<Self, OccurredError> {
        match when {
            When::At(t) if t > now.plus_seconds(CLOCK_SKEW_SECONDS) => {
                return Err(OccurredError::Future)
            }
            When::On(d) if d > now.plus_seconds(EARLIEST_ZONE_AHEAD_SECONDS).date() => {
                return Err(OccurredError::Future)
            }
            When::At(t) if t.date() < EARLIEST => return Err(OccurredError::TooEarly),
            When::On(d) if d < EARLIEST => return Err(OccurredError::TooEarly),
            _ => {}
        }
        Ok(Self { when, approximate })
    }

    /// "Just now": the server's own clock.
    #[must_use]
    pub fn now(now: Timestamp) -> Self {
        Self {
            when: When::At(now),
            approximate: false,
        }
    }

    /// Parses RFC 3339 text (with an offset) into an exact moment.
    ///
    /// # Errors
    /// `TimeShape` for anything else.
    pub fn parse_time(s: &str) -> Result<When, OccurredError> {
        time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
            .map(|t| When::At(Timestamp::from_datetime(t)))
            .map_err(|_| OccurredError::TimeShape)
    }

    /// # Errors
    /// `DateShape` for anything but `YYYY-MM-DD`.
    pub fn parse_date(s: &str) -> Result<When, OccurredError> {
        iso_date::parse(s.trim())
            .map(When::On)
            .map_err(|_| OccurredError::DateShape)
    }

    /// The day it happened, in the UK.
    #[must_use]
    pub fn uk_date(&self) -> Date {
        match self.when {
            When::At(t) => crate::uk_time::to_uk(t.datetime()).date(),
            When::On(d) => d,
        }
    }

    /// The UK time it happened, when a time was given.
    #[must_use]
    pub fn uk_time(&self) -> Option<time::OffsetDateTime> {
        match self.when {
            When::At(t) => Some(crate::uk_time::to_uk(t.datetime())),
            When::On(_) => None,
        }
    }

    /// A key that orders entries by when they happened; a day sorts at its start.
    #[must_use]
    pub fn sort_key(&self) -> i64 {
        match self.when {
            When::At(t) => t.unix_micros(),
            When::On(d) => d.midnight().assume_utc().unix_timestamp() * 1_000_000,
        }
    }
}

/// Dates on the wire are `YYYY-MM-DD`.
pub mod iso_date {
    use super::format_description;
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::BorrowedFormatItem;
    use time::Date;

    const FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

    /// # Errors
    /// Anything but `YYYY-MM-DD` naming a real day.
    pub fn parse(s: &str) -> Result<Date, time::error::Parse> {
        Date::parse(s, FORMAT)
    }

    #[must_use]
    pub fn format(d: Date) -> String {
        d.format(FORMAT).unwrap_or_default()
    }

    /// # Errors
    /// Never in practice; serde's signature requires it.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*d))
    }

    /// # Errors
    /// Text that is not a date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn now() -> Timestamp {
        Timestamp::from_datetime(datetime!(2026-11-27 22:00 UTC))
    }

    #[test]
    fn table() {
        let at = |s| OccurredAt::parse_time(s).unwrap();
        let on = |s| OccurredAt::parse_date(s).unwrap();
        for (when, ok) in [
            (at("2026-11-27T21:40:00Z"), true),
            (at("2026-11-27T22:04:59Z"), true),
            (at("2026-11-27T22:05:01Z"), false),
            // 23:30 in London is still before 22:00 UTC + skew? No: it is 23:30 UTC.
            (at("2026-11-27T23:30:00+00:00"), false),
            // Sydney's 28th has begun while it is the 27th in UTC.
            (on("2026-11-28"), true),
            (on("2026-11-29"), false),
            (on("1969-12-31"), false),
        ] {
            assert_eq!(OccurredAt::new(when, false, now()).is_ok(), ok, "{when:?}");
        }
        assert_eq!(
            OccurredAt::parse_time("yesterday"),
            Err(OccurredError::TimeShape)
        );
        assert_eq!(
            OccurredAt::parse_time("2026-11-27T21:40:00"),
            Err(OccurredError::TimeShape)
        );
        assert_eq!(
            OccurredAt::parse_date("2026-02-30"),
            Err(OccurredError::DateShape)
        );
    }

    #[test]
    fn wire_form() {
        let o =
            OccurredAt::new(OccurredAt::parse_date("2026-11-01").unwrap(), true, now()).unwrap();
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"on":"2026-11-01","approximate":true}"#
        );
        let back: OccurredAt =
            serde_json::from_str(r#"{"on":"2026-11-01","approximate":true}"#).unwrap();
        assert_eq!(back, o);
    }
}
