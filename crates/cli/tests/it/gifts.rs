//! The gift register: recording, the £100 rule and 12-month totals, the link to a case's
//! timeline for the recorder alone, and the CSV that managers keep.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::{json, Value};

async fn token_for(app: &TestApp, email: &str, role: &str) -> String {
    let added = app
        .app
        .add_member(
            "Riverside Surgery",
            email,
            "Someone",
            role,
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    app.app
        .create_token(added.member, None, None)
        .await
        .unwrap()
        .secret
}

fn gift(donor: &str, pounds: Value) -> Value {
    json!({
        "offered_on": "2026-11-20", "donor": donor, "donor_is": "patient",
        "description": "Chocolates", "value_pounds": pounds,
        "recipient_email": "ada@example.nhs.uk", "decision": "declined", "why": "Practice policy"
    })
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn gifts_are_registered_totalled_and_linked_to_the_recorders_own_case(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (s, case) = app
        .api_post(
            "/api/v1/cases",
            &owner,
            json!({"person": {"label": "Alex Smith", "nhs_number": "943 476 5919"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    let case = case["id"].as_str().unwrap().to_owned();
    let manager = token_for(&app, "pm@example.nhs.uk", "manager").await;
    let other = token_for(&app, "other@example.nhs.uk", "clinician").await;
    let events_before = app.store.event_count().await.unwrap();

    // Bad input: every field named, nothing stored.
    let (s, b) = app
        .api_post(
            "/api/v1/gifts",
            &other,
            json!({"offered_on": "2099-01-01", "donor": "", "description": "", "value_pounds": "lots",
                   "recipient_email": "x", "decision": "kept", "why": "", "nhs_number": "123"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    for field in [
        "offered_on",
        "donor",
        "description",
        "value_pounds",
        "recipient_email",
        "decision",
        "why",
        "nhs_number",
    ] {
        assert!(b["errors"][field].is_string(), "{field}: {b}");
    }
    assert_eq!(app.store.event_count().await.unwrap(), events_before);
    let (s, list) = app.api_get("/api/v1/gifts", &manager).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list, json!([]));

    // Two small gifts from one donor add up past £100 within 12 months.
    let (s, first) = app
        .api_post("/api/v1/gifts", &other, gift("Sam Jones", json!(60)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(first["needs_register_entry"], false);
    assert_eq!(first["donor_total_12_months"], 60.0);
    assert_eq!(first["warnings"], json!([]));
    let (_, second) = app
        .api_post("/api/v1/gifts", &other, gift("sam  JONES", json!("£50.50")))
        .await;
    assert_eq!(second["needs_register_entry"], true, "{second}");
    assert_eq!(second["donor_total_12_months"], 110.5);
    assert!(
        second["warnings"][0].as_str().unwrap().contains("£110.50"),
        "{second}"
    );

    // One gift over £100 needs an entry on its own.
    let (_, big) = app
        .api_post("/api/v1/gifts", &other, gift("Pat Lee", json!(100.01)))
        .await;
    assert_eq!(big["needs_register_entry"], true, "{big}");

    // A gift from the owner's person of concern: the owner is warned, and it is on the case.
    let mut from_person = gift("A. Smith", json!(20));
    from_person["nhs_number"] = json!("9434765919");
    let (s, linked) = app
        .api_post("/api/v1/gifts", &owner, from_person.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{linked}");
    assert!(
        linked["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("Alex Smith")
            && w.as_str().unwrap().contains("timeline")),
        "{linked}"
    );
    let on_case = format!("/api/v1/cases/{case}/gifts");
    let (_, noted) = app.api_get(&on_case, &owner).await;
    assert_eq!(noted.as_array().unwrap().len(), 1, "{noted}");
    assert_eq!(noted[0]["description"], "Chocolates");

    // The case's timeline shows it among the contacts and the other records.
    app.api_post(
        &format!("/api/v1/cases/{case}/warnings"),
        &owner,
        json!({"given_on": "2026-11-21", "how": "Letter", "reasons": "Gifts and calls"}),
    )
    .await;
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    let gift_at = page
        .find("Gift offered: Chocolates")
        .expect("gift on the timeline");
    let warning_at = page
        .find("Warning given (Letter)")
        .expect("warning on the timeline");
    assert!(
        warning_at < gift_at,
        "newest first: the warning of the 21st before the gift of the 20th"
    );

    // The same gift recorded by someone who cannot see the case: no warning, nothing on it.
    let (_, unlinked) = app
        .api_post("/api/v1/gifts", &other, from_person.clone())
        .await;
    assert!(
        !unlinked["warnings"].to_string().contains("Alex Smith"),
        "{unlinked}"
    );
    let (_, noted) = app.api_get(&on_case, &owner).await;
    assert_eq!(noted.as_array().unwrap().len(), 1);
    let (s, _) = app.api_get(&on_case, &manager).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Someone the case is shared with to read is told to tell its owner; nothing is added.
    app.api_post(
        &format!("/api/v1/cases/{case}/shares"),
        &owner,
        json!({"email": "pm@example.nhs.uk", "access": "read"}),
    )
    .await;
    let (_, read_only) = app.api_post("/api/v1/gifts", &manager, from_person).await;
    assert!(
        read_only["warnings"]
            .to_string()
            .contains("Tell the case's owner"),
        "{read_only}"
    );
    assert_eq!(read_only["may_add_to"], json!([]));
    let (_, noted) = app.api_get(&on_case, &owner).await;
    assert_eq!(noted.as_array().unwrap().len(), 1, "a reader adds nothing");

    // Only the same name: perhaps a namesake, so the owner is asked, and adds it once.
    let (_, named) = app
        .api_post("/api/v1/gifts", &owner, gift("alex SMITH", json!(15)))
        .await;
    assert_eq!(named["may_add_to"][0]["case_id"], case.as_str(), "{named}");
    let (_, noted) = app.api_get(&on_case, &owner).await;
    assert_eq!(
        noted.as_array().unwrap().len(),
        1,
        "not added until confirmed"
    );
    for _ in 0..2 {
        let (s, b) = app
            .api(
                reqwest::Method::POST,
                &on_case,
                Some(&owner),
                Some(json!({"gift_id": named["id"]})),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    }
    let (_, noted) = app.api_get(&on_case, &owner).await;
    assert_eq!(noted.as_array().unwrap().len(), 2, "added once");
    let (s, _) = app
        .api(
            reqwest::Method::POST,
            &on_case,
            Some(&owner),
            Some(json!({"gift_id": first["id"]})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "someone else's gift");

    // A spreadsheet formula in a field comes out as text.
    app.api_post(
        "/api/v1/gifts",
        &other,
        gift("=HYPERLINK(\"http://x\")", json!(5)),
    )
    .await;

    // The register: managers keep it; it says nothing about cases.
    let r = app
        .http
        .get(format!("{}/api/v1/gifts.csv", app.base))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 9, "{csv}");
    assert!(
        lines[0].starts_with("offered_on,donor,donor_is,nhs_number"),
        "{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("sam  JONES") && l.contains("50.50") && l.contains(",yes,110.50,")),
        "{csv}"
    );
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    let (_, list) = app.api_get("/api/v1/gifts", &manager).await;
    assert_eq!(list.as_array().unwrap().len(), 8);

    // Register events have no case, yet the whole log still verifies and replays.
    assert!(app.app.verify_log(None, None).await.unwrap().ok());
    assert_eq!(app.store.check_projections().await.unwrap(), None);

    // Clinicians record but do not keep the register.
    let (s, _) = app.api_get("/api/v1/gifts.csv", &other).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.api_get("/api/v1/gifts", &other).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_gifts_page_records_a_gift_and_explains_a_refusal(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let (s, html) = app.get_html("/gifts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Record a gift"), "{html}");
    assert!(
        html.contains("value=\"ada@example.nhs.uk\""),
        "recipient defaults to me"
    );

    let r = app
        .submit(
            "/gifts",
            "/gifts",
            &[("donor", "Sam Jones"), ("value_pounds", "a lot")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Enter the estimated value in pounds"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Sam Jones\""),
        "what was typed is kept"
    );

    let r = app
        .submit(
            "/gifts",
            "/gifts",
            &[
                ("offered_on", "2026-11-20"),
                ("donor", "Sam Jones"),
                ("donor_is", "relative"),
                ("donor_address", "1 High Street"),
                ("description", "Watch"),
                ("value_pounds", "150"),
                ("recipient_email", "ada@example.nhs.uk"),
                ("decision", "returned"),
                ("why", "Too valuable"),
            ],
        )
        .await;
    // Redirected, so that a reload cannot record it twice.
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html(&location(&r)).await;
    assert!(html.contains("Gift recorded"), "{html}");
    assert!(html.contains("It needs an entry in the register"), "{html}");
    // The first account is an admin too, so it sees the register with the gift in it.
    assert!(html.contains("Watch") && html.contains("£150.00"), "{html}");
    let r = app.get("/gifts.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Too valuable"));
}
