//! Letters: drafted from the case, edited, kept as sent, read back and downloaded.

use crate::helpers::*;
use boundary_domain::advice::dates::{human, plus_days};
use boundary_domain::occurred::iso_date;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn letters_are_drafted_from_the_case_edited_and_kept_as_sent(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (_, case) = app
        .api_post(
            "/api/v1/cases",
            &owner,
            json!({"person": {"label": "Alex Smith", "nhs_number": "9434765919"}}),
        )
        .await;
    let case = case["id"].as_str().unwrap().to_owned();
    let today = app.app.uk_today();
    app.api_post(
        &format!("/api/v1/cases/{case}/warnings"),
        &owner,
        json!({"given_on": iso_date::format(today), "how": "By letter", "reasons": "You waited outside my home twice."}),
    )
    .await;

    let draft = |q: &str| {
        let (app, owner, case, q) = (&app, owner.clone(), case.clone(), q.to_owned());
        async move {
            app.api_get(&format!("/api/v1/cases/{case}/letters/draft{q}"), &owner)
                .await
        }
    };
    let (s, d) = draft("?kind=warning").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let text = d["text"].as_str().unwrap();
    for want in [
        "Riverside Surgery",
        "Dear [The patient's full name]",
        "[The patient's address]",
        "NHS number: 943 476 5919",
        "You waited outside my home twice.",
        &human(today),
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    let (s, b) = draft("?kind=apology").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["kind"].is_string(), "{b}");
    let (s, b) = draft("?kind=removal_request&requested_on=soon").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["requested_on"].is_string(), "{b}");

    // The immediate removal request names the police report and the 7-day deadline.
    app.api(
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{case}/removal-assessment"),
        Some(&owner),
        Some(json!({"grounds_confirmed": true})),
    )
    .await;
    app.api_post(
        &format!("/api/v1/cases/{case}/police-reports"),
        &owner,
        json!({"reported_on": iso_date::format(today), "force": "Thames Valley Police", "reference": "TVP-77", "summary": "Assault at reception"}),
    )
    .await;
    let (_, d) = draft(&format!(
        "?kind=removal_request&immediate=true&requested_on={}",
        iso_date::format(today)
    ))
    .await;
    let text = d["text"].as_str().unwrap();
    assert!(text.contains("incident number is TVP-77"), "{text}");
    assert!(
        text.contains(&format!("allowed: by {}", human(plus_days(today, 7)))),
        "{text}"
    );

    // Kept as sent: an empty letter is refused, and nothing is kept.
    let letters = format!("/api/v1/cases/{case}/letters");
    let (s, b) = app
        .api_post(&letters, &owner, json!({"kind": "warning", "text": "  "}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["text"].is_string(), "{b}");
    let (_, list) = app.api_get(&letters, &owner).await;
    assert_eq!(list, json!([]));
    let edited = "Dear Alex,\n\nPlease stop waiting outside my home.\n\nDr Ada";
    let (s, kept) = app
        .api_post(&letters, &owner, json!({"kind": "warning", "text": edited}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{kept}");
    let (_, list) = app.api_get(&letters, &owner).await;
    assert_eq!(list[0]["text"], edited);
    assert_eq!(list[0]["kind"], "warning");
    assert_eq!(list[0]["written_on"], iso_date::format(today));

    // On the page: the letter is on the advice page and the timeline, and downloads.
    let (_, advice) = app.get_html(&format!("/cases/{case}/advice")).await;
    assert!(
        advice.contains("Please stop waiting outside my home."),
        "{advice}"
    );
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(page.contains("Letter kept: Warning letter to the patient"));
    let seq = kept["seq"].as_i64().unwrap();
    let r = app.get(&format!("/cases/{case}/letters/{seq}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("warning-{}.txt", iso_date::format(today))));
    assert_eq!(
        r.text().await.unwrap(),
        edited.replace('\n', "\r\n"),
        "the download is the letter as kept"
    );

    // A removal request kept as sent puts its deadline on "my cases".
    let (s, _) = app
        .api_post(
            &letters,
            &owner,
            json!({"kind": "removal_request", "immediate": true, "text": "To NHS England"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, mine) = app.get_html("/cases").await;
    assert!(
        mine.contains(&format!(
            "Confirm the immediate removal request of {} in writing by {}.",
            human(today),
            human(plus_days(today, 7))
        )),
        "{mine}"
    );

    // Someone the case is shared with to read sees the letters but drafts none.
    let manager = app
        .app
        .add_member(
            "Riverside Surgery",
            "pm@example.nhs.uk",
            "Pat",
            "manager",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    let manager = app
        .app
        .create_token(manager.member, None, None)
        .await
        .unwrap()
        .secret;
    app.api_post(
        &format!("/api/v1/cases/{case}/shares"),
        &owner,
        json!({"email": "pm@example.nhs.uk", "access": "read"}),
    )
    .await;
    let (s, _) = app
        .api_get(
            &format!("/api/v1/cases/{case}/letters/draft?kind=warning"),
            &manager,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, list) = app.api_get(&letters, &manager).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_letter_page_offers_the_draft_and_keeps_the_edit(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case_page = app.open_case_page("Alex Smith").await;
    let case = case_page.trim_start_matches("/cases/").to_owned();
    let new = format!("/cases/{case}/letters/new?kind=warning");
    let (s, html) = app.get_html(&new).await;
    assert_eq!(s, StatusCode::OK);
    // Marked spaces for the name and address: the case's label may not be either.
    assert!(
        html.contains("Dear [The patient&#39;s full name]"),
        "{html}"
    );
    assert!(html.contains("[Say what the patient did"), "{html}");

    let r = app
        .submit(
            &new,
            &format!("/cases/{case}/letters"),
            &[("kind", "warning"), ("text", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Write the letter"));

    let r = app
        .submit(
            &new,
            &format!("/cases/{case}/letters"),
            &[("kind", "warning"), ("text", "Dear Alex,\nPlease stop.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/cases/{case}/advice#letters"));
    let (_, advice) = app.get_html(&format!("/cases/{case}/advice")).await;
    assert!(
        advice.contains("<bdi>Warning letter to the patient</bdi>, "),
        "{advice}"
    );
    assert!(advice.contains("Please stop."));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_practice_sets_its_own_wording_which_is_checked_first(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    // The first account is the practice's admin and a clinician.
    let owner = app.owner_token().await;
    let case = app.api_case(&owner, "Alex Smith").await;
    let templates = "/api/v1/letter-templates";
    let (s, list) = app.api_get(templates, &owner).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(list[0]["custom"], false);
    assert!(list[0]["text"]
        .as_str()
        .unwrap()
        .contains("Dear {{ full_name }},"));

    // Refused with a reason, and nothing changes.
    let warning = format!("{templates}/warning");
    for (bad, says) in [
        ("Dear {{ patient ", "not written correctly"),
        ("Dear {{ pateint }}", "placeholder that does not exist"),
    ] {
        let (s, b) = app
            .api(
                reqwest::Method::PUT,
                &warning,
                Some(&owner),
                Some(json!({"text": bad})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(b["errors"]["text"].as_str().unwrap().contains(says), "{b}");
    }
    let (_, list) = app.api_get(templates, &owner).await;
    assert_eq!(list[0]["custom"], false);

    // Saved, it is what drafts are made from.
    let own = "Riverside letterhead\r\n\r\nDear {{ patient }},\r\n{{ reasons }}";
    let (s, _) = app
        .api(
            reqwest::Method::PUT,
            &warning,
            Some(&owner),
            Some(json!({"text": own})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, d) = app
        .api_get(
            &format!("/api/v1/cases/{case}/letters/draft?kind=warning"),
            &owner,
        )
        .await;
    assert!(
        d["text"]
            .as_str()
            .unwrap()
            .starts_with("Riverside letterhead\n\nDear Alex Smith,\n[Say what"),
        "{d}"
    );
    let (s, _) = app
        .api(
            reqwest::Method::PUT,
            &format!("{templates}/apology"),
            Some(&owner),
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The page shows it and refuses a broken one with the reason, keeping what was typed.
    let (_, html) = app.get_html("/admin/letters").await;
    assert!(
        html.contains("Riverside letterhead") && html.contains("lapses_on"),
        "{html}"
    );
    let r = app
        .submit(
            "/admin/letters",
            "/admin/letters/warning",
            &[("text", "{% if immediate %}")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("not written correctly") && html.contains("{% if immediate %}"),
        "{html}"
    );

    // Back to Boundary's wording.
    let (s, _) = app
        .api(reqwest::Method::DELETE, &warning, Some(&owner), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, d) = app
        .api_get(
            &format!("/api/v1/cases/{case}/letters/draft?kind=warning"),
            &owner,
        )
        .await;
    assert!(
        d["text"].as_str().unwrap().contains("A formal warning"),
        "{d}"
    );

    // A clinician who is not an admin cannot change it.
    let other = app.clinician_with_token("other@example.nhs.uk").await;
    let (s, _) = app
        .api(
            reqwest::Method::PUT,
            &warning,
            Some(&other),
            Some(json!({"text": "Hi"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
