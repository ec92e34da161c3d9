//! The period asked for, and the events withheld as outside it. The reason for
//! withholding is the exporter's word; the period and the day of each contact left out
//! for lying outside it are the log's, signed with the manifest, so that a deliberate
//! omission cannot pass for one the period made (issue 18).

use super::{ManifestEvent, ManifestPeriod};
use boundary_domain::occurred::iso_date;
use time::Date;

/// Why an event outside the period asked for is left out. Boundary alone writes it, with
/// the day of the contact; the exporter cannot type it as a reason of their own.
pub const OUTSIDE_PERIOD: &str = "outside the period asked for";

/// Why the access audit's records are left out, unless the exporter asks for them.
pub const ACCESS_RECORDS: &str =
    "a record of who looked at the case in Boundary, with their address: left out unless asked for";

/// Why entries the exporter chose are left out, when they gave no reason.
pub const NO_REASON_GIVEN: &str = "withheld by the person who exported the case";

/// A withholding reason as a verifier prints it: Boundary's own wordings as they are,
/// anything the exporter typed labelled and quoted, so that text made to look like
/// Boundary's (a look-alike letter, a trailing stop) cannot pass for it.
#[must_use]
pub fn shown_reason(reason: &str) -> String {
    if [OUTSIDE_PERIOD, ACCESS_RECORDS, NO_REASON_GIVEN].contains(&reason) {
        reason.to_owned()
    } else {
        format!("the exporter's reason: \"{reason}\"")
    }
}

/// The first and last day of contacts asked for, either open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    /// Reads the manifest's period.
    pub fn read(p: &ManifestPeriod) -> Result<Self, String> {
        let day = |raw: &Option<String>, end: &str| {
            raw.as_deref()
                .map(|s| {
                    iso_date::parse(s).map_err(|_| {
                        format!("the manifest's period has a {end} that is not a date: {s:?}")
                    })
                })
                .transpose()
        };
        let period = Self {
            from: day(&p.from, "start")?,
            to: day(&p.to, "end")?,
        };
        if let (Some(f), Some(t)) = (period.from, period.to) {
            if f > t {
                return Err("the manifest's period ends before it starts".into());
            }
        }
        Ok(period)
    }

    fn contains(self, on: Date) -> bool {
        self.from.is_none_or(|f| on >= f) && self.to.is_none_or(|t| on <= t)
    }

    /// In words: "contacts from 2026-11-01 to 2026-11-30", "… on or after …", "every
    /// contact".
    pub fn words(self) -> String {
        match (
            self.from.map(iso_date::format),
            self.to.map(iso_date::format),
        ) {
            (Some(f), Some(t)) => format!("contacts from {f} to {t}"),
            (Some(f), None) => format!("contacts on or after {f}"),
            (None, Some(t)) => format!("contacts on or before {t}"),
            (None, None) => "every contact".into(),
        }
    }
}

/// Checks what one listed event says about the period: an event withheld as outside it
/// gives the day of its contact, which must lie outside; no other event gives a day.
/// Without a period (format 1) there is nothing to check against.
pub(super) fn check_event(period: Option<Period>, e: &ManifestEvent) -> Result<(), String> {
    let seq = e.seq;
    let Some(period) = period else {
        return Ok(());
    };
    let outside = e.withheld.as_deref() == Some(OUTSIDE_PERIOD) && e.file.is_none();
    match (&e.occurred_on, outside) {
        (None, false) => Ok(()),
        (None, true) => Err(format!(
            "event {seq} is withheld as {OUTSIDE_PERIOD:?} but the manifest does not say \
             when its contact was, so that cannot be checked"
        )),
        (Some(_), false) => Err(format!(
            "event {seq} gives the day of a contact but is not withheld as {OUTSIDE_PERIOD:?}"
        )),
        (Some(raw), true) => {
            let on = iso_date::parse(raw)
                .map_err(|_| format!("event {seq}: the day of its contact is not a date"))?;
            if period.contains(on) {
                Err(format!(
                    "event {seq} is withheld as {OUTSIDE_PERIOD:?}, but its contact on {raw} \
                     lies inside the period ({}): it was left out deliberately",
                    period.words()
                ))
            } else {
                Ok(())
            }
        }
    }
}
