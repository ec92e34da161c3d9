//! The case's timeline: contacts and the advice records (warnings, police reports,
//! chaperones, transfers, risk answers, checklist steps, gifts) in one list, newest first.

use crate::format;
use boundary_app::advice::AdviceRecords;
use boundary_app::record_words::RecordWords;
use boundary_app::EntryRow;
use boundary_domain::Timestamp;
use std::collections::HashMap;
use time::Date;

pub(crate) struct TimelineItem {
    /// The entry's id, for contacts: records have no page of their own.
    pub id: Option<String>,
    /// A contact's number within its case.
    pub number: Option<usize>,
    pub title: String,
    pub when: String,
    pub approximate: bool,
    pub recorded: String,
    pub what: String,
    pub amended: bool,
    /// A contact's pictures, with their thumbnails.
    pub pictures: Vec<super::files::FileView>,
    /// The month it happened in, as a heading: "November 2026".
    pub month: String,
    /// Sorts contacts by when they happened, and records after the contacts of their day.
    key: (i64, Timestamp),
}

/// A month of the timeline, newest first within it.
pub(crate) struct TimelineMonth {
    pub title: String,
    pub items: Vec<TimelineItem>,
}

/// How many of the newest items the case page shows before offering the whole timeline.
pub(crate) const TIMELINE_PAGE: usize = 30;

fn month_of(d: Date) -> String {
    format!("{} {}", d.month(), d.year())
}

/// `items` (newest first) in months, newest month first.
pub(crate) fn by_month(items: Vec<TimelineItem>) -> Vec<TimelineMonth> {
    let mut months: Vec<TimelineMonth> = Vec::new();
    for item in items {
        match months.last_mut() {
            Some(m) if m.title == item.month => m.items.push(item),
            _ => months.push(TimelineMonth {
                title: item.month.clone(),
                items: vec![item],
            }),
        }
    }
    months
}

/// Long entries are cut on the timeline; the entry page shows them whole.
const TIMELINE_TEXT: usize = 400;

fn excerpt(s: &str) -> String {
    if s.chars().count() <= TIMELINE_TEXT {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(TIMELINE_TEXT).collect();
        format!("{cut}…")
    }
}

fn day(d: Date) -> String {
    d.format(time::macros::format_description!(
        "[weekday repr:short] [day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_default()
}

fn record(w: RecordWords) -> TimelineItem {
    // The last moment of the day in the UK, so that a record follows its day's contacts
    // in summer time too.
    let next = w.on.next_day().unwrap_or(w.on).midnight();
    let end_of_day =
        i64::try_from(boundary_domain::uk_time::from_uk(next).unix_timestamp_nanos() / 1_000)
            .unwrap_or(i64::MAX)
            - 1;
    TimelineItem {
        id: None,
        number: None,
        month: month_of(w.on),
        title: w.title,
        when: day(w.on),
        approximate: false,
        recorded: format::date_time(w.recorded_at),
        what: excerpt(&w.detail),
        amended: false,
        pictures: Vec::new(),
        key: (end_of_day, w.recorded_at),
    }
}

/// `files` are the case's files: each contact shows those of its pictures that have a
/// thumbnail.
pub(crate) fn timeline(
    entries: &[EntryRow],
    records: &AdviceRecords,
    files: Vec<super::files::FileView>,
) -> Vec<TimelineItem> {
    let mut pictures: HashMap<String, Vec<super::files::FileView>> = HashMap::new();
    for f in files {
        if let (Some(entry), Some(_)) = (&f.entry, &f.thumbnail) {
            pictures.entry(entry.clone()).or_default().push(f);
        }
    }
    let mut items: Vec<TimelineItem> = entries
        .iter()
        .map(|e| {
            let c = e.current();
            let id = e.id.to_string();
            TimelineItem {
                pictures: pictures.remove(&id).unwrap_or_default(),
                id: Some(id),
                number: Some(e.number),
                month: month_of(c.occurred.uk_date()),
                title: c.channel.label().to_owned(),
                when: format::occurred(&c.occurred),
                approximate: c.occurred.approximate,
                recorded: format::date_time(e.recorded_at),
                what: excerpt(&c.what_happened),
                amended: !e.amendments.is_empty(),
                key: (c.occurred.sort_key(), e.recorded_at),
            }
        })
        .collect();
    for w in records.in_words() {
        items.push(record(w));
    }
    // Newest first: the one just logged is the one a doctor looks for.
    items.sort_by_key(|i| std::cmp::Reverse(i.key));
    items
}
