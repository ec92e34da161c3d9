//! The JSON API under `/api/v1`: bearer-token authentication, problem+json errors, and
//! an OpenAPI 3.1 document generated from the handlers and types below.

mod advice;
pub(crate) mod attachments;
mod cases;
mod checklist;
mod doc_sets;
mod entries;
pub(crate) mod exports;
pub(crate) mod gifts;
pub(crate) mod ledger;
mod letters;
mod members;
mod openapi;
mod register;

use crate::error::ApiError;
use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use boundary_app::{Actor, AppError};
use serde::de::DeserializeOwned;

/// The member a personal access token speaks for.
pub(crate) struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::Unauthenticated)?;
        let mut actor = state.app.token_actor(token.trim()).await?;
        tracing::Span::current().record("member", tracing::field::display(actor.member));
        if actor.second_factor_due {
            return Err(AppError::SecondFactorDue.into());
        }
        actor.address = crate::session::address_of(state, parts);
        Ok(Self(actor))
    }
}

/// A JSON body whose problems are answered in problem+json: 400 for malformed JSON,
/// 413 over the size limit, 415 without a JSON content type, 422 for wrong field types.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        // Every body the API takes is a JSON object. serde would also read a struct from
        // an array of its fields in order (`[null, null]`), which no client means.
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) if !v.is_object() => Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                "The body must be a JSON object.",
            )),
            Ok(axum::Json(v)) => serde_json::from_value(v).map(Self).map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid input",
                    format!("Failed to deserialize the JSON body into the target type: {e}"),
                )
            }),
            Err(r) => {
                let status = r.status();
                let (title, detail) = match status.as_u16() {
                    413 => (
                        "Request too large",
                        format!(
                            "The body is over the limit of {} bytes.",
                            crate::error::REQUEST_BODY_LIMIT
                        ),
                    ),
                    415 => (
                        "Unsupported media type",
                        "Send JSON with `Content-Type: application/json`.".to_owned(),
                    ),
                    422 => ("Invalid input", r.body_text()),
                    _ => ("Malformed JSON", r.body_text()),
                };
                Err(ApiError::new(status, title, detail))
            }
        }
    }
}

/// Query parameters whose problems are answered in problem+json, 400, like the rest of
/// the API (axum's own answer is plain text).
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(r) => Err(ApiError::new(
                r.status(),
                "Invalid query parameters",
                r.body_text(),
            )),
        }
    }
}

pub(crate) fn router() -> Routes {
    Routes::new()
        .merge(advice::router())
        .merge(checklist::router())
        .merge(register::router())
        .merge(gifts::router())
        .merge(letters::router())
        .merge(exports::router())
        .merge(attachments::router())
        .merge(cases::router())
        .merge(entries::router())
        .merge(ledger::router())
        .merge(members::router())
        .merge(openapi::router())
}
