//! `/api/v1/cases/{id}/entries` and `/api/v1/entries/{id}`: log, list and correct contacts.

use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use boundary_app::EntryRow;
use boundary_domain::occurred::{iso_date, When};
use boundary_domain::CaseId;
use boundary_domain::{ContactEntry, EntryId, EntryInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A contact entry. Give `occurred_at` or `occurred_on`, or neither for "just now".
#[derive(Debug, Default, Deserialize, ToSchema)]
pub(crate) struct EntryIn {
    /// RFC 3339 with an offset, e.g. 2026-11-27T21:40:00Z. Not in the future.
    occurred_at: Option<String>,
    /// A date, e.g. 2026-11-27, when the time is not known.
    #[schema(format = Date)]
    occurred_on: Option<String>,
    approximate: Option<bool>,
    /// in_consultation, at_workplace, at_home, phone_call, text_message, email,
    /// letter_or_card, gift, social_media_request, social_media_message,
    /// social_media_post, via_third_party or other.
    channel: Option<String>,
    platform: Option<String>,
    /// Required; at most 20,000 characters.
    what_happened: Option<String>,
    location: Option<String>,
    witnesses: Option<String>,
    effect_on_me: Option<String>,
    my_response: Option<String>,
    police_reference: Option<String>,
}

impl From<EntryIn> for EntryInput {
    fn from(e: EntryIn) -> Self {
        EntryInput {
            occurred_at: e.occurred_at,
            occurred_on: e.occurred_on,
            approximate: e.approximate,
            channel: e.channel,
            platform: e.platform,
            what_happened: e.what_happened,
            location: e.location,
            witnesses: e.witnesses,
            effect_on_me: e.effect_on_me,
            my_response: e.my_response,
            police_reference: e.police_reference,
        }
    }
}

/// What the person who logged an entry can keep outside Boundary.
/// What the person who logged an entry keeps outside Boundary.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Receipt {
    seq: i64,
    leaf_index: u64,
    leaf_hash: String,
    /// A signed checkpoint (C2SP signed note) whose tree includes the entry.
    checkpoint: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Logged {
    id: String,
    seq: i64,
    recorded_at: String,
    leaf_hash: String,
    receipt: Receipt,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ContactOut {
    occurred_at: Option<String>,
    occurred_on: Option<String>,
    approximate: bool,
    channel: &'static str,
    platform: Option<String>,
    what_happened: String,
    location: Option<String>,
    witnesses: Option<String>,
    effect_on_me: Option<String>,
    my_response: Option<String>,
    police_reference: Option<String>,
}

impl From<ContactEntry> for ContactOut {
    fn from(e: ContactEntry) -> Self {
        let (occurred_at, occurred_on) = match e.occurred.when {
            When::At(t) => (Some(t.to_string()), None),
            When::On(d) => (None, Some(iso_date::format(d))),
        };
        Self {
            occurred_at,
            occurred_on,
            approximate: e.occurred.approximate,
            channel: e.channel.code(),
            platform: e.platform,
            what_happened: e.what_happened,
            location: e.location,
            witnesses: e.witnesses,
            effect_on_me: e.effect_on_me,
            my_response: e.my_response,
            police_reference: e.police_reference,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AmendmentOut {
    id: String,
    seq: i64,
    recorded_at: String,
    field: &'static str,
    value: serde_json::Value,
    reason: String,
}

/// An entry as first recorded, its corrections oldest first, and how it reads now.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EntryOut {
    id: String,
    case_id: String,
    seq: i64,
    recorded_at: String,
    leaf_hash: String,
    original: ContactOut,
    amendments: Vec<AmendmentOut>,
    current: ContactOut,
}

impl From<&EntryRow> for EntryOut {
    fn from(e: &EntryRow) -> Self {
        Self {
            id: e.id.to_string(),
            case_id: e.case.to_string(),
            seq: e.seq.get(),
            recorded_at: e.recorded_at.to_string(),
            leaf_hash: e.leaf_hash.clone(),
            original: e.original.clone().into(),
            amendments: e
                .amendments
                .iter()
                .map(|a| AmendmentOut {
                    id: a.id.to_string(),
                    seq: a.seq.get(),
                    recorded_at: a.recorded_at.to_string(),
                    field: a.amendment.field().code(),
                    value: serde_json::to_value(&a.amendment.change)
                        .ok()
                        .and_then(|v| v.get("value").cloned())
                        .unwrap_or(serde_json::Value::Null),
                    reason: a.amendment.reason.clone(),
                })
                .collect(),
            current: e.current().into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AmendmentIn {
    /// The field to correct, e.g. location, what_happened, occurred_at, channel.
    field: String,
    /// The corrected value, checked as the field is when logging.
    value: String,
    #[schema(min_length = 1, pattern = r"\S")]
    reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AmendmentCreated {
    id: String,
    seq: i64,
    recorded_at: String,
    leaf_hash: String,
}

/// Log a contact on a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/entries", params(("id" = String, Path)), request_body = EntryIn,
    responses((status = 201, body = Logged), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<EntryIn>,
) -> Result<(StatusCode, Json<Logged>), ApiError> {
    let logged = state.app.log_contact(&actor, id, &body.into()).await?;
    let a = logged.appended;
    Ok((
        StatusCode::CREATED,
        Json(Logged {
            id: logged.id.to_string(),
            seq: a.seq.get(),
            recorded_at: a.recorded_at.to_string(),
            leaf_hash: a.leaf_hash.to_hex(),
            receipt: Receipt {
                seq: a.seq.get(),
                leaf_index: a.seq.leaf_index(),
                leaf_hash: a.leaf_hash.to_hex(),
                checkpoint: logged.checkpoint.map(|c| c.note).unwrap_or_default(),
            },
        }),
    ))
}

/// A case's entries, oldest contact first, each with its amendments.
#[utoipa::path(get, path = "/api/v1/cases/{id}/entries", params(("id" = String, Path)),
    responses((status = 200, body = [EntryOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<EntryOut>>, ApiError> {
    let (_, entries) = state.app.entries(&actor, id).await?;
    Ok(Json(entries.iter().map(EntryOut::from).collect()))
}

/// One entry with its amendments.
#[utoipa::path(get, path = "/api/v1/entries/{id}", params(("id" = String, Path)),
    responses((status = 200, body = EntryOut), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<EntryId>,
) -> Result<Json<EntryOut>, ApiError> {
    let (_, e) = state.app.entry(&actor, id).await?;
    Ok(Json(EntryOut::from(&e)))
}

/// Correct an entry; the original stays.
#[utoipa::path(post, path = "/api/v1/entries/{id}/amendments", params(("id" = String, Path)), request_body = AmendmentIn,
    responses((status = 201, body = AmendmentCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn amend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<EntryId>,
    ApiJson(body): ApiJson<AmendmentIn>,
) -> Result<(StatusCode, Json<AmendmentCreated>), ApiError> {
    let logged = state
        .app
        .amend_entry(
            &actor,
            id,
            &boundary_domain::AmendmentInput {
                field: body.field,
                value: body.value,
                reason: body.reason,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AmendmentCreated {
            id: logged.id.to_string(),
            seq: logged.appended.seq.get(),
            recorded_at: logged.appended.recorded_at.to_string(),
            leaf_hash: logged.appended.leaf_hash.to_hex(),
        }),
    ))
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/cases/{id}/entries", list)
        .post("/api/v1/cases/{id}/entries", create)
        .get("/api/v1/entries/{id}", show)
        .post("/api/v1/entries/{id}/amendments", amend)
}
