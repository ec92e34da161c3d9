//! Protections around every request: a request id and tracing span, security headers,
//! `no-store` on everything but static assets, and refusal of cross-origin state changes.

use crate::error::{error_page, REQUEST_ID};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

fn cross_origin_write(state: &AppState, req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    // The API authenticates with bearer tokens, which browsers never attach on their own.
    if req.uri().path().starts_with("/api/") {
        return false;
    }
    let h = req.headers();
    // Browsers say where a request came from in Sec-Fetch-Site, which no page can set.
    // It decides when present: a page's own form posts are `same-origin` whatever the
    // `Origin` header says — and under a strict referrer policy the Fetch standard has
    // browsers send `Origin: null` on them (issue 12), which is no sign of an attack.
    // `none` is the person themselves (a bookmark, the address bar): no other site made it.
    match h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => return false,
        Some(_) => return true,
        None => {}
    }
    // An older browser without Sec-Fetch-Site: the origin must be ours. `null` is what a
    // sandboxed frame or a data: page sends, so it is refused too.
    match h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin != state.config.origin(),
        None => false,
    }
}

pub(crate) async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut id = [0u8; 8];
    state.app.fill_random(&mut id);
    let id = hex::encode(id);
    // The route's pattern, not the path: paths carry one-time link secrets and ids.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    // `member` is filled in once the caller is known, so every line names who acted.
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        route = %route,
        member = tracing::field::Empty
    );
    let is_asset = req.uri().path().starts_with("/assets/");
    let refused = cross_origin_write(&state, &req);
    let mut res = REQUEST_ID
        .scope(id, async move {
            if refused {
                tracing::warn!("cross-origin form post refused");
                error_page(
                    StatusCode::FORBIDDEN,
                    "You cannot do that",
                    "This form did not come from Boundary's own pages, so it was not accepted."
                        .into(),
                )
            } else {
                next.run(req).await
            }
        })
        .instrument(span)
        .await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not `no-referrer`: under it browsers send `Origin: null` even on our own form posts.
    // `same-origin` tells no other site where a person was, and tells us our own origin.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.config.https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
