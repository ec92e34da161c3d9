//! Times and entry fields in the words a doctor in the UK reads: for the pages and the
//! evidence pack alike.

use crate::entry::AmendableField;
use crate::occurred::When;
use crate::uk_time::to_uk;
use crate::{ContactEntry, OccurredAt, Timestamp};
use time::macros::format_description;

/// `Fri 27 Nov 2026, 11:40`, in UK time.
#[must_use]
pub fn date_time(t: Timestamp) -> String {
    to_uk(t.datetime())
        .format(format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// A file's size for people: `812 bytes`, `24 KB`, `3.2 MB`.
#[must_use]
pub fn file_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b.div_ceil(1024)),
        b => format!("{b} bytes"),
    }
}

/// When a contact happened, as (date, time): the time is empty for a date alone, and
/// both begin "About" when approximate.
#[must_use]
pub fn occurred_parts(o: &OccurredAt) -> (String, String) {
    let (date, time) = match o.when {
        When::At(t) => {
            let uk = to_uk(t.datetime());
            (
                uk.format(format_description!(
                    "[weekday repr:short] [day padding:none] [month repr:short] [year]"
                ))
                .unwrap_or_default(),
                uk.format(format_description!("[hour]:[minute]"))
                    .unwrap_or_default(),
            )
        }
        When::On(d) => (
            d.format(format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short] [year]"
            ))
            .unwrap_or_default(),
            String::new(),
        ),
    };
    if o.approximate {
        (format!("About {date}"), time)
    } else {
        (date, time)
    }
}

/// When a contact happened, in one phrase.
#[must_use]
pub fn occurred(o: &OccurredAt) -> String {
    match occurred_parts(o) {
        (date, time) if time.is_empty() => date,
        (date, time) => format!("{date}, {time}"),
    }
}

/// The value of one field of an entry, as a correction shows what it set.
#[must_use]
pub fn field_value(field: AmendableField, e: &ContactEntry) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "(cleared)".into());
    match field {
        AmendableField::OccurredAt | AmendableField::OccurredOn | AmendableField::Approximate => {
            occurred(&e.occurred)
        }
        AmendableField::Channel => e.channel.label().into(),
        AmendableField::WhatHappened => e.what_happened.clone(),
        AmendableField::Platform => text(&e.platform),
        AmendableField::Location => text(&e.location),
        AmendableField::Witnesses => text(&e.witnesses),
        AmendableField::EffectOnMe => text(&e.effect_on_me),
        AmendableField::MyResponse => text(&e.my_response),
        AmendableField::PoliceReference => text(&e.police_reference),
    }
}
