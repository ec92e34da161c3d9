//! Dates and times as a doctor in the UK reads them.

use boundary_domain::occurred::When;
use boundary_domain::uk_time::to_uk;
use boundary_domain::{OccurredAt, Timestamp};
use time::macros::format_description;

pub(crate) fn date_time(t: Timestamp) -> String {
    to_uk(t.datetime())
        .format(format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default()
}

pub(crate) fn occurred(o: &OccurredAt) -> String {
    let when = match o.when {
        When::At(t) => date_time(t),
        When::On(d) => d
            .format(format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short] [year]"
            ))
            .unwrap_or_default(),
    };
    if o.approximate {
        format!("About {when}")
    } else {
        when
    }
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
