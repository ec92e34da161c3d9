//! Calendar arithmetic the rules need, done one way everywhere.

use time::{Date, Duration};

/// The same day `years` later; 29 February becomes 28 February in a common year.
#[must_use]
pub fn plus_years(d: Date, years: i32) -> Date {
    let year = d.year() + years;
    d.replace_year(year)
        .or_else(|_| d.replace_day(28).and_then(|d| d.replace_year(year)))
        .unwrap_or(d)
}

#[must_use]
pub fn plus_days(d: Date, days: i64) -> Date {
    d.checked_add(Duration::days(days)).unwrap_or(d)
}

/// A date in a sentence, as people in the UK write it: `27 Nov 2026`.
#[must_use]
pub fn human(d: Date) -> String {
    d.format(time::macros::format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_default()
}

/// Parses a `YYYY-MM-DD` date typed by a person that must not be in the future.
///
/// # Errors
/// A sentence saying what is wrong.
pub fn past_date(raw: &str, today: Date, what: &str) -> Result<Date, String> {
    let d = crate::occurred::iso_date::parse(raw.trim())
        .map_err(|_| format!("Enter {what} as a date, like 2026-11-27"))?;
    if d > today {
        return Err(format!("{} cannot be in the future", capitalise(what)));
    }
    if d.year() < 1970 {
        return Err(format!("Check {what}: it is before 1970"));
    }
    Ok(d)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_sentences_read_as_people_write_them() {
        assert_eq!(human(date!(2026 - 11 - 27)), "27 Nov 2026");
        assert_eq!(human(date!(2026 - 03 - 01)), "1 Mar 2026");
    }

    #[test]
    fn years_and_days() {
        assert_eq!(plus_years(date!(2025 - 03 - 10), 1), date!(2026 - 03 - 10));
        assert_eq!(plus_years(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
        assert_eq!(plus_days(date!(2026 - 12 - 28), 8), date!(2027 - 01 - 05));
    }

    #[test]
    fn dates_people_type() {
        let today = date!(2026 - 11 - 27);
        assert_eq!(past_date(" 2026-11-27 ", today, "the date"), Ok(today));
        assert!(past_date("2026-11-28", today, "the date")
            .unwrap_err()
            .contains("future"));
        assert!(past_date("27/11/2026", today, "the date")
            .unwrap_err()
            .contains("like"));
        assert!(past_date("2026-02-30", today, "the date").is_err());
        assert!(past_date("1969-12-31", today, "the date").is_err());
    }
}
