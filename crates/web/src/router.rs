//! Every route, with the security layers around them, and the server that runs them.

use crate::error::REQUEST_BODY_LIMIT;
use crate::state::AppState;
use crate::{api, assets, error_frame, metrics, pages, routes, security};
use axum::Router;
use std::sync::Arc;

/// Every route, with the security layers around them.
pub fn router(state: AppState) -> Router {
    let (routes, _) = all_routes().into_parts();
    let counted = Arc::new(metrics::Metrics::default());
    routes
        // After routing, so each request is counted by its route's pattern.
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&counted),
            metrics::count,
        ))
        .layer(axum::Extension(counted))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error_frame::with_chrome,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(REQUEST_BODY_LIMIT))
        // Outermost, so error pages from the guard are compressed too. The pages' CSRF
        // tokens are masked per response for this reason (see `session`).
        .layer(tower_http::compression::CompressionLayer::new().compress_when(worth_compressing()))
        .with_state(state)
}

/// Pages, JSON and CSS shrink several times over; PDFs, archives and media are
/// compressed already, and gzipping them again only costs the server.
fn worth_compressing() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    DefaultPredicate::new()
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("video/"))
        .and(NotForContentType::const_new("audio/"))
}

fn all_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .merge(metrics::router())
}

/// Every (method, path) the server answers, in the router's own words: `{id}` marks a
/// path parameter. Tests walk this list to check who may reach each route.
#[must_use]
pub fn route_list() -> Vec<(axum::http::Method, &'static str)> {
    all_routes().into_parts().1
}

/// Serves until `shutdown` completes.
///
/// # Errors
/// The listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
