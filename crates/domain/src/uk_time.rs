//! Time as people in the UK read it: GMT in winter, BST (UTC+1) from 01:00 UTC on the
//! last Sunday of March to 01:00 UTC on the last Sunday of October (the Summer Time
//! Order 2002). Boundary serves NHS organisations, so this one zone is the zone.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day()?;
    }
    Some(d)
}

/// Whether British Summer Time is in force at this moment.
#[must_use]
pub fn is_bst(t: OffsetDateTime) -> bool {
    let utc = t.to_offset(UtcOffset::UTC);
    let y = utc.year();
    let one_am = Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT);
    match (last_sunday(y, Month::March), last_sunday(y, Month::October)) {
        (Some(start), Some(end)) => {
            let start = PrimitiveDateTime::new(start, one_am).assume_utc();
            let end = PrimitiveDateTime::new(end, one_am).assume_utc();
            utc >= start && utc < end
        }
        _ => false,
    }
}

fn offset(bst: bool) -> UtcOffset {
    if bst {
        UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC)
    } else {
        UtcOffset::UTC
    }
}

/// A moment as UK wall-clock time.
#[must_use]
pub fn to_uk(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(offset(is_bst(t)))
}

/// A UK wall-clock time (as a phone's date-time picker gives it) as a moment. In the
/// hour that happens twice each October the earlier (BST) reading is taken; a time in
/// the hour skipped each March is read as GMT.
#[must_use]
pub fn from_uk(local: PrimitiveDateTime) -> OffsetDateTime {
    let as_bst = local.assume_offset(offset(true));
    if is_bst(as_bst) {
        as_bst
    } else {
        local.assume_utc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn table() {
        for (local, utc) in [
            (datetime!(2026-01-15 12:00), datetime!(2026-01-15 12:00 UTC)),
            (datetime!(2026-07-01 23:30), datetime!(2026-07-01 22:30 UTC)),
            // 2026: BST from 29 March 01:00 UTC to 25 October 01:00 UTC.
            (datetime!(2026-03-29 00:59), datetime!(2026-03-29 00:59 UTC)),
            (datetime!(2026-03-29 02:00), datetime!(2026-03-29 01:00 UTC)),
            (datetime!(2026-03-29 01:30), datetime!(2026-03-29 01:30 UTC)),
            (datetime!(2026-10-25 01:30), datetime!(2026-10-25 00:30 UTC)),
            (datetime!(2026-10-25 02:00), datetime!(2026-10-25 02:00 UTC)),
        ] {
            assert_eq!(from_uk(local), utc, "{local}");
        }
        assert_eq!(to_uk(datetime!(2026-07-01 22:30 UTC)).hour(), 23);
        assert_eq!(to_uk(datetime!(2026-12-01 22:30 UTC)).hour(), 22);
    }
}
