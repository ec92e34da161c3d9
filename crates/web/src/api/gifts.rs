//! The organisation's gift register, per ../shared/INTERFACES.md.

use super::{ApiActor, ApiJson};
use crate::error::ApiError;
use crate::path_ids::Id;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use boundary_app::gifts::RegisterLine;
use boundary_app::AppError;
use boundary_domain::advice::gift::GiftInput;
use boundary_domain::occurred::iso_date;
use boundary_domain::CaseId;
use boundary_domain::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct GiftIn {
    /// YYYY-MM-DD, not in the future.
    #[schema(format = Date)]
    offered_on: String,
    #[schema(min_length = 1, pattern = r"\S")]
    donor: String,
    /// `patient`, `relative`, `supplier` or `other`; a patient when an NHS number is
    /// given, and treated as a patient when not said.
    donor_is: Option<String>,
    nhs_number: Option<String>,
    /// Where there is no NHS number, the register asks for the donor's address.
    donor_address: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    description: String,
    /// Estimated value in pounds: a number, or a string such as "£12.50".
    #[schema(value_type = f64)]
    value_pounds: serde_json::Value,
    #[schema(format = Email)]
    recipient_email: String,
    /// `declined`, `returned`, `accepted` or `given_to_practice`.
    decision: String,
    #[schema(min_length = 1, pattern = r"\S")]
    why: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GiftCreated {
    id: String,
    needs_register_entry: bool,
    donor_total_12_months: f64,
    warnings: Vec<String>,
    /// Cases whose person the donor may be (the same name, no NHS number to be sure):
    /// `POST /api/v1/cases/{case_id}/gifts` puts the gift on one's timeline.
    may_add_to: Vec<CaseChoice>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseChoice {
    case_id: String,
    label: String,
}

#[allow(clippy::cast_precision_loss)] // pence below 2^53 are exact in an f64
fn as_pounds(pence: u64) -> f64 {
    pence as f64 / 100.0
}

fn pounds_text(v: &serde_json::Value) -> Result<String, FieldErrors> {
    match v {
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::String(s) => Ok(s.clone()),
        _ => Err(FieldErrors::one(
            "value_pounds",
            "Enter the estimated value in pounds, like 25 or 12.50",
        )),
    }
}

/// Record a gift offered to someone in the organisation. Clinicians, managers, admins.
#[utoipa::path(post, path = "/api/v1/gifts", request_body = GiftIn,
    responses((status = 201, body = GiftCreated), (status = 404), (status = 422, description = "Invalid fields")),
    security(("bearer" = [])))]
pub(crate) async fn record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<GiftIn>,
) -> Result<(StatusCode, Json<GiftCreated>), ApiError> {
    let input = GiftInput {
        offered_on: body.offered_on,
        donor: body.donor,
        donor_is: body.donor_is,
        nhs_number: body.nhs_number,
        donor_address: body.donor_address,
        description: body.description,
        value_pounds: pounds_text(&body.value_pounds).map_err(AppError::Invalid)?,
        recipient_email: body.recipient_email,
        decision: body.decision,
        why: body.why,
    };
    let r = state.app.record_gift(&actor, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(GiftCreated {
            id: r.id.to_string(),
            needs_register_entry: r.needs_register_entry,
            donor_total_12_months: as_pounds(r.donor_total_pence),
            warnings: r.warnings,
            may_add_to: r
                .may_add_to
                .into_iter()
                .map(|(case, label)| CaseChoice {
                    case_id: case.to_string(),
                    label,
                })
                .collect(),
        }),
    ))
}

/// One row of the register, as the JSON list and the CSV give it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GiftOut {
    id: String,
    offered_on: String,
    donor: String,
    donor_is: String,
    nhs_number: Option<String>,
    donor_address: Option<String>,
    description: String,
    value_pounds: f64,
    recipient_email: String,
    decision: String,
    why: String,
    needs_register_entry: bool,
    donor_total_12_months: f64,
    recorded_at: String,
}

pub(crate) fn register_rows(lines: &[RegisterLine]) -> Vec<GiftOut> {
    lines
        .iter()
        .map(|line| {
            let (g, r) = (&line.gift, &line.gift.record);
            GiftOut {
                id: g.id.to_string(),
                offered_on: iso_date::format(r.offered_on),
                donor: r.donor.clone(),
                donor_is: r.donor_is.code().into(),
                nhs_number: r.nhs_number.as_ref().map(|n| n.as_str().to_owned()),
                donor_address: r.donor_address.clone(),
                description: r.description.clone(),
                value_pounds: as_pounds(r.value_pence),
                recipient_email: r.recipient_email.to_string(),
                decision: r.decision.code().into(),
                why: r.why.clone(),
                needs_register_entry: line.needs_register_entry,
                donor_total_12_months: as_pounds(line.donor_total_pence),
                recorded_at: g.recorded_at.to_string(),
            }
        })
        .collect()
}

