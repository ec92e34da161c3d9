//! The shape of the contacts over time, for the case page's pictures: how many each
//! week, month or year by channel, over the whole case, and at which hours of which
//! weekdays they come.

use crate::{Channel, ContactEntry};
use time::{Date, Duration, Month, Weekday};

/// The weeks shown while a case is young, ending with the week that holds `today`.
pub const WEEKS: usize = 12;
/// The most months shown; a case older than this is shown in years.
pub const MONTHS: usize = 36;

/// How long each bar of the picture is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Week,
    Month,
    Year,
}

/// One bar: a week (from a Monday), a month or a year's contacts, by channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub starts: Date,
    pub by_channel: Vec<(Channel, usize)>,
}

impl Period {
    #[must_use]
    pub fn total(&self) -> usize {
        self.by_channel.iter().map(|(_, n)| n).sum()
    }
}

fn monday_of(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// The contacts from `starts` up to `ends`, by each channel that occurred.
fn period(contacts: &[ContactEntry], starts: Date, ends: Date) -> Period {
    let by_channel = Channel::ALL
        .iter()
        .map(|c| {
            let n = contacts
                .iter()
                .filter(|e| e.channel == *c)
                .filter(|e| {
                    let d = e.occurred.uk_date();
                    d >= starts && d < ends
                })
                .count();
            (*c, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    Period { starts, by_channel }
}

/// The last [`WEEKS`] weeks, oldest first, with each channel that occurred in them.
#[must_use]
pub fn weekly_by_channel(contacts: &[ContactEntry], today: Date) -> Vec<Period> {
    let this_week = monday_of(today);
    (0..WEEKS)
        .rev()
        .map(|back| {
            let starts = this_week - Duration::weeks(i64::try_from(back).unwrap_or(0));
            period(contacts, starts, starts + Duration::days(7))
        })
        .collect()
}

fn first_of_month(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

fn next_month(d: Date) -> Date {
    let (year, month) = match d.month() {
        Month::December => (d.year() + 1, Month::January),
        m => (d.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1).unwrap_or(d)
}

fn first_of_year(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
}

/// The whole case, oldest first: in weeks while its first contact is within the last
/// [`WEEKS`] weeks, then in months up to [`MONTHS`] of them, then in years — so that
/// an older case is never cut down to its last three months.
#[must_use]
pub fn over_the_case(contacts: &[ContactEntry], today: Date) -> (Span, Vec<Period>) {
    let first = contacts.iter().map(|e| e.occurred.uk_date()).min();
    let weeks_from = monday_of(today) - Duration::weeks(i64::try_from(WEEKS - 1).unwrap_or(0));
    let Some(first) = first.filter(|f| *f < weeks_from) else {
        return (Span::Week, weekly_by_channel(contacts, today));
    };
    let mut months = vec![first_of_month(first)];
    while let Some(last) = months
        .last()
        .copied()
        .filter(|m| *m < first_of_month(today))
    {
        months.push(next_month(last));
    }
    if months.len() <= MONTHS {
        let bars = months
            .iter()
            .map(|m| period(contacts, *m, next_month(*m)))
            .collect();
        return (Span::Month, bars);
    }
    let bars = (first.year()..=today.year())
        .map(|y| period(contacts, first_of_year(y), first_of_year(y + 1)))
        .collect();
    (Span::Year, bars)
}

/// Contacts with a known time, counted by weekday (Monday first) and hour, UK time.
/// Contacts logged with a day but no time are left out: they have no hour.
#[must_use]
pub fn hour_by_weekday(contacts: &[ContactEntry]) -> [[usize; 24]; 7] {
    let mut grid = [[0usize; 24]; 7];
    for e in contacts {
        if let Some(t) = e.occurred.uk_time() {
            let day = usize::from(t.weekday().number_days_from_monday());
            grid[day][usize::from(t.hour())] += 1;
        }
    }
    grid
}

#[must_use]
pub fn weekday_name(i: usize) -> &'static str {
    [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .get(i)
    .map_or("", |d| match d {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryInput;
    use crate::Timestamp;
    use time::macros::{date, datetime};

    fn at(channel: &str, when: &str) -> ContactEntry {
        let input = if when.len() == 10 {
            EntryInput {
                occurred_on: Some(when.into()),
                ..EntryInput::default()
            }
        } else {
            EntryInput {
                occurred_at: Some(when.into()),
                ..EntryInput::default()
            }
        };
        ContactEntry::parse(
            &EntryInput {
                channel: Some(channel.into()),
                what_happened: Some("x".into()),
                ..input
            },
            Timestamp::from_datetime(datetime!(2026-11-27 23:00 UTC)),
        )
        .unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_count_by_channel() {
        // 27 November 2026 is a Friday: this week began on Monday the 23rd.
        let c = [
            at("email", "2026-11-23"),
            at("email", "2026-11-27"),
            at("at_home", "2026-11-22"),
            at("email", "2026-08-01"),
        ];
        let weeks = weekly_by_channel(&c, date!(2026 - 11 - 27));
        assert_eq!(weeks.len(), WEEKS);
        let last = weeks.last().unwrap();
        assert_eq!(last.starts, date!(2026 - 11 - 23));
        assert_eq!(last.by_channel, vec![(Channel::Email, 2)]);
        assert_eq!(weeks[WEEKS - 2].by_channel, vec![(Channel::AtHome, 1)]);
        assert_eq!(
            weeks.iter().map(Period::total).sum::<usize>(),
            3,
            "August is outside the twelve weeks"
        );
    }

    #[test]
    fn the_whole_case_is_shown_in_weeks_then_months_then_years() {
        let today = date!(2026 - 11 - 27);
        let young = [at("email", "2026-10-01"), at("email", "2026-11-27")];
        let (span, bars) = over_the_case(&young, today);
        assert_eq!((span, bars.len()), (Span::Week, WEEKS));

        let older = [
            at("email", "2026-08-01"),
            at("at_home", "2026-08-31"),
            at("email", "2026-11-23"),
        ];
        let (span, bars) = over_the_case(&older, today);
        assert_eq!(span, Span::Month, "August is before the twelve weeks");
        let starts: Vec<Date> = bars.iter().map(|b| b.starts).collect();
        assert_eq!(
            starts,
            [
                date!(2026 - 08 - 01),
                date!(2026 - 09 - 01),
                date!(2026 - 10 - 01),
                date!(2026 - 11 - 01)
            ]
        );
        assert_eq!(bars[0].total(), 2);
        assert_eq!(
            bars.iter().map(Period::total).sum::<usize>(),
            3,
            "none lost"
        );

        let old = [at("email", "2022-12-31"), at("email", "2026-11-01")];
        let (span, bars) = over_the_case(&old, today);
        assert_eq!(span, Span::Year, "four years is too many months");
        assert_eq!(bars.len(), 5);
        assert_eq!(
            (bars[0].starts, bars[0].total()),
            (date!(2022 - 01 - 01), 1)
        );
    }

    #[test]
    fn the_grid_uses_uk_time_and_skips_contacts_without_one() {
        // 23:30 UTC on a Sunday in summer is 00:30 on Monday in the UK.
        let c = [
            at("text_message", "2026-07-05T23:30:00Z"),
            at("email", "2026-07-06"),
        ];
        let grid = hour_by_weekday(&c);
        assert_eq!(grid[0][0], 1);
        assert_eq!(grid.iter().flatten().sum::<usize>(), 1);
        assert_eq!(weekday_name(0), "Monday");
    }
}
