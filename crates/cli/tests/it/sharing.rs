//! Sharing a case with the line manager or a colleague, and ending it.

use crate::helpers::{spawn_app, PASSWORD};
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_owner_shares_read_or_contribute_and_ends_it_at_once(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (case, logged) = app.logged_contacts(&owner, 1).await;
    let entry = logged[0]["id"].as_str().unwrap().to_owned();
    let mut tokens = Vec::new();
    for (email, role) in [
        ("manager@example.nhs.uk", "manager"),
        ("colleague@example.nhs.uk", "clinician"),
        ("bystander@example.nhs.uk", "clinician"),
    ] {
        let added = app
            .app
            .add_member(
                "Riverside Surgery",
                email,
                email,
                role,
                Some(&crate::helpers::password()),
            )
            .await
            .unwrap();
        tokens.push(
            app.app
                .create_token(added.member, None, None)
                .await
                .unwrap()
                .secret,
        );
    }
    let (manager, colleague, bystander) = (&tokens[0], &tokens[1], &tokens[2]);
    app.app.add_org("Hillside Surgery").await.unwrap();
    app.app
        .add_member(
            "Hillside Surgery",
            "elsewhere@example.nhs.uk",
            "Elsewhere",
            "manager",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();

    let shares = format!("/api/v1/cases/{case}/shares");
    let (s, b) = app
        .api_post(
            &shares,
            &owner,
            json!({"email": "manager@example.nhs.uk", "access": "read"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, _) = app
        .api_post(
            &shares,
            &owner,
            json!({"email": "colleague@example.nhs.uk", "access": "contribute"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // Nobody outside the organisation, no stranger, and not oneself; the same words either way.
    for (email, field) in [
        ("elsewhere@example.nhs.uk", "email"),
        ("nobody@example.nhs.uk", "email"),
        ("ada@example.nhs.uk", "email"),
    ] {
        let (s, b) = app
            .api_post(&shares, &owner, json!({"email": email, "access": "read"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(b["errors"][field].is_string(), "{b}");
    }
    let (s, b) = app
        .api_post(
            &shares,
            &owner,
            json!({"email": "bystander@example.nhs.uk", "access": "everything"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["access"].is_string());

    let (_, list) = app.api_get(&shares, &owner).await;
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    let manager_id = list
        .iter()
        .find(|s| s["email"] == "manager@example.nhs.uk")
        .unwrap()["member_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The manager reads; may not log, amend, manage or see the sharing.
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}"), manager)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}/entries"), manager)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.api_get(&format!("/api/v1/entries/{entry}/receipt"), manager)
            .await
            .0,
        StatusCode::OK
    );
    let (s, _) = app
        .api_post(
            &format!("/api/v1/cases/{case}/entries"),
            manager,
            json!({"channel": "email", "what_happened": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api_post(
            &format!("/api/v1/entries/{entry}/amendments"),
            manager,
            json!({"field": "location", "value": "x", "reason": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.api_get(&shares, manager).await.0, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api_post(
            &format!("/api/v1/cases/{case}/status"),
            manager,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api_post(
            &shares,
            manager,
            json!({"email": "bystander@example.nhs.uk", "access": "read"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "only the owner shares");

    // The colleague may also log.
    let (s, b) = app
        .api_post(
            &format!("/api/v1/cases/{case}/entries"),
            colleague,
            json!({"channel": "at_workplace", "what_happened": "Seen waiting in reception"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // The bystander sees nothing.
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}"), bystander)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.api_get("/api/v1/cases", bystander).await.1, json!([]));

    // Ending the manager's access works at once.
    let (s, _) = app
        .api(
            Method::DELETE,
            &format!("{shares}/{manager_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}"), manager)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (s, _) = app
        .api(
            Method::DELETE,
            &format!("{shares}/{manager_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing left to end");

    // Sharing is part of the log: it verifies and survives a rebuild.
    assert!(app.app.verify_all(None, None).await.unwrap().ok());
    app.app.rebuild().await.unwrap();
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}/entries"), colleague)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}"), manager)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_manager_finds_shared_cases_on_their_page(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    app.app
        .add_member(
            "Riverside Surgery",
            "manager@example.nhs.uk",
            "Mo Manager",
            "manager",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    let r = app
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/shares"),
            &[("email", "manager@example.nhs.uk"), ("access", "read")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(
        page.contains("Mo Manager") && page.contains("Can see"),
        "the owner sees who can see it"
    );

    app.forget_cookies();
    app.sign_in("manager@example.nhs.uk", PASSWORD).await;
    let (_, shared) = app.get_html("/shared").await;
    assert!(shared.contains("Patient A"));
    // Their home is what is shared with them, said as such: the case is not theirs.
    let (_, home) = app.get_html("/cases").await;
    assert!(
        home.contains("<h1>Cases shared with you</h1>") && home.contains("Patient A"),
        "{home}"
    );
    assert!(!home.contains("My cases</h1>") && !home.contains("Open a case"));
    let (status, page) = app.get_html(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("Log a contact</a>")
            && !page.contains("Manage this case")
            && !page.contains("Who can see this case")
    );
    assert_eq!(
        app.get(&format!("/cases/{case}/log")).await.status(),
        StatusCode::NOT_FOUND,
        "no log form for a reader"
    );
    let (_, form) = app.get_html("/shared").await;
    let csrf = crate::helpers::csrf_in(&form);
    let r = app
        .post_form(
            &format!("/cases/{case}/entries"),
            &[
                ("channel", "email"),
                ("what_happened", "x"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
