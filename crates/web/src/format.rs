//! Dates and times as a doctor in the UK reads them.

use boundary_domain::uk_time::from_uk;
use boundary_domain::{OccurredAt, Timestamp};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

pub(crate) fn date_time(t: Timestamp) -> String {
    boundary_domain::words::date_time(t)
}

pub(crate) fn occurred(o: &OccurredAt) -> String {
    // The pages' form: with an "About" for an approximate time.
    boundary_domain::words::occurred(o)
}

/// A case's last contact, from its sort key.
pub(crate) fn last_contact(key: Option<i64>) -> String {
    key.and_then(|micros| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).ok()
    })
    .map(|t| date_time(Timestamp::from_datetime(t)))
    .unwrap_or_else(|| "No contacts logged yet".into())
}

/// A time kept as unix microseconds (sessions, tokens, links).
pub(crate) fn micros(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t) * 1000)
        .map(|t| date_time(Timestamp::from_datetime(t)))
        .unwrap_or_default()
}

/// A date-time picker's value (UK wall-clock time, no zone) as RFC 3339.
pub(crate) fn uk_local_to_rfc3339(s: &str) -> Option<String> {
    let s = s.trim();
    let local = time::PrimitiveDateTime::parse(
        s,
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    )
    .or_else(|_| {
        time::PrimitiveDateTime::parse(
            s,
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        )
    })
    .or_else(|_| {
        time::PrimitiveDateTime::parse(
            s,
            format_description!("[year]-[month]-[day] [hour]:[minute]"),
        )
    })
    .ok()?;
    from_uk(local).format(&Rfc3339).ok()
}
