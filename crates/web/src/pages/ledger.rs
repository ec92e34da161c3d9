//! The ledger page for auditors and admins, and entry receipts for whoever may see the entry.

use super::layout::{form_status, render, Chrome};
use crate::error::PageError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::session::SignedIn;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    chrome: Chrome,
    tree_size: u64,
    checkpoint: Option<String>,
    checkpoint_at: Option<String>,
    vkey: String,
    last_verification: Option<(String, bool, String)>,
    writes_blocked: Option<String>,
    tsa_url: Option<String>,
    tsa_last_success: Option<String>,
    tsa_last_error: Option<String>,
    timestamped_size: Option<u64>,
}

/// A stored timestamp as UK time, or as stored if it does not parse.
fn readable(t: &str) -> String {
    boundary_domain::Timestamp::parse(t).map_or_else(|_| t.to_owned(), crate::format::date_time)
}

async fn show(State(state): State<AppState>, me: SignedIn) -> Result<Response, PageError> {
    let s = state.app.ledger_status(&me.actor).await?;
    Ok(render(
        form_status(false),
        &LedgerPage {
            chrome: me.chrome(),
            tree_size: s.tree_size,
            checkpoint: s.checkpoint,
            checkpoint_at: s.checkpoint_at.map(|t| readable(&t)),
            vkey: s.vkey,
            last_verification: s
                .last_verification
                .map(|(at, ok, what)| (readable(&at), ok, what)),
            writes_blocked: s.writes_blocked,
            tsa_url: s.tsa.url,
            tsa_last_success: s.tsa.last_success.map(crate::format::date_time),
            tsa_last_error: s.tsa.last_error,
            timestamped_size: s.timestamped_size,
        },
    ))
}

async fn receipt(
    State(state): State<AppState>,
    me: SignedIn,
    Id(entry): Id<boundary_domain::EntryId>,
) -> Result<Response, PageError> {
    let r = state.app.receipt(&me.actor, entry).await?;
    Ok(crate::api::ledger::receipt_file(&r))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/ledger", show)
        .get("/entries/{id}/receipt", receipt)
}
