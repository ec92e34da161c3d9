//! Ids in a route's path, parsed before the handler runs: a handler is given a
//! `CaseId`, never a string that might be one. Something that is not an id of the
//! kind the route names is a page or record that does not exist — the same 404, in the
//! same words, as an id that is well formed but not there (or not yours), so the answer
//! says nothing about which it was.

use crate::error::{ApiError, PageError};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use boundary_app::AppError;
use std::str::FromStr;

/// One id from the path: `/cases/{id}` as `Id<CaseId>`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Id<T>(pub T);

/// Two ids from the path, in the order the route names them:
/// `/cases/{id}/shares/{member_id}/revoke` as `Ids<CaseId, MemberId>`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids<A, B>(pub A, pub B);

/// The API answers in problem JSON, pages with a page.
fn not_found(parts: &Parts) -> Response {
    if parts.uri.path().starts_with("/api/") {
        ApiError::from(AppError::NotFound).into_response()
    } else {
        PageError(AppError::NotFound).into_response()
    }
}

impl<S, T> FromRequestParts<S> for Id<T>
where
    S: Send + Sync,
    T: FromStr + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(raw)) => raw.parse().map(Id).map_err(|_| not_found(parts)),
            Err(_) => Err(not_found(parts)),
        }
    }
}

impl<S, A, B> FromRequestParts<S> for Ids<A, B>
where
    S: Send + Sync,
    A: FromStr + Send,
    B: FromStr + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Ok(Path((a, b))) = Path::<(String, String)>::from_request_parts(parts, state).await
        else {
            return Err(not_found(parts));
        };
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(Ids(a, b)),
            _ => Err(not_found(parts)),
        }
    }
}
