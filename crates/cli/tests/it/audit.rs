//! The access audit: every view is recorded in the ledger, the owner sees who looked,
//! auditors see their organisation's audit.

use crate::helpers::{spawn_app, PASSWORD};
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn every_view_and_share_is_recorded_and_shown_to_whom_it_should_be(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (case, logged) = app.logged_contacts(&owner, 1).await;
    let entry = logged[0]["id"].as_str().unwrap().to_owned();
    let manager = app
        .app
        .add_member(
            "Riverside Surgery",
            "manager@example.nhs.uk",
            "Mo Manager",
            "manager",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    let manager_token = app
        .app
        .create_token(manager.member, None, None)
        .await
        .unwrap()
        .secret;
    app.app
        .add_member(
            "Riverside Surgery",
            "audit@example.nhs.uk",
            "Audrey Auditor",
            "auditor",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    app.api_post(
        &format!("/api/v1/cases/{case}/shares"),
        &owner,
        json!({"email": "manager@example.nhs.uk", "access": "read"}),
    )
    .await;

    let before = app.store.event_count().await.unwrap();
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}/entries"), &manager_token)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.api_get(&format!("/api/v1/entries/{entry}"), &manager_token)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.store.event_count().await.unwrap(),
        before + 2,
        "each view is an event in the ledger"
    );

    let (s, audit) = app
        .api_get(&format!("/api/v1/cases/{case}/audit"), &owner)
        .await;
    assert_eq!(s, StatusCode::OK);
    let rows = audit.as_array().unwrap();
    assert_eq!(rows[0]["action"], "viewed entry", "newest first");
    assert_eq!(rows[0]["detail"], entry.as_str());
    assert_eq!(rows[0]["email"], "manager@example.nhs.uk");
    assert_eq!(rows[0]["address"], "127.0.0.1");
    assert_eq!(rows[1]["action"], "viewed entries");
    assert!(rows.iter().any(|r| r["action"] == "shared read"));
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}/audit"), &manager_token)
            .await
            .0,
        StatusCode::NOT_FOUND,
        "owner only"
    );

    // The owner's case page says who has looked.
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(
        page.contains("Who has seen this case")
            && page.contains("Mo Manager (manager@example.nhs.uk)")
            && page.contains("Looked at an entry")
    );

    // The auditor sees the organisation's audit, and can narrow it to one person.
    app.forget_cookies();
    app.sign_in("audit@example.nhs.uk", PASSWORD).await;
    let (status, html) = app.get_html("/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Mo Manager") && html.contains("Dr Ada Patel"),
        "everyone's views"
    );
    assert!(!html.contains("Message 0"), "never what the case says");
    let (_, html) = app.get_html("/audit?member=manager%40example.nhs.uk").await;
    assert!(html.contains("Mo Manager") && !html.contains("Dr Ada Patel"));
    let (_, html) = app.get_html("/audit?member=nobody%40example.nhs.uk").await;
    assert!(html.contains("Nothing to show"));
    assert_eq!(
        app.get(&format!("/cases/{case}")).await.status(),
        StatusCode::NOT_FOUND,
        "auditors do not read cases"
    );

    // Others may not see the organisation's audit.
    app.forget_cookies();
    app.sign_in("manager@example.nhs.uk", PASSWORD).await;
    assert_eq!(app.get("/audit").await.status(), StatusCode::NOT_FOUND);

    // The audit is part of the log: it verifies and survives a rebuild.
    assert!(app.app.verify_all(None, None).await.unwrap().ok());
    app.app.rebuild().await.unwrap();
    let (_, again) = app
        .api_get(&format!("/api/v1/cases/{case}/audit"), &owner)
        .await;
    assert!(
        again.as_array().unwrap().len() > rows.len(),
        "the same rows, and the owner's own last look"
    );
}
