//! What every handler is given: the application, and how the server is reached.

use boundary_app::App;
use std::sync::Arc;

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
