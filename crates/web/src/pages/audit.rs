//! The organisation's access audit, for auditors.

use super::cases::{audit_line, AuditLine};
use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::routes::Routes;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    member: String,
    case: String,
    rows: Vec<AuditLine>,
}

#[derive(Deserialize)]
struct Filters {
    member: Option<String>,
    case: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Query(f): Query<Filters>,
) -> Result<Response, PageError> {
    let member_email = f.member.unwrap_or_default();
    let case_text = f.case.unwrap_or_default();
    // An unknown person or malformed id shows nothing, rather than everything.
    let member = match member_email.trim() {
        "" => None,
        email => Some(state.app.audited_member(&me.actor, email).await?),
    };
    let case = match case_text.trim() {
        "" => None,
        id => Some(id.parse().ok()),
    };
    let rows = match (member, case) {
        (Some(None), _) | (_, Some(None)) => {
            // Still only for auditors.
            state.app.org_audit(&me.actor, None, None).await?;
            Vec::new()
        }
        (m, c) => {
            state
                .app
                .org_audit(&me.actor, c.flatten(), m.flatten())
                .await?
        }
    };
    Ok(render(
        form_status(false),
        &AuditPage {
            chrome: me.chrome(),
            member: member_email,
            case: case_text,
            rows: rows.into_iter().map(audit_line).collect(),
        },
    ))
}

pub(super) fn router() -> Routes {
    Routes::new().get("/audit", show)
}
