//! What anyone holding a receipt needs to check it: the latest signed checkpoint, and
//! inclusion and consistency proofs. These show only hashes — salted commitments that
//! reveal nothing of any case — so they need no token. The receipt itself is the
//! entry's, and only those who may see the entry get it.

use super::ApiActor;
use super::ApiQuery;
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use boundary_app::ledger::Receipt;
use boundary_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The latest signed checkpoint, as a C2SP signed note.
#[utoipa::path(get, path = "/api/v1/checkpoint", responses((status = 200, content_type = "text/plain", body = String), (status = 404, description = "Nothing logged yet")))]
pub(crate) async fn checkpoint(State(state): State<AppState>) -> Result<Response, ApiError> {
    let c = state
        .app
        .latest_checkpoint()
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(([(CONTENT_TYPE, "text/plain; charset=utf-8")], c.note).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct InclusionQuery {
    /// The leaf index (an event's sequence number minus one).
    index: u64,
    /// The tree size of the checkpoint to prove against.
    size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InclusionProof {
    index: u64,
    size: u64,
    leaf_hash: String,
    /// RFC 9162 audit path, leaf upwards, hex.
    proof: Vec<String>,
}

fn bad_range(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", detail)
}

/// An inclusion proof for one leaf in the tree of a given size.
#[utoipa::path(get, path = "/api/v1/proof/inclusion", params(InclusionQuery), responses((status = 200, body = InclusionProof), (status = 422)))]
pub(crate) async fn inclusion(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionProof>, ApiError> {
    let size = state.app.log_size().await?;
    if q.size == 0 || q.size > size || q.index >= q.size {
        return Err(bad_range(&format!(
            "Need index < size <= {size}, the latest tree size."
        )));
    }
    let proof = state.app.inclusion_proof(q.size, q.index).await?;
    Ok(Json(InclusionProof {
        index: q.index,
        size: q.size,
        leaf_hash: proof.leaf.to_hex(),
        proof: proof.path.iter().map(ToString::to_string).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ConsistencyQuery {
    /// The earlier tree size.
    from: u64,
    /// The later tree size.
    size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConsistencyProof {
    from: u64,
    size: u64,
    /// RFC 9162 consistency proof, hex.
    proof: Vec<String>,
}

/// A consistency proof between two tree sizes.
#[utoipa::path(get, path = "/api/v1/proof/consistency", params(ConsistencyQuery), responses((status = 200, body = ConsistencyProof), (status = 422)))]
pub(crate) async fn consistency(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    let size = state.app.log_size().await?;
    if q.from == 0 || q.from > q.size || q.size > size {
        return Err(bad_range(&format!(
            "Need 1 <= from <= size <= {size}, the latest tree size."
        )));
    }
    let proof = state.app.consistency_proof(q.size, q.from).await?;
    Ok(Json(ConsistencyProof {
        from: q.from,
        size: q.size,
        proof: proof.iter().map(ToString::to_string).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReceiptOut {
    seq: i64,
    leaf_index: u64,
    leaf_hash: String,
    checkpoint: String,
}

impl From<Receipt> for ReceiptOut {
    fn from(r: Receipt) -> Self {
        Self {
            seq: r.seq,
            leaf_index: r.leaf_index,
            leaf_hash: r.leaf_hash,
            checkpoint: r.checkpoint,
        }
    }
}

/// The receipt for an entry: keep it outside Boundary.
#[utoipa::path(get, path = "/api/v1/entries/{id}/receipt", params(("id" = String, Path)),
    responses((status = 200, body = ReceiptOut), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn receipt(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(entry): Id<boundary_domain::EntryId>,
) -> Result<Json<ReceiptOut>, ApiError> {
    Ok(Json(state.app.receipt(&actor, entry).await?.into()))
}

/// A receipt as a file to download, named after the entry.
pub(crate) fn receipt_file(r: &Receipt) -> Response {
    let body = serde_json::to_string_pretty(r).unwrap_or_default();
    (
        [
            (CONTENT_TYPE, "application/json".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"boundary-receipt-{}.json\"", r.seq),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TsaOut {
    configured: bool,
    url: Option<String>,
    timestamped_size: Option<u64>,
    last_success: Option<String>,
    last_error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LedgerOut {
    tree_size: u64,
    checkpoint: Option<String>,
    vkey: String,
    /// Why the log refuses writes, if it does.
    writes_blocked: Option<String>,
    last_verification_ok: Option<bool>,
    last_verification: Option<String>,
    tsa: TsaOut,
}

/// The ledger's health, for auditors and admins (for monitoring).
#[utoipa::path(get, path = "/api/v1/ledger", responses((status = 200, body = LedgerOut), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<LedgerOut>, ApiError> {
    let s = state.app.ledger_status(&actor).await?;
    Ok(Json(LedgerOut {
        tree_size: s.tree_size,
        checkpoint: s.checkpoint,
        vkey: s.vkey,
        writes_blocked: s.writes_blocked,
        last_verification_ok: s.last_verification.as_ref().map(|v| v.1),
        last_verification: s.last_verification.map(|v| format!("{}: {}", v.0, v.2)),
        tsa: TsaOut {
            configured: s.tsa.url.is_some(),
            url: s.tsa.url,
            timestamped_size: s.timestamped_size,
            last_success: s.tsa.last_success.map(|t| t.to_string()),
            last_error: s.tsa.last_error,
        },
    }))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/checkpoint", checkpoint)
        .get("/api/v1/ledger", status)
        .get("/api/v1/proof/inclusion", inclusion)
        .get("/api/v1/proof/consistency", consistency)
        .get("/api/v1/entries/{id}/receipt", receipt)
}
