//! The case's timeline: contacts and the advice records (warnings, police reports,
//! chaperones, transfers, risk answers, checklist steps, gifts) in one list, newest first.

use crate::format;
use boundary_app::advice::{AdviceRecords, Recorded};
use boundary_app::EntryRow;
use boundary_domain::advice::gift::pounds;
use boundary_domain::advice::Mark;
use boundary_domain::Timestamp;
use time::Date;

pub(crate) struct TimelineItem {
    /// The entry's id, for contacts: records have no page of their own.
    pub id: Option<String>,
    pub title: String,
    pub when: String,
    pub approximate: bool,
    pub recorded: String,
    pub what: String,
    pub amended: bool,
    /// Sorts contacts by when they happened, and records after the contacts of their day.
    key: (i64, Timestamp),
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

fn record<T>(r: &Recorded<T>, on: Date, title: String, what: String) -> TimelineItem {
    // The last moment of the day in the UK, so that a record follows its day's contacts
    // in summer time too.
    let next = on.next_day().unwrap_or(on).midnight();
    let end_of_day =
        i64::try_from(boundary_domain::uk_time::from_uk(next).unix_timestamp_nanos() / 1_000)
            .unwrap_or(i64::MAX)
            - 1;
    TimelineItem {
        id: None,
        title,
        when: day(on),
        approximate: false,
        recorded: format::date_time(r.recorded_at),
        what: excerpt(&what),
        amended: false,
        key: (end_of_day, r.recorded_at),
    }
}

pub(crate) fn timeline(entries: &[EntryRow], records: &AdviceRecords) -> Vec<TimelineItem> {
    let mut items: Vec<TimelineItem> = entries
        .iter()
        .map(|e| {
            let c = e.current();
            TimelineItem {
                id: Some(e.id.to_string()),
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
    for r in &records.warnings {
        let w = &r.record;
        items.push(record(
            r,
            w.given_on,
            format!("Warning given ({})", w.how),
            w.reasons.clone(),
        ));
    }
    for r in &records.police_reports {
        let p = &r.record;
        items.push(record(
            r,
            p.reported_on,
            format!("Reported to {} ({})", p.force, p.reference),
            p.summary.clone(),
        ));
    }
    for r in &records.chaperones {
        let c = &r.record;
        let what = if c.declined {
            format!(
                "A chaperone was offered and declined. Instead: {}",
                c.instead.as_deref().unwrap_or("not said")
            )
        } else {
            format!(
                "Chaperone: {}, {}",
                c.chaperone_name.as_deref().unwrap_or_default(),
                c.chaperone_role.as_deref().unwrap_or_default()
            )
        };
        items.push(record(
            r,
            c.consultation_on,
            "Consultation with a chaperone".into(),
            what,
        ));
    }
    for r in &records.transfers {
        let t = &r.record;
        items.push(record(
            r,
            t.transferred_on,
            format!("Care transferred to {}", t.to),
            t.reason.clone(),
        ));
    }
    for r in &records.screens {
        let on = boundary_domain::uk_time::to_uk(r.recorded_at.datetime()).date();
        let s = &r.record;
        items.push(record(
            r,
            on,
            "Risk questions answered".into(),
            format!(
                "{} of {} signs present{}",
                s.score(),
                s.answers.len(),
                if s.four_met() {
                    "; the FOUR pattern is met"
                } else {
                    ""
                }
            ),
        ));
    }
    for r in &records.marks {
        let (step, mark) = &r.record;
        let (on, what) = match mark {
            Mark::Done { on, note } => (*on, note.clone().unwrap_or_else(|| "Done".into())),
            Mark::NotApplicable { why } => (
                boundary_domain::uk_time::to_uk(r.recorded_at.datetime()).date(),
                format!("Not applicable: {why}"),
            ),
        };
        items.push(record(
            r,
            on,
            format!("Advice step: {}", step.words().0),
            what,
        ));
    }
    for r in &records.gifts {
        let g = &r.record.1;
        items.push(record(
            r,
            g.offered_on,
            format!("Gift offered: {}", g.description),
            format!(
                "{}, {}: {}",
                pounds(g.value_pence),
                g.decision.label(),
                g.why
            ),
        ));
    }
    for r in &records.letters {
        let l = &r.record;
        items.push(record(
            r,
            l.written_on,
            format!("Letter kept: {}", l.kind.label()),
            l.text.clone(),
        ));
    }
    // Newest first: the one just logged is the one a doctor looks for.
    items.sort_by_key(|i| std::cmp::Reverse(i.key));
    items
}
