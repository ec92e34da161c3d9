//! The log form's text through a session that ended while it was typed. With
//! JavaScript the browser keeps a draft itself; without it, the post that finds no
//! session hands what was typed to the server to hold (`boundary_app::held_drafts`), the
//! browser keeps the ticket in a cookie, and the form fills itself back in once the
//! person has signed in and is returned to it.

use crate::session::{keep_draft_ticket, SessionEndedFor, CSRF_FIELD};
use crate::state::AppState;
use crate::upload::PostedForm;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::response::Response;
use boundary_domain::uk_time::to_uk;
use boundary_domain::CaseId;
use time::macros::format_description;

/// Stands in for "Just now" in a held draft: the UK time it was sent.
const SENT_AT: &str = "sent_at";

/// The most of a post from someone no longer signed in that is read to hold a draft: the
/// text of the form, not its files. A bigger post (it carries files) is not read at all,
/// so that no one can make the server take in 50 MB without signing in; the text of such
/// a form comes back only from the browser's own copy (with JavaScript).
const READ_MOST: usize = 256 * 1024;

/// Holds what was posted to `case`'s log form when the answer was "sign in first"
/// because the member's own session had just ended, and hands back that answer with the
/// ticket to the draft in a cookie. Any other refusal — no session at all, a second
/// factor still to set up — goes back as it was, with nothing read or held.
pub(super) async fn hold(
    state: &AppState,
    case: CaseId,
    req: Request,
    mut refused: Response,
) -> Response {
    let Some(&SessionEndedFor(member)) = refused.extensions().get::<SessionEndedFor>() else {
        return refused;
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_none_or(|n| n > READ_MOST) {
        return refused;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, READ_MOST).await else {
        return refused;
    };
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    let Ok(posted) = PostedForm::from_request(req, state).await else {
        return refused;
    };
    let typed = posted.pairs;
    let now = state.app.now().datetime();
    // "Just now" will not be now when it comes back: keep when it was sent instead.
    let sent_at = to_uk(now)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap_or_default();
    let kept: Vec<(String, String)> = typed
        .into_iter()
        .filter(|(k, _)| k != CSRF_FIELD)
        .map(|(k, v)| match (k.as_str(), v.as_str()) {
            ("when", "now") => (SENT_AT.to_owned(), sent_at.clone()),
            _ => (k, v),
        })
        .collect();
    if let Some(ticket) = state.app.hold_draft(case, member, &kept) {
        keep_draft_ticket(&state.config, &mut refused, &ticket);
    }
    refused
}

/// A held draft as the form shows it: "Just now" as "Earlier today" at the time it was
/// sent, or as that date and time once the day has turned.
pub(super) fn restored(
    held: Vec<(String, String)>,
    now: time::OffsetDateTime,
) -> Vec<(String, String)> {
    let today = to_uk(now).date().to_string();
    // The form sends its empty time fields too; those the sent time fills give way.
    let sent = held.iter().any(|(k, _)| k == SENT_AT);
    held.into_iter()
        .filter(|(k, _)| !(sent && ["occurred_time", "occurred_at"].contains(&k.as_str())))
        .flat_map(|(k, v)| {
            if k != SENT_AT {
                return vec![(k, v)];
            }
            match v.split_once('T') {
                Some((day, time)) if day == today => vec![
                    ("when".to_owned(), "today".to_owned()),
                    ("occurred_time".to_owned(), time.to_owned()),
                ],
                _ => vec![
                    ("when".to_owned(), "at".to_owned()),
                    ("occurred_at".to_owned(), v),
                ],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn just_now_comes_back_as_earlier_today_or_as_that_day() {
        let held = vec![
            pair("what_happened", "At the gate"),
            pair("occurred_time", ""),
            pair(SENT_AT, "2026-12-06T21:40"),
            pair("occurred_at", ""),
        ];
        assert_eq!(
            restored(held.clone(), datetime!(2026-12-06 22:30 UTC)),
            [
                pair("what_happened", "At the gate"),
                pair("when", "today"),
                pair("occurred_time", "21:40")
            ]
        );
        assert_eq!(
            restored(held, datetime!(2026-12-07 00:10 UTC)),
            [
                pair("what_happened", "At the gate"),
                pair("when", "at"),
                pair("occurred_at", "2026-12-06T21:40")
            ]
        );
    }
}
