//! An error page is no dead end: for someone signed in it is shown again inside the
//! signed-in frame (header, Quick exit, a way back), after the handler that failed.

use crate::error::{render_error, Shown};
use axum::http::header;
use axum::response::Response;

/// An error page is no dead end: for someone signed in it keeps the header, Quick exit
/// and a way back to where they were, and after a refused form it says that what they
/// typed is one step back. (Handlers that fail have no session to hand; this layer
/// looks it up once more, only for error pages.)
pub(crate) async fn with_chrome(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // Only the two things the error page may need, not a copy of every header on every
    // request: the session, and where the person came from.
    let secret = crate::session::session_secret(&state.config, req.headers());
    let back = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(state.config.origin()))
        .and_then(crate::session::local_path)
        .map(str::to_owned);
    let after_form = req.method() == axum::http::Method::POST;
    let res = next.run(req).await;
    let Some(shown) = res.extensions().get::<Shown>().cloned() else {
        return res;
    };
    let Some(secret) = secret else {
        return res;
    };
    let Ok((actor, csrf)) = state.app.session_actor(&secret).await else {
        return res;
    };
    let me = crate::session::SignedIn {
        actor,
        csrf_shown: crate::session::masked(&state, &csrf),
        csrf,
    };
    let (parts, _) = res.into_parts();
    let mut fresh = render_error(parts.status, &shown, me.chrome(), back, after_form);
    // Every value of every header the page had (two Set-Cookies stay two), but its own
    // length and type.
    for name in parts.headers.keys() {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
            fresh.headers_mut().remove(name);
        }
    }
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
            fresh.headers_mut().append(name.clone(), value.clone());
        }
    }
    fresh
}