/// The organisation's gift register, oldest offer first. Managers and admins.
#[utoipa::path(get, path = "/api/v1/gifts",
    responses((status = 200, body = [GiftOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<GiftOut>>, ApiError> {
    Ok(Json(register_rows(&state.app.gift_register(&actor).await?)))
}

/// A spreadsheet program runs a cell that starts like a formula; a leading apostrophe
/// makes it text (OWASP's advice on CSV injection).
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

pub(crate) fn register_csv(rows: &[GiftOut]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let broken = |_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Export failed",
            String::new(),
        )
    };
    w.write_record([
        "offered_on",
        "donor",
        "donor_is",
        "nhs_number",
        "donor_address",
        "description",
        "value_pounds",
        "recipient_email",
        "decision",
        "why",
        "needs_register_entry",
        "donor_total_12_months",
        "recorded_at",
    ])
    .map_err(broken)?;
    for r in rows {
        w.write_record([
            r.offered_on.clone(),
            cell(&r.donor),
            r.donor_is.clone(),
            r.nhs_number.clone().unwrap_or_default(),
            cell(r.donor_address.as_deref().unwrap_or_default()),
            cell(&r.description),
            format!("{:.2}", r.value_pounds),
            cell(&r.recipient_email),
            r.decision.clone(),
            cell(&r.why),
            if r.needs_register_entry { "yes" } else { "no" }.into(),
            format!("{:.2}", r.donor_total_12_months),
            r.recorded_at.clone(),
        ])
        .map_err(broken)?;
    }
    w.into_inner().map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Export failed",
            String::new(),
        )
    })
}

pub(crate) fn csv_response(bytes: Vec<u8>) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"gift-register.csv\"",
            ),
        ],
        bytes,
    )
}

/// The organisation's gift register as CSV. Managers and admins.
#[utoipa::path(get, path = "/api/v1/gifts.csv",
    responses((status = 200, content_type = "text/csv"), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn csv_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<impl IntoResponse, ApiError> {
    let rows = register_rows(&state.app.gift_register(&actor).await?);
    Ok(csv_response(register_csv(&rows)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CaseGiftOut {
    gift_id: String,
    seq: i64,
    recorded_at: String,
    offered_on: String,
    description: String,
    value_pounds: f64,
    decision: String,
    why: String,
}

/// Gifts from the case's person of concern, as recorded in the gift register.
#[utoipa::path(get, path = "/api/v1/cases/{id}/gifts", params(("id" = String, Path)),
    responses((status = 200, body = [CaseGiftOut]), (status = 404)), security(("bearer" = [])))]
pub(crate) async fn on_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
) -> Result<Json<Vec<CaseGiftOut>>, ApiError> {
    let records = state.app.advice_records(&actor, id).await?;
    Ok(Json(
        records
            .gifts
            .iter()
            .map(|r| CaseGiftOut {
                gift_id: r.record.0.to_string(),
                seq: r.seq.get(),
                recorded_at: r.recorded_at.to_string(),
                offered_on: iso_date::format(r.record.1.offered_on),
                description: r.record.1.description.clone(),
                value_pounds: as_pounds(r.record.1.value_pence),
                decision: r.record.1.decision.code().into(),
                why: r.record.1.why.clone(),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct AddGiftIn {
    /// A gift you recorded whose donor may be the case's person.
    gift_id: String,
}

/// Put a gift you recorded on the case's timeline. Owner, or a contribute share.
#[utoipa::path(post, path = "/api/v1/cases/{id}/gifts", params(("id" = String, Path)), request_body = AddGiftIn,
    responses((status = 204), (status = 404), (status = 409, description = "The donor does not look like the case's person")),
    security(("bearer" = [])))]
pub(crate) async fn add_to_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<CaseId>,
    ApiJson(body): ApiJson<AddGiftIn>,
) -> Result<StatusCode, ApiError> {
    let gift = body.gift_id.parse().map_err(|_| AppError::NotFound)?;
    state.app.add_gift_to_case(&actor, id, gift).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn router() -> Routes {
    Routes::new()
        .get("/api/v1/cases/{id}/gifts", on_case)
        .post("/api/v1/cases/{id}/gifts", add_to_case)
        .post("/api/v1/gifts", record)
        .get("/api/v1/gifts", list)
        .get("/api/v1/gifts.csv", csv_export)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_made_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Flowers"), "Flowers");
    }
}
