//! Someone probing: another organisation's ids put in paths, queries and form fields,
//! malformed and over-long input. Each is refused plainly and changes nothing.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

/// Riverside (Ada, owner and admin, with an auditor) and Hillside (Hal, with a case that
/// Hillside's own people have looked at).
struct TwoOrgs {
    ada: String,
    auditor: String,
    hal: String,
    hal_case: String,
    hal_entry: String,
    hal_member: String,
}

async fn two_orgs(app: &TestApp) -> TwoOrgs {
    let ada = app.owner_token().await;
    let added = app
        .app
        .add_member(
            "Riverside Surgery",
            "aud@example.nhs.uk",
            "Aud",
            "auditor",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    let auditor = app
        .app
        .create_token(added.member, None, None)
        .await
        .unwrap()
        .secret;
    app.app.add_org("Hillside Surgery").await.unwrap();
    let hal = app
        .app
        .add_member(
            "Hillside Surgery",
            "hal@example.nhs.uk",
            "Hal",
            "clinician",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap()
        .member;
    let hal_token = app.app.create_token(hal, None, None).await.unwrap().secret;
    let hal_case = app.api_case(&hal_token, "Hillside patient").await;
    let (_, entry) = app
        .api_post(
            &format!("/api/v1/cases/{hal_case}/entries"),
            &hal_token,
            json!({"channel": "letter_or_card", "what_happened": "Hillside secret"}),
        )
        .await;
    app.api_get(&format!("/api/v1/cases/{hal_case}"), &hal_token)
        .await;
    TwoOrgs {
        ada,
        auditor,
        hal: hal_token,
        hal_case,
        hal_entry: entry["id"].as_str().unwrap().to_owned(),
        hal_member: hal.to_string(),
    }
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn another_organisations_ids_in_paths_queries_and_forms_find_nothing(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let w = two_orgs(&app).await;
    let events_before = app.store.event_count().await.unwrap();

    // In paths, through the API: the answer is 404, as for an id that does not exist.
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/cases/{}", w.hal_case), None),
        (
            Method::GET,
            format!("/api/v1/entries/{}", w.hal_entry),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{}/entries", w.hal_case),
            Some(json!({"channel": "email", "what_happened": "planted"})),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{}/shares", w.hal_case),
            Some(json!({"email": "aud@example.nhs.uk", "access": "read"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/cases/{}/shares/{}", w.hal_case, w.hal_member),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/members/{}", w.hal_member),
            Some(json!({"roles": ["admin"]})),
        ),
        (
            Method::POST,
            format!("/api/v1/members/{}/invite", w.hal_member),
            None,
        ),
    ] {
        let (status, b) = app.api(method, &path, Some(&w.ada), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {b}");
        assert!(!b.to_string().contains("Hillside"), "{b}");
    }

    // In pages' paths and form fields.
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    for path in [
        format!("/cases/{}", w.hal_case),
        format!("/entries/{}", w.hal_entry),
        format!("/cases/{}/log", w.hal_case),
    ] {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("Hillside"));
    }
    for (action, fields) in [
        (
            format!("/admin/members/{}/roles", w.hal_member),
            vec![("roles", "admin")],
        ),
        (
            format!("/admin/members/{}/deactivate", w.hal_member),
            vec![],
        ),
        (format!("/admin/members/{}/invite", w.hal_member), vec![]),
        (
            "/account/organisation".to_owned(),
            vec![("member", w.hal_member.as_str())],
        ),
        (
            format!("/cases/{}/entries", w.hal_case),
            vec![
                ("channel", "email"),
                ("when", "now"),
                ("what_happened", "planted"),
            ],
        ),
    ] {
        let r = app.submit("/account", &action, &fields).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{action}");
    }
    let (status, _) = app.api_get("/api/v1/members", &w.ada).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "Ada is still signed in to her own organisation"
    );

    // In a query: Riverside's auditor filtering on Hillside's case or person sees nothing.
    app.forget_cookies();
    app.sign_in("aud@example.nhs.uk", PASSWORD).await;
    for query in [
        format!("/audit?case={}", w.hal_case),
        "/audit?member=hal%40example.nhs.uk".to_owned(),
        "/audit?case=not-an-id".to_owned(),
    ] {
        let (status, html) = app.get_html(&query).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(
            !html.contains("Hillside") && !html.contains("Hal<"),
            "{query}: {html}"
        );
    }
    let (status, _) = app
        .api_get(&format!("/api/v1/cases/{}/audit", w.hal_case), &w.auditor)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nothing was written by any of it, and Hal's organisation is as it was.
    let views = app.store.event_count().await.unwrap() - events_before;
    assert_eq!(views, 0, "no event was appended by a refused request");
    let (status, entries) = app
        .api_get(&format!("/api/v1/cases/{}/entries", w.hal_case), &w.hal)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entries.as_array().unwrap().len(), 1);
    let hal_member = app
        .store
        .member(w.hal_member.parse().unwrap())
        .await
        .unwrap();
    assert!(hal_member.active && hal_member.roles.to_string() == "clinician");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn malformed_and_over_long_input_is_refused_with_a_reason(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.owner_token().await;
    let (_, before) = app.api_get("/api/v1/members", &admin).await;

    // Ids that are not ids.
    for path in [
        "/cases/not-a-case",
        "/cases/00000000-0000-0000-0000-000000000000",
        "/entries/%27%3B%20DROP%20TABLE%20events",
        "/cases/..%2F..%2Fetc%2Fpasswd",
    ] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (status, _) = app
        .api(
            Method::PATCH,
            "/api/v1/members/nope",
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Over-long and malformed fields, each with its limit in words (invitations are made
    // on the page: a token cannot make one).
    let long_name = "N".repeat(121);
    let long_email = format!("{}@example.nhs.uk", "e".repeat(300));
    for (email, name, field, words) in [
        ("x@example.nhs.uk", long_name.as_str(), "name", "120"),
        (long_email.as_str(), "X", "email", "e-mail address"),
    ] {
        let r = app
            .submit(
                "/admin/members",
                "/admin/members",
                &[("email", email), ("name", name), ("role", "manager")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let html = r.text().await.unwrap();
        assert!(html.contains(words), "{field}: {html}");
    }
    let (status, b) = app
        .api_post(
            &format!(
                "/api/v1/cases/{}/warnings",
                app.api_case(&admin, "Patient A").await
            ),
            &admin,
            json!({"given_on": "2026-01-05", "how": "H".repeat(201), "reasons": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["how"].as_str().unwrap().contains("200"), "{b}");
    // A member that exists, so that it is the body that is wrong (an id that is not one
    // is refused before the body is read: 404, as above).
    let member = format!("/api/v1/members/{}", before[0]["id"].as_str().unwrap());
    let (status, b) = app
        .api(
            Method::PATCH,
            &member,
            Some(&admin),
            Some(json!({"roles": "admin"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "roles must be a list: {b}"
    );

    // Bodies that are not JSON, or too big.
    let r = app
        .http
        .post(format!("{}/api/v1/members", app.base))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = app
        .http
        .post(format!("{}/api/v1/members", app.base))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A body that is JSON but not an object: serde would read a struct from an array of
    // its fields, so `[null, null]` once changed nothing and answered 200.
    let (status, b) = app
        .api(
            Method::PATCH,
            &member,
            Some(&admin),
            Some(json!([null, null])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["detail"], "The body must be a JSON object.");
    // An upload that is not multipart is refused in problem+json too, not plain text.
    let case = app.api_case(&admin, "Patient B").await;
    let r = app
        .http
        .post(format!("{}/api/v1/cases/{case}/attachments", app.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    // On the page: an over-long name comes back with the reason and what was typed.
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let r = app
        .submit(
            "/admin/members",
            "/admin/members",
            &[
                ("email", "y@example.nhs.uk"),
                ("name", &long_name),
                ("role", "clinician"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("120 characters"), "{html}");
    assert!(html.contains("y@example.nhs.uk"), "what was typed is kept");

    let (_, after) = app.api_get("/api/v1/members", &admin).await;
    assert_eq!(before, after, "nobody was added or changed");
    let (_, tokens) = app.api_get("/api/v1/tokens", &admin).await;
    assert_eq!(tokens.as_array().unwrap().len(), 1, "no token was made");
}
