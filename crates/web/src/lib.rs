//! Boundary's web face: server-rendered pages that work without JavaScript (NHS design
//! system), forms with CSRF tokens, cookie sessions, static assets, and the JSON API
//! under `/api/v1` with its OpenAPI 3.1 document.
//!
//! Handlers are thin: parse, call one `boundary-app` function, render. No SQL and no
//! rules live here.

mod api;
mod assets;
mod charts;
mod error;
mod filters;
mod form;
mod format;
mod metrics;
mod pages;
mod routes;
mod security;
mod session;
mod upload;

use axum::Router;
use boundary_app::App;
use std::sync::Arc;

pub use error::{REQUEST_BODY_LIMIT, UPLOAD_BODY_LIMIT};

/// How the server is reached from outside, which decides cookie names and origin checks.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// For example `https://boundary.example.nhs.uk` — no trailing slash.
    pub public_url: String,
    /// A reverse proxy whose `X-Forwarded-For` is believed; from anyone else it is ignored,
    /// or a client could choose its own address and escape throttling.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// How long the case page waits for an export before showing its progress instead.
    pub export_wait: std::time::Duration,
}

impl WebConfig {
    #[must_use]
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            trusted_proxy: None,
            export_wait: std::time::Duration::from_millis(1500),
        }
    }

    #[must_use]
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin browsers send in `Origin` for our own pages: scheme, host and port.
    #[must_use]
    pub fn origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(i) => &self.public_url[..after_scheme + i],
            None => &self.public_url,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

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
            error::with_chrome,
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
