//! The JSON API as a script uses it.

use crate::helpers::spawn_app;
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn cases_entries_and_amendments(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;

    let (s, case) = app
        .api_post("/api/v1/cases", &token, json!({"person": {"label": "Patient A", "nhs_number": "9434765919", "identifiers": ["@pa"]}, "chaperone_required": true}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["status"], "open");
    assert_eq!(case["chaperone_required"], true);
    assert_eq!(case["person"]["nhs_number"], "9434765919");

    let (s, logged) = app
        .api_post(&format!("/api/v1/cases/{id}/entries"), &token, json!({
            "occurred_at": "2026-01-10T21:40:00+00:00", "channel": "social_media_message", "platform": "Instagram",
            "what_happened": "Sent a photo of my house", "effect_on_me": "Scared"
        }))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{logged}");
    assert_eq!(
        logged["seq"].as_i64().unwrap(),
        logged["receipt"]["seq"].as_i64().unwrap()
    );
    assert_eq!(
        logged["receipt"]["leaf_index"].as_i64().unwrap(),
        logged["seq"].as_i64().unwrap() - 1
    );
    assert_eq!(logged["leaf_hash"].as_str().unwrap().len(), 64);
    assert!(logged["recorded_at"].as_str().unwrap().ends_with('Z'));
    let (s, _) = app
        .api_post(&format!("/api/v1/cases/{id}/entries"), &token, json!({"occurred_on": "2026-01-02", "approximate": true, "channel": "gift", "what_happened": "Flowers"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let entry = logged["id"].as_str().unwrap();
    let (s, a) = app
        .api_post(&format!("/api/v1/entries/{entry}/amendments"), &token, json!({"field": "what_happened", "value": "Sent a photo of my front door", "reason": "Misdescribed"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert!(a["seq"].as_i64().unwrap() > logged["seq"].as_i64().unwrap());

    let (s, entries) = app
        .api_get(&format!("/api/v1/cases/{id}/entries"), &token)
        .await;
    assert_eq!(s, StatusCode::OK);
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0]["original"]["what_happened"], "Flowers",
        "oldest contact first"
    );
    assert_eq!(entries[0]["original"]["occurred_on"], "2026-01-02");
    assert_eq!(entries[0]["original"]["approximate"], true);
    let e = &entries[1];
    assert_eq!(e["original"]["what_happened"], "Sent a photo of my house");
    assert_eq!(
        e["current"]["what_happened"],
        "Sent a photo of my front door"
    );
    assert_eq!(e["amendments"][0]["field"], "what_happened");
    assert_eq!(e["amendments"][0]["reason"], "Misdescribed");
    assert_eq!(e["original"]["occurred_at"], "2026-01-10T21:40:00.000000Z");

    let (s, one) = app.api_get(&format!("/api/v1/cases/{id}"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["entry_count"], 2);

    let (s, changed) = app
        .api_post(
            &format!("/api/v1/cases/{id}/status"),
            &token,
            json!({"status": "police_involved", "note": "Reported on 101"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["status"], "police_involved");
    let (s, b) = app
        .api_post(
            &format!("/api/v1/cases/{id}/status"),
            &token,
            json!({"status": "forgotten"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["status"].is_string());
    let (s, flag) = app
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{id}/chaperone"),
            Some(&token),
            Some(json!({"required": false})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(flag["chaperone_required"], false);
    let (_, one) = app.api_get(&format!("/api/v1/cases/{id}"), &token).await;
    assert_eq!(
        (one["status"].as_str(), one["chaperone_required"].as_bool()),
        (Some("police_involved"), Some(false))
    );
    let (s, list) = app.api_get("/api/v1/cases", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn without_a_token_401_and_another_members_case_404(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let id = app.api_case(&token, "Patient A").await;
    let (_, logged) = app
        .api_post(
            &format!("/api/v1/cases/{id}/entries"),
            &token,
            json!({"channel": "email", "what_happened": "x"}),
        )
        .await;
    let entry = logged["id"].as_str().unwrap().to_owned();

    let (s, body) = app.api(Method::GET, "/api/v1/cases", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status"], 401);
    let (s, _) = app
        .api(
            Method::GET,
            "/api/v1/cases",
            Some("bnd_not-a-real-token"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let other = app.clinician_with_token("ben@example.nhs.uk").await;
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/cases/{id}"), None),
        (Method::GET, format!("/api/v1/cases/{id}/entries"), None),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/entries"),
            Some(json!({"channel": "email", "what_happened": "x"})),
        ),
        (Method::GET, format!("/api/v1/entries/{entry}"), None),
        (
            Method::POST,
            format!("/api/v1/entries/{entry}/amendments"),
            Some(json!({"field": "location", "value": "x", "reason": "x"})),
        ),
        (Method::GET, "/api/v1/cases/not-a-uuid".to_owned(), None),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/status"),
            Some(json!({"status": "closed"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/cases/{id}/chaperone"),
            Some(json!({"required": true})),
        ),
    ] {
        let (s, b) = app.api(method.clone(), &path, Some(&other), body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}: {b}");
        assert_eq!(b["title"], "Not found");
    }
    let (_, list) = app.api_get("/api/v1/cases", &other).await;
    assert_eq!(list, json!([]));
    let (_, entries) = app
        .api_get(&format!("/api/v1/cases/{id}/entries"), &token)
        .await;
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert!(entries[0]["amendments"].as_array().unwrap().is_empty());
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn admins_managers_auditors_and_other_organisations_see_no_case(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let (id, logged) = app.logged_contacts(&token, 1).await;
    let entry = logged[0]["id"].as_str().unwrap();
    app.app.add_org("Hillside Surgery").await.unwrap();
    let mut others = Vec::new();
    for (org, email, role) in [
        ("Riverside Surgery", "admin@example.nhs.uk", "admin"),
        ("Riverside Surgery", "manager@example.nhs.uk", "manager"),
        ("Riverside Surgery", "auditor@example.nhs.uk", "auditor"),
        (
            "Hillside Surgery",
            "gp@hillside.example.nhs.uk",
            "clinician",
        ),
    ] {
        let added = app
            .app
            .add_member(org, email, email, role, Some(&crate::helpers::password()))
            .await
            .unwrap();
        others.push((
            role,
            app.app
                .create_token(added.member, None, None)
                .await
                .unwrap()
                .secret,
        ));
    }
    for (role, t) in &others {
        for path in [
            format!("/api/v1/cases/{id}"),
            format!("/api/v1/cases/{id}/entries"),
            format!("/api/v1/entries/{entry}"),
            format!("/api/v1/entries/{entry}/receipt"),
        ] {
            assert_eq!(
                app.api_get(&path, t).await.0,
                StatusCode::NOT_FOUND,
                "{role}: {path}"
            );
        }
        assert_eq!(app.api_get("/api/v1/cases", t).await.1, json!([]), "{role}");
        let (s, _) = app
            .api_post(
                &format!("/api/v1/cases/{id}/entries"),
                t,
                json!({"channel": "email", "what_happened": "x"}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{role}");
    }
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn adding_an_existing_person_to_another_organisation_leaves_their_password_alone(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    app.app.add_org("Hillside Surgery").await.unwrap();
    let added = app
        .app
        .add_member(
            "Hillside Surgery",
            "ada@example.nhs.uk",
            "Ada",
            "manager",
            None,
        )
        .await
        .unwrap();
    let link = added.password_link.expect("an invitation to accept");
    app.forget_cookies();
    let r = app
        .submit(
            "/sign-in",
            &format!("/password/{link}"),
            &[("password", "a brand new password")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "the link sets no password"
    );
    let refused = app
        .app
        .add_member(
            "Hillside Surgery",
            "ada@example.nhs.uk",
            "Ada",
            "clinician",
            Some(&boundary_app::SecretString::from(
                "a brand new password".to_owned(),
            )),
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(boundary_app::AppError::Invalid(_)) | Err(boundary_app::AppError::Conflict(_))
        ),
        "{refused:?}"
    );
    app.forget_cookies();
    assert_eq!(
        app.sign_in("ada@example.nhs.uk", crate::helpers::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_stored(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let id = app.api_case(&token, "Patient A").await;
    let path = format!("/api/v1/cases/{id}/entries");

    let (s, b) = app
        .api_post(&path, &token, json!({"occurred_at": "2099-01-01T00:00:00Z", "channel": "pigeon", "what_happened": "", "location": "x".repeat(201)}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["status"], 422);
    assert!(b["errors"]["occurred_at"]
        .as_str()
        .unwrap()
        .contains("future"));
    assert!(b["errors"]["channel"]
        .as_str()
        .unwrap()
        .contains("Choose how"));
    assert!(b["errors"]["what_happened"]
        .as_str()
        .unwrap()
        .contains("Describe"));
    assert!(b["errors"]["location"]
        .as_str()
        .unwrap()
        .contains("200 characters"));

    let (s, b) = app
        .api_post(
            "/api/v1/cases",
            &token,
            json!({"person": {"label": "B", "nhs_number": "9434765918"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["nhs_number"]
        .as_str()
        .unwrap()
        .contains("not a valid NHS number"));
    let (s, b) = app
        .api_post("/api/v1/cases", &token, json!({"person": {"label": "  "}}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["label"].is_string());

    // Malformed JSON, a wrong type, no JSON content type.
    let r = app
        .http
        .post(format!("{}{path}", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"channel\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let (s, _) = app
        .api_post(
            &path,
            &token,
            json!({"approximate": "yes", "channel": "email", "what_happened": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .http
        .post(format!("{}{path}", app.base))
        .bearer_auth(&token)
        .body("channel=email")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Over 1 MiB.
    let (s, b) = app
        .api_post(
            &path,
            &token,
            json!({"channel": "email", "what_happened": "x".repeat(1024 * 1024 + 10)}),
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{b}");

    // An over-long but under-limit entry is a field error, not a crash.
    let (s, b) = app
        .api_post(
            &path,
            &token,
            json!({"channel": "email", "what_happened": "x".repeat(20_001)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["what_happened"]
        .as_str()
        .unwrap()
        .contains("20000"));

    let (_, b) = app.api_get(&path, &token).await;
    assert_eq!(b, json!([]), "nothing was stored");
    assert_eq!(
        app.store.event_count().await.unwrap(),
        3,
        "only the case's own two events and the one look at its entries"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_api_describes_itself_in_openapi_3_1(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let (s, doc) = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/entries",
        "/api/v1/entries/{id}/amendments",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    assert!(doc["components"]["schemas"]["EntryIn"]["properties"]["what_happened"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
