//! `GET /metrics`: Prometheus text that counts requests by route pattern — never by the
//! path asked for — and gives the log's size, with no case, entry or person in it.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn metrics_count_routes_not_cases(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (case, logged) = app.logged_contacts(&owner, 2).await;
    let (s, _) = app
        .api_get(&format!("/api/v1/cases/{case}/entries"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK);

    let r = app.get("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = r.text().await.unwrap();
    assert!(
        text.contains(
            "boundary_http_requests_total{method=\"POST\",route=\"/api/v1/cases/{id}/entries\",status=\"201\"} 2\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "boundary_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/cases/{id}/entries\"} 1\n"
        ),
        "{text}"
    );
    let events = app.store.latest_checkpoint().await.unwrap().unwrap().size;
    assert!(
        text.contains(&format!("boundary_log_events {events}\n")),
        "{text}"
    );
    assert!(text.contains("boundary_database_up 1\n"), "{text}");
    for never in [
        case.as_str(),
        logged[0]["id"].as_str().unwrap(),
        "ada@example.nhs.uk",
        "Message 0",
    ] {
        assert!(!text.contains(never), "{never} in the metrics");
    }
    // Every line is a comment or a sample: `name{labels} value`.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(series.starts_with("boundary_"), "{line}");
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
}
