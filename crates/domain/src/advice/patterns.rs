//! The shape of the contacts over time, for the case page's pictures: how many each week
//! by channel, and at which hours of which weekdays they come.

use crate::{Channel, ContactEntry};
use time::{Date, Duration, Weekday};

/// The weeks shown, ending with the week that holds `today`.
pub const WEEKS: usize = 12;

/// One week's contacts by channel, the week starting on a Monday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub starts: Date,
    pub by_channel: Vec<(Channel, usize)>,
}

impl Week {
    #[must_use]
    pub fn total(&self) -> usize {
        self.by_channel.iter().map(|(_, n)| n).sum()
    }
}

fn monday_of(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// The last [`WEEKS`] weeks, oldest first, with each channel that occurred in them.
#[must_use]
pub fn weekly_by_channel(contacts: &[ContactEntry], today: Date) -> Vec<Week> {
    let this_week = monday_of(today);
    (0..WEEKS)
        .rev()
        .map(|back| {
            let starts = this_week - Duration::weeks(i64::try_from(back).unwrap_or(0));
            let ends = starts + Duration::days(7);
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
            Week { starts, by_channel }
        })
        .collect()
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
            weeks.iter().map(Week::total).sum::<usize>(),
            3,
            "August is outside the twelve weeks"
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
