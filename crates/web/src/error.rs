//! Turning failures into answers. Pages get an error page; the API gets
//! `application/problem+json` (RFC 9457). Either way the cause is logged with the
//! request's id and only a plain message and that id are shown — never internal text.

use crate::pages::layout::Chrome;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use boundary_app::AppError;
use boundary_domain::FieldErrors;
use serde_json::json;

/// The most a request body may hold; larger ones get 413.
pub const REQUEST_BODY_LIMIT: usize = 1024 * 1024;
/// An upload: one file at its largest, and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = 21 * 1024 * 1024;
/// A new entry with its files: an entry's files at their largest, and the form.
pub const ENTRY_BODY_LIMIT: usize = 51 * 1024 * 1024;

tokio::task_local! {
    /// The id of the request being handled, for log lines and error pages.
    pub(crate) static REQUEST_ID: String;
}

pub(crate) fn request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: &'static str,
    message: String,
    request_id: String,
    /// The page the person came from, on this server: the way back.
    back: Option<String>,
    /// A form was sent: what was typed is still in it, one step back.
    after_form: bool,
}

/// What an error page said, kept on its response so that `error_frame` can show it
/// again inside the signed-in frame.
#[derive(Clone)]
pub(crate) struct Shown {
    title: &'static str,
    message: String,
    request_id: String,
}

/// An error on a page route.
#[derive(Debug)]
pub(crate) struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

pub(crate) fn error_page(status: StatusCode, title: &'static str, message: String) -> Response {
    let shown = Shown {
        title,
        message,
        request_id: request_id(),
    };
    let mut res = render_error(status, &shown, Chrome::anonymous(), None, false);
    res.extensions_mut().insert(shown);
    res
}

pub(crate) fn render_error(
    status: StatusCode,
    shown: &Shown,
    chrome: Chrome,
    back: Option<String>,
    after_form: bool,
) -> Response {
    let page = ErrorPage {
        chrome,
        title: shown.title,
        message: shown.message.clone(),
        request_id: shown.request_id.clone(),
        back,
        after_form,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, shown.title).into_response(),
    }
}

/// Refusals are security events (ASVS 16.3.2): each is logged, within the request's
/// span (route, and member when known), never with what was sent.
fn log_refusal(e: &AppError) {
    match e {
        AppError::Unauthenticated | AppError::SessionEnded(_) => {
            tracing::info!("refused: not signed in");
        }
        AppError::NotFound => tracing::info!("refused: not found, or not permitted"),
        AppError::Forbidden(_) => tracing::warn!("refused: not permitted"),
        AppError::SecondFactorDue => tracing::info!("refused: two-factor sign-in not set up"),
        AppError::Throttled(_) => tracing::warn!("refused: too many attempts"),
        _ => {}
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_refusal(&self.0);
        match self.0 {
            AppError::Unauthenticated | AppError::SessionEnded(_) => {
                Redirect::to("/sign-in").into_response()
            }
            AppError::SecondFactorDue => Redirect::to("/account/two-factor").into_response(),
            AppError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing here, or it is not yours to see. Check the address, or go back to your cases.".into(),
            ),
            AppError::Forbidden(why) => error_page(StatusCode::FORBIDDEN, "You cannot do that", why.into()),
            AppError::Throttled(seconds) => error_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                boundary_app::wait_message(seconds),
            ),
            AppError::Conflict(why) => error_page(StatusCode::CONFLICT, "That cannot be done", why),
            AppError::Unavailable(why) => error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Boundary is not recording at the moment",
                format!("Nothing new can be recorded until whoever runs Boundary has looked into this: {why}. What is already recorded can still be read. Write down what happened elsewhere for now, with the date and time."),
            ),
            AppError::Invalid(errors) => error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Something needs correcting",
                errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "),
            ),
            // The server's own faults: the database, a defect, a task that stopped.
            e => {
                tracing::error!(error = %e, request_id = %request_id(), "request failed");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, something went wrong",
                    "Nothing you entered has been lost from earlier entries. Try again in a moment; if it keeps happening, give this reference to whoever runs Boundary for you.".into(),
                )
            }
        }
    }
}

/// An error on an API route, as problem+json.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    title: &'static str,
    detail: String,
    errors: Option<FieldErrors>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            title,
            detail: detail.into(),
            errors: None,
        }
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        let e = e.into();
        log_refusal(&e);
        match e {
            AppError::Unauthenticated | AppError::SessionEnded(_) => Self::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorised",
                "Send a valid personal access token as `Authorization: Bearer <token>`.",
            ),
            AppError::NotFound => Self::new(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such resource, or you may not see it.",
            ),
            AppError::Forbidden(why) => Self::new(StatusCode::FORBIDDEN, "Forbidden", why),
            e @ AppError::SecondFactorDue => Self::new(
                StatusCode::FORBIDDEN,
                "Two-factor sign-in required",
                e.to_string(),
            ),
            AppError::Throttled(seconds) => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                boundary_app::wait_message(seconds),
            ),
            AppError::Conflict(why) => Self::new(StatusCode::CONFLICT, "Conflict", why),
            AppError::Unavailable(why) => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "Not recording", why)
            }
            AppError::Invalid(errors) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: "Invalid input",
                detail: "Some fields need correcting; see `errors`.".into(),
                errors: Some(errors),
            },
            e => {
                tracing::error!(error = %e, request_id = %request_id(), "API request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error",
                    format!(
                        "Something went wrong on the server. Reference: {}",
                        request_id()
                    ),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let Some(errors) = self.errors {
            body["errors"] = json!(errors.into_map());
        }
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}
