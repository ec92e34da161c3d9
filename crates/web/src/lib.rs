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
mod error_frame;
mod filters;
mod form;
mod format;
mod metrics;
mod pages;
mod path_ids;
mod router;
mod routes;
mod security;
mod session;
mod state;
mod upload;

pub use error::{REQUEST_BODY_LIMIT, UPLOAD_BODY_LIMIT};
pub use router::{route_list, router, serve};
pub use state::{AppState, WebConfig};
