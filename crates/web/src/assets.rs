//! Static files, compiled into the binary and served with long cache lifetimes: their
//! names change when their content does (the vendored files carry their version).

use crate::routes::Routes;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

macro_rules! asset {
    ($path:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/", $path))
    };
}

fn find(name: &str) -> Option<(&'static [u8], &'static str)> {
    Some(match name {
        "nhsuk-frontend-10.6.1.min.css" => (asset!("nhsuk-frontend-10.6.1.min.css"), "text/css"),
        "nhsuk-frontend-10.6.1.min.js" => {
            (asset!("nhsuk-frontend-10.6.1.min.js"), "text/javascript")
        }
        "app.css" => (asset!("app.css"), "text/css"),
        "app.js" => (asset!("app.js"), "text/javascript"),
        "images/favicon.ico" => (asset!("images/favicon.ico"), "image/x-icon"),
        "images/favicon.svg" => (asset!("images/favicon.svg"), "image/svg+xml"),
        "images/nhsuk-icon-arrow-down.svg" => {
            (asset!("images/nhsuk-icon-arrow-down.svg"), "image/svg+xml")
        }
        "images/nhsuk-icon-arrow-up.svg" => {
            (asset!("images/nhsuk-icon-arrow-up.svg"), "image/svg+xml")
        }
        "images/nhsuk-icon-arrow-up-down.svg" => (
            asset!("images/nhsuk-icon-arrow-up-down.svg"),
            "image/svg+xml",
        ),
        "images/nhsuk-icon-cross.svg" => (asset!("images/nhsuk-icon-cross.svg"), "image/svg+xml"),
        "images/nhsuk-icon-tick.svg" => (asset!("images/nhsuk-icon-tick.svg"), "image/svg+xml"),
        _ => return None,
    })
}

async fn serve_asset(Path(name): Path<String>) -> Response {
    match find(&name) {
        Some((bytes, media_type)) => (
            [
                (header::CONTENT_TYPE, media_type),
                // Our own two files are not versioned by name, so browsers look again after five minutes.
                (
                    header::CACHE_CONTROL,
                    if name.starts_with("app.") {
                        "public, max-age=300"
                    } else {
                        "public, max-age=31536000, immutable"
                    },
                ),
            ],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(crate) fn router() -> Routes {
    Routes::new().get("/assets/{*name}", serve_asset)
}
