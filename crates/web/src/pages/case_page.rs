//! The case page: the case, the advice in brief, its timeline with thumbnails, the
//! patterns, exporting it, managing it, and who has seen it.

use super::cases::{audit_line, AuditLine};
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::filters;
use crate::format;
use crate::path_ids::Id;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use boundary_app::EntryRow;
use boundary_domain::{CaseId, CaseStatus, EntryId};
use serde::Deserialize;

struct RecentExport {
    job: String,
    what: &'static str,
    started: String,
    /// `working`, `stalled`, `ready` or `failed`.
    state: &'static str,
}

pub(super) struct LoggedPanel {
    pub id: String,
    /// Within the case.
    pub number: usize,
    /// Within the whole log, as the receipt and proofs name it.
    pub seq: i64,
    pub of: String,
    pub recorded: String,
    pub leaf_hash: String,
}

/// 1022 as "1,022".
pub(super) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    /// The advice checklist: how many steps are done or do not apply, and the next one.
    steps_settled: usize,
    steps_total: usize,
    next_step: Option<&'static str>,
    /// Escalation prompts: (why, consider), all in one box.
    prompts: Vec<(String, String)>,
    /// The story in brief, before anything else: counts, first and last, the trend.
    summary: Option<Summary>,
    /// The pictures, as SVG, each with its words.
    weekly_svg: String,
    weekly_words: String,
    /// The same numbers in words, newest week first: (week, total, by channel).
    weekly_rows: Vec<(String, usize, String)>,
    /// The heat map in words: (weekday, contacts, busiest hours).
    heat_rows: Vec<(&'static str, usize, String)>,
    legend: Vec<(&'static str, &'static str)>,
    heat_svg: String,
    heat_words: String,
    id: String,
    label: String,
    status: &'static str,
    chaperone: bool,
    nhs_number: Option<String>,
    identifiers: Vec<String>,
    opened: String,
    /// The newest part of the timeline (all of it when asked), in months.
    months: Vec<super::timeline::TimelineMonth>,
    /// Timeline items not shown until the whole timeline is asked for.
    not_shown: usize,
    /// Every contact, for the evidence pack's "withhold" choices: (entry id, words).
    withholdable: Vec<(String, String)>,
    contact_count: usize,
    logged: Option<LoggedPanel>,
    status_code: &'static str,
    statuses: Vec<(&'static str, &'static str)>,
    is_owner: bool,
    /// The member's exports of this case in the last hour.
    exports: Vec<RecentExport>,
    can_log: bool,
    /// For the owner: (member id, e-mail, name, access).
    shares: Vec<(String, String, String, &'static str)>,
    /// For the owner: others' views and sharing changes, newest first.
    seen_by: Vec<AuditLine>,
}

pub(super) struct Summary {
    first: String,
    last: String,
    /// Contacts in the last 7 days, and the weekly average of the 11 weeks before them.
    last_7_days: usize,
    average_before: String,
    trend: &'static str,
}

/// The weeks before the last seven days that the trend compares them with.
const WEEKS_BEFORE: i64 = 11;

fn summary(entries: &[EntryRow], today: time::Date) -> Option<Summary> {
    // Entries come oldest contact first.
    let first = entries.first()?.current();
    let last = entries.last()?.current();
    // Seven whole days, not the week so far: on a Monday morning a part-week would read
    // as "falling" for any case.
    let week_ago = today - time::Duration::days(7);
    let window_start = week_ago - time::Duration::weeks(WEEKS_BEFORE);
    let days: Vec<time::Date> = entries
        .iter()
        .map(|e| e.current().occurred.uk_date())
        .collect();
    let recent = days
        .iter()
        .filter(|d| **d > week_ago && **d <= today)
        .count();
    let before = days
        .iter()
        .filter(|d| **d > window_start && **d <= week_ago)
        .count();
    let average = before as f64 / WEEKS_BEFORE as f64;
    let trend = if recent as f64 > average * 1.5 && recent >= 2 {
        "rising"
    } else if (recent as f64) < average * 0.5 {
        "falling"
    } else {
        "steady"
    };
    Some(Summary {
        first: format::occurred(&first.occurred),
        last: format::occurred(&last.occurred),
        last_7_days: recent,
        average_before: format!("{average:.1}"),
        trend,
    })
}

/// One line of an access audit, as a page shows it.
#[derive(Deserialize)]
pub(super) struct CaseQuery {
    logged: Option<String>,
    /// `all` shows the whole timeline rather than its newest part.
    timeline: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Id(id): Id<CaseId>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, PageError> {
    let logged_id: Option<EntryId> = q.logged.and_then(|l| l.parse().ok());
    let tree_size = match logged_id {
        Some(_) => state.app.log_size().await?,
        None => 0,
    };
    // Read before this look is itself recorded, so the count is the entry's own.
    let (case, entries) = state.app.entries(&me.actor, id).await?;
    let logged = logged_id
        .and_then(|l| entries.iter().find(|e| e.id == l))
        .map(|e| LoggedPanel {
            id: e.id.to_string(),
            number: e.number,
            seq: e.seq.get(),
            of: thousands(tree_size),
            recorded: format::date_time(e.recorded_at),
            leaf_hash: e.leaf_hash.clone(),
        });
    let is_owner = case.owner == me.actor.member;
    let can_log = state.app.may_log(&me.actor, &case).await?;
    let seen_by = if is_owner {
        state
            .app
            .case_audit(&me.actor, case.id)
            .await?
            .into_iter()
            .filter(|a| {
                a.member != me.actor.member
                    || a.action.starts_with("shared")
                    || a.action == "ended sharing"
            })
            .take(20)
            .map(audit_line)
            .collect()
    } else {
        Vec::new()
    };
    let exports = if is_owner {
        state
            .app
            .recent_exports(&me.actor, case.id)
            .await?
            .into_iter()
            .map(|s| {
                let started = boundary_domain::Timestamp::from_datetime(
                    time::OffsetDateTime::from_unix_timestamp(s.job.started_at)
                        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                );
                RecentExport {
                    job: s.job.id.clone(),
                    what: s.format.words(),
                    started: format::date_time(started),
                    state: s.state(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let shares = if is_owner {
        state
            .app
            .shares(&me.actor, case.id)
            .await?
            .into_iter()
            .map(|(m, email, name, access)| (m.to_string(), email, name, access.code()))
            .collect()
    } else {
        Vec::new()
    };
    let records = state.app.records_on(&case).await?;
    let checklist = state.app.checklist_of(&case, &records).await?;
    let next_step = boundary_domain::advice::checklist::next_step(
        &checklist
            .iter()
            .map(|l| (l.step, l.state.clone()))
            .collect::<Vec<_>>(),
    )
    .map(|s| s.words().0);
    let contacts: Vec<_> = entries.iter().map(EntryRow::current).collect();
    let prompts = state
        .app
        .prompts_for(&case, &contacts)
        .await?
        .into_iter()
        .map(|p| (p.why, p.consider))
        .collect();
    let (span, weeks) =
        boundary_domain::advice::patterns::over_the_case(&contacts, state.app.uk_today());
    let (weekly_svg, weekly_words) = crate::charts::bars(span, &weeks);
    let grid = boundary_domain::advice::patterns::hour_by_weekday(&contacts);
    let (heat_svg, heat_words) = crate::charts::heat_map(&grid);
    let mut timeline = super::timeline::timeline(
        &entries,
        &records,
        super::files::views(&state, &me, case.id, None).await?,
    );
    let withholdable = timeline
        .iter()
        .filter_map(|t| {
            t.id.clone()
                .map(|id| (id, format!("{}: {}", t.when, t.title)))
        })
        .collect();
    let not_shown = if q.timeline.as_deref() == Some("all") {
        0
    } else {
        let extra = timeline
            .len()
            .saturating_sub(super::timeline::TIMELINE_PAGE);
        timeline.truncate(super::timeline::TIMELINE_PAGE);
        extra
    };
    let page = CasePage {
        months: super::timeline::by_month(timeline),
        not_shown,
        withholdable,
        summary: summary(&entries, state.app.uk_today()),
        legend: crate::charts::legend(&weeks),
        weekly_rows: crate::charts::bar_rows(span, &weeks),
        heat_rows: crate::charts::heat_rows(&grid),
        weekly_svg,
        weekly_words,
        heat_svg,
        heat_words,
        prompts,
        steps_settled: checklist
            .iter()
            .filter(|l| !l.state.is_outstanding())
            .count(),
        steps_total: checklist.len(),
        next_step,
        is_owner,
        exports,
        can_log,
        shares,
        seen_by,
        chrome: me.chrome(),
        id: case.id.to_string(),
        label: case.person.label.clone(),
        status: case.status.label(),
        chaperone: case.chaperone_required,
        nhs_number: case.person.nhs_number.as_ref().map(ToString::to_string),
        identifiers: case.person.identifiers.clone(),
        opened: format::date_time(case.opened_at),
        contact_count: entries.len(),
        logged,
        status_code: case.status.code(),
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
    };
    Ok(render(form_status(false), &page))
}

pub(super) fn router() -> crate::routes::Routes {
    crate::routes::Routes::new().get("/cases/{id}", show)
}
