//! `GET /metrics`: Prometheus text (exposition format 0.0.4) for whoever runs Boundary —
//! requests by method, route and status, the time they took, the log's size and whether
//! the database answers. Routes are counted by their pattern (`/cases/{id}`), never by
//! the path asked for, so no case, entry or person appears here. A handful of counters
//! needs no metrics library.

use crate::routes::Routes;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// (method, route pattern, status) → (how many, their seconds in all).
type Counts = BTreeMap<(String, String, u16), (u64, f64)>;

#[derive(Debug)]
pub(crate) struct Metrics {
    started: Instant,
    requests: Mutex<Counts>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            requests: Mutex::new(BTreeMap::new()),
        }
    }
}

/// Counts each request to a matched route once it is answered.
pub(crate) async fn count(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let start = Instant::now();
    let response = next.run(request).await;
    let seconds = start.elapsed().as_secs_f64();
    if let Ok(mut requests) = metrics.requests.lock() {
        let (n, total) = requests
            .entry((method, route, response.status().as_u16()))
            .or_default();
        *n += 1;
        *total += seconds;
    }
    response
}

/// A label value as the format wants it: backslash, quote and newline escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

impl Metrics {
    fn render(&self, log_events: Option<u64>, database_up: bool) -> String {
        let mut out = String::new();
        family(
            &mut out,
            "boundary_build_info",
            "gauge",
            "The version running.",
        );
        let _ = writeln!(
            out,
            "boundary_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        family(
            &mut out,
            "boundary_uptime_seconds",
            "gauge",
            "Seconds since this server started.",
        );
        let _ = writeln!(
            out,
            "boundary_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        family(
            &mut out,
            "boundary_database_up",
            "gauge",
            "1 when the database answers.",
        );
        let _ = writeln!(out, "boundary_database_up {}", u8::from(database_up));
        if let Some(events) = log_events {
            family(
                &mut out,
                "boundary_log_events",
                "gauge",
                "Events in the log at its latest signed checkpoint.",
            );
            let _ = writeln!(out, "boundary_log_events {events}");
        }
        let requests = self.requests.lock().map(|r| r.clone()).unwrap_or_default();
        family(
            &mut out,
            "boundary_http_requests_total",
            "counter",
            "Requests answered, by method, route pattern and status.",
        );
        for ((method, route, status), (n, _)) in &requests {
            let _ = writeln!(
                out,
                "boundary_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(method),
                label(route)
            );
        }
        // Summed over statuses: the time a route takes, whatever it answered.
        let mut by_route: BTreeMap<(&str, &str), (u64, f64)> = BTreeMap::new();
        for ((method, route, _), (n, seconds)) in &requests {
            let e = by_route.entry((method, route)).or_default();
            e.0 += n;
            e.1 += seconds;
        }
        family(
            &mut out,
            "boundary_http_request_duration_seconds",
            "summary",
            "Time taken to answer, by method and route pattern.",
        );
        for ((method, route), (n, seconds)) in by_route {
            let labels = format!("method=\"{}\",route=\"{}\"", label(method), label(route));
            let _ = writeln!(
                out,
                "boundary_http_request_duration_seconds_sum{{{labels}}} {seconds:.6}"
            );
            let _ = writeln!(
                out,
                "boundary_http_request_duration_seconds_count{{{labels}}} {n}"
            );
        }
        out
    }
}

async fn metrics(State(state): State<AppState>, Extension(m): Extension<Arc<Metrics>>) -> Response {
    let up = state.app.ping().await.is_ok();
    let events = if up {
        state
            .app
            .latest_checkpoint()
            .await
            .ok()
            .flatten()
            .map(|c| c.size)
    } else {
        None
    };
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        m.render(events, up),
    )
        .into_response()
}

pub(crate) fn router() -> Routes {
    Routes::new().get("/metrics", metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_render_as_prometheus_text() {
        let m = Metrics::default();
        if let Ok(mut r) = m.requests.lock() {
            r.insert(("GET".into(), "/cases/{id}".into(), 200), (3, 0.25));
            r.insert(("GET".into(), "/cases/{id}".into(), 404), (1, 0.05));
            r.insert(("POST".into(), "/say \"hi\"".into(), 303), (1, 0.5));
        }
        let text = m.render(Some(1022), true);
        assert!(text.contains(
            "boundary_http_requests_total{method=\"GET\",route=\"/cases/{id}\",status=\"200\"} 3\n"
        ));
        assert!(text.contains("boundary_http_request_duration_seconds_count{method=\"GET\",route=\"/cases/{id}\"} 4\n"));
        assert!(text.contains("boundary_http_request_duration_seconds_sum{method=\"GET\",route=\"/cases/{id}\"} 0.300000\n"));
        assert!(text.contains("route=\"/say \\\"hi\\\"\""));
        assert!(text.contains("boundary_log_events 1022\n"));
        assert!(text.contains("boundary_database_up 1\n"));
        for line in text.lines() {
            assert!(
                line.starts_with("# HELP ")
                    || line.starts_with("# TYPE ")
                    || line.starts_with("boundary_"),
                "{line}"
            );
        }
    }
}
