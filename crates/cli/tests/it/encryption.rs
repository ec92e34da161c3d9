//! Case content never reaches the database in the clear: distinctive markers written
//! through the API must not appear in the raw SQLite files or a dump of PostgreSQL.

use crate::helpers::spawn_app;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;

const MARKERS: [&str; 8] = [
    "MARKERlabelQX7",
    "MARKERhandleQX7",
    "MARKERwhatQX7",
    "MARKERwhereQX7",
    "MARKERwitnessQX7",
    "MARKERfixedQX7",
    "MARKERreasonQX7",
    "MARKERpoliceQX7",
];

fn raw_database(app: &crate::helpers::TestApp) -> Vec<u8> {
    match app.db.postgres_name() {
        None => {
            let mut all = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                let p = app.db.dir.path().join(format!("boundary.db{suffix}"));
                if let Ok(bytes) = std::fs::read(&p) {
                    all.extend(bytes);
                }
            }
            all
        }
        Some(_) => {
            let out = std::process::Command::new("pg_dump")
                .arg("--dbname")
                .arg(app.db.url.expose())
                .output()
                .expect(
                    "pg_dump must be installed for this test (.ci/run installs postgresql-client)",
                );
            assert!(
                out.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn markers_written_through_the_api_are_not_in_the_raw_database(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let (s, case) = app
        .api_post(
            "/api/v1/cases",
            &token,
            json!({"person": {"label": MARKERS[0], "identifiers": [MARKERS[1]]}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let id = case["id"].as_str().unwrap();
    let (s, logged) = app
        .api_post(&format!("/api/v1/cases/{id}/entries"), &token, json!({
            "channel": "at_workplace", "what_happened": MARKERS[2], "location": MARKERS[3], "witnesses": MARKERS[4],
        }))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let entry = logged["id"].as_str().unwrap();
    let (s, _) = app
        .api_post(
            &format!("/api/v1/entries/{entry}/amendments"),
            &token,
            json!({"field": "location", "value": MARKERS[5], "reason": MARKERS[6]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .api_post(
            &format!("/api/v1/entries/{entry}/amendments"),
            &token,
            json!({"field": "police_reference", "value": MARKERS[7], "reason": "ref"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // They were stored: the owner reads every one back.
    let (_, entries) = app
        .api_get(&format!("/api/v1/cases/{id}/entries"), &token)
        .await;
    let (_, case) = app.api_get(&format!("/api/v1/cases/{id}"), &token).await;
    let readable = format!("{entries}{case}");
    for m in MARKERS {
        assert!(readable.contains(m), "{m} readable through the API");
    }

    let raw = raw_database(&app);
    // The search works: what is deliberately stored in the clear is found.
    assert!(
        contains(&raw, "Riverside Surgery"),
        "organisation names are not case content and are searchable"
    );
    for m in MARKERS {
        assert!(
            !contains(&raw, m),
            "{m} found in the raw database ({engine:?})"
        );
    }
}
