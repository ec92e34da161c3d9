//! Warnings, police reports and the removal planner, through the API and the page.

use crate::helpers::*;
use boundary_domain::occurred::iso_date;
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;
use time::Duration;

fn day(d: time::Date) -> String {
    iso_date::format(d)
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_removal_planner_reads_the_warnings_and_police_reports_on_the_case(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let case = app.api_case(&owner, "Patient A").await;
    let today = app.app.uk_today();
    let plan = |q: String| {
        let (app, owner, case) = (&app, owner.clone(), case.clone());
        async move {
            app.api_get(&format!("/api/v1/cases/{case}/removal-plan{q}"), &owner)
                .await
        }
    };

    let (s, p) = plan(String::new()).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["can_request"], false);
    assert!(
        p["why"][0]
            .as_str()
            .unwrap()
            .contains("protected characteristic"),
        "{p}"
    );

    let (s, b) = app
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{case}/removal-assessment"),
            Some(&owner),
            Some(json!({"grounds_confirmed": true, "exception": "risk_to_others"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an exception needs its reason: {b}"
    );
    assert!(b["errors"]["exception_why"].is_string());
    let (s, _) = app
        .api(
            Method::PUT,
            &format!("/api/v1/cases/{case}/removal-assessment"),
            Some(&owner),
            Some(json!({"grounds_confirmed": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, p) = plan(String::new()).await;
    assert_eq!(p["can_request"], false);
    assert!(p["why"][0].as_str().unwrap().contains("No warning"), "{p}");

    // A warning: refused in the future, kept when right.
    let warnings = format!("/api/v1/cases/{case}/warnings");
    let tomorrow = day(today + Duration::days(1));
    let (s, b) = app
        .api_post(
            &warnings,
            &owner,
            json!({"given_on": tomorrow, "how": "", "reasons": "Calls"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["errors"]["given_on"].as_str().unwrap().contains("future"),
        "{b}"
    );
    assert!(b["errors"]["how"].is_string());
    let given = today - Duration::days(30);
    let (s, b) = app
        .api_post(
            &warnings,
            &owner,
            json!({"given_on": day(given), "how": "In person, with the practice manager", "reasons": "Calls at night"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b["seq"].as_i64().unwrap() > 0 && b["leaf_hash"].as_str().unwrap().len() == 64);

    let (_, p) = plan(format!("?requested_on={}", day(today))).await;
    assert_eq!(p["can_request"], true, "{p}");
    assert_eq!(p["effective_on"], day(today + Duration::days(8)));
    // The warning counts up to the same day a year on, and not the day after.
    let last = iso_date::parse(
        app.api_get(&warnings, &owner).await.1[0]["lapses_on"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
        - Duration::days(1);
    let (_, p) = plan(format!("?requested_on={}", day(last))).await;
    assert_eq!(p["can_request"], true, "on the last day: {p}");
    let (_, p) = plan(format!("?requested_on={}", day(last + Duration::days(1)))).await;
    assert_eq!(p["can_request"], false, "the day after: {p}");

    // Immediate removal waits for a police report.
    let (_, p) = plan("?immediate=true".into()).await;
    assert_eq!(p["can_request"], false);
    assert!(p["why"][0].as_str().unwrap().contains("police"), "{p}");
    let (s, b) = app
        .api_post(
            &format!("/api/v1/cases/{case}/police-reports"),
            &owner,
            json!({"reported_on": day(today), "force": "Thames Valley Police", "reference": "", "summary": "Threats"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["reference"].is_string());
    let (s, _) = app
        .api_post(
            &format!("/api/v1/cases/{case}/police-reports"),
            &owner,
            json!({"reported_on": day(today), "force": "Thames Valley Police", "officer": "PC 12 Reid", "reference": "TVP-2026-77", "summary": "Threats at reception"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, p) = plan("?immediate=true".into()).await;
    assert_eq!(p["can_request"], true, "{p}");
    assert_eq!(p["effective_on"], day(today));
    assert_eq!(p["confirm_in_writing_by"], day(today + Duration::days(7)));
    assert_eq!(p["police_reference"], "TVP-2026-77");
    let (s, _) = plan("?immediate=maybe".into()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = plan("?requested_on=27%2F11%2F2026".into()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, reports) = app
        .api_get(&format!("/api/v1/cases/{case}/police-reports"), &owner)
        .await;
    assert_eq!(reports[0]["reference"], "TVP-2026-77");

    // A colleague who may not see the case finds nothing; the records are in the ledger.
    let colleague = app.clinician_with_token("bob@example.nhs.uk").await;
    let (s, _) = app.api_get(&warnings, &colleague).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api_post(
            &warnings,
            &colleague,
            json!({"given_on": day(today), "how": "x", "reasons": "y"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.store.check_projections().await.unwrap(), None);
    let (_, listed) = app.api_get(&warnings, &owner).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "nothing stored from refused requests"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_advice_page_records_and_explains(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let page = format!("/cases/{case}/advice");
    let (status, html) = app.get_html(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No warning to the patient is recorded."));
    assert!(html.contains("cannot be made"));

    let today = day(app.app.uk_today());
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/warnings"),
            &[("given_on", &today), ("how", ""), ("reasons", "Calls")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Say how the warning was given") && html.contains("Calls"),
        "kept what was typed"
    );
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/warnings"),
            &[
                ("given_on", &today),
                ("how", "By letter"),
                ("reasons", "Calls at night"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/removal-assessment"),
            &[("grounds_confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html(&page).await;
    assert!(
        html.contains(&format!(
            "The patient was warned on {}",
            boundary_domain::advice::dates::human(app.app.uk_today())
        )),
        "{html}"
    );
    assert!(html.contains("A request can be made"));
    assert!(html.contains("Takes effect:"));
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/checklist/told_line_manager"),
            &[
                ("done_on", &today),
                ("note", "Told Dr Shah, senior partner"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html(&page).await;
    assert!(html.contains("Told Dr Shah, senior partner"), "{html}");
    // A police reference, once recorded, is offered when logging later contacts.
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/police-reports"),
            &[
                ("reported_on", &today),
                ("force", "Thames Valley Police"),
                ("reference", "TVP-2026-0099"),
                ("summary", "Waiting outside the surgery"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, log_form) = app.get_html(&format!("/cases/{case}/log")).await;
    assert!(
        log_form.contains("<option value=\"TVP-2026-0099\">"),
        "{log_form}"
    );
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/checklist/colleague_support"),
            &[],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a tick needs a date or a reason"
    );
    let (_, case_page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(
        case_page.contains("3 of 11 steps done")
            && case_page.contains("Next: Contacted my defence body"),
        "the warning and the line manager: {case_page}"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_checklist_ticks_itself_from_the_records_and_takes_marks(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.owner_token().await;
    // A token for the whole story, which runs past a default token's 90 days.
    let ada = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let owner = app
        .app
        .create_token(ada, None, Some(boundary_app::tokens::TOKEN_DAYS_MAX))
        .await
        .unwrap()
        .secret;
    let case = app.api_case(&owner, "Patient A").await;
    let today = app.app.uk_today();
    let list = format!("/api/v1/cases/{case}/checklist");
    let state_of = |v: &serde_json::Value, step: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|s| s["step"] == step)
            .unwrap()
            .clone()
    };
    let (s, v) = app.api_get(&list, &owner).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 11);
    assert!(
        v.as_array().unwrap().iter().all(|s| s["state"] == "open"),
        "{v}"
    );

    // Logging a contact and recording a warning tick their steps.
    app.api_post(
        &format!("/api/v1/cases/{case}/entries"),
        &owner,
        json!({"channel": "email", "what_happened": "Wrote again"}),
    )
    .await;
    app.api_post(
        &format!("/api/v1/cases/{case}/warnings"),
        &owner,
        json!({"given_on": day(today), "how": "Letter", "reasons": "Messages"}),
    )
    .await;
    let (_, v) = app.api_get(&list, &owner).await;
    for step in ["keeping_a_log", "patient_warned"] {
        let st = state_of(&v, step);
        assert_eq!(
            (st["state"].as_str(), st["by_itself"].as_bool()),
            (Some("done"), Some(true)),
            "{st}"
        );
    }

    // A tick with a reference; "not applicable" with a reason; never both, never neither.
    let step = |s: &str| format!("/api/v1/cases/{case}/checklist/{s}");
    let (s, st) = app
        .api(
            Method::PUT,
            &step("contacted_defence_body"),
            Some(&owner),
            Some(json!({"done_on": day(today), "note": "MDU ref 12345"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["state"], "done");
    assert_eq!(st["note"], "MDU ref 12345");
    assert_eq!(st["by"], "Dr Ada Patel");
    let (s, st) = app
        .api(
            Method::PUT,
            &step("colleague_support"),
            Some(&owner),
            Some(json!({"not_applicable": "Single-handed"})),
        )
        .await;
    assert_eq!(
        (s, st["state"].as_str()),
        (StatusCode::OK, Some("not_applicable"))
    );
    let (s, b) = app
        .api(
            Method::PUT,
            &step("told_line_manager"),
            Some(&owner),
            Some(json!({"done_on": day(today), "not_applicable": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["done_on"]
        .as_str()
        .unwrap()
        .contains("not both"));
    let (s, _) = app
        .api(
            Method::PUT,
            &step("make_tea"),
            Some(&owner),
            Some(json!({"done_on": day(today)})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The social-media review comes due again 90 days after it was done.
    let (s, _) = app
        .api(
            Method::PUT,
            &step("social_media_reviewed"),
            Some(&owner),
            Some(json!({"done_on": day(today)})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    app.clock.advance(90 * 86_400);
    let (_, v) = app.api_get(&list, &owner).await;
    let st = state_of(&v, "social_media_reviewed");
    assert_eq!(st["state"], "due_again", "{st}");
    assert_eq!(st["due_since"], day(today + Duration::days(90)));

    // The case page says how far along it is, and what is next.
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let (_, html) = app.get_html(&format!("/cases/{case}")).await;
    assert!(
        html.contains("4 of 11 steps done") && html.contains("Next: Told my line manager"),
        "{html}"
    );
    assert_eq!(app.store.check_projections().await.unwrap(), None);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_consultation_on_a_chaperone_case_asks_for_its_chaperone(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (s, case) = app
        .api_post(
            "/api/v1/cases",
            &owner,
            json!({"person": {"label": "Patient A"}, "chaperone_required": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let case = case["id"].as_str().unwrap().to_owned();
    let today = day(app.app.uk_today());
    let entries = format!("/api/v1/cases/{case}/entries");
    let consultation = json!({"channel": "in_consultation", "occurred_on": today, "what_happened": "Asked for my mobile number"});

    let (s, b) = app.api_post(&entries, &owner, consultation.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["errors"]["chaperone"]
            .as_str()
            .unwrap()
            .contains("chaperone"),
        "{b}"
    );
    let (s, _) = app
        .api_post(
            &entries,
            &owner,
            json!({"channel": "email", "what_happened": "Emailed"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "only consultations need one");

    // Nor can a correction turn an e-mail into a consultation without one.
    let (_, emailed) = app
        .api_post(&entries, &owner, json!({"channel": "email", "occurred_on": day(app.app.uk_today() - Duration::days(3)), "what_happened": "Emailed"}))
        .await;
    let (s, b) = app
        .api_post(
            &format!(
                "/api/v1/entries/{}/amendments",
                emailed["id"].as_str().unwrap()
            ),
            &owner,
            json!({"field": "channel", "value": "in_consultation", "reason": "It was in clinic"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["errors"]["chaperone"].is_string());
    let chaperones = format!("/api/v1/cases/{case}/chaperones");
    let (s, b) = app
        .api_post(
            &chaperones,
            &owner,
            json!({"consultation_on": today, "declined": true, "patient_consent": false}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["errors"]["instead"].is_string(),
        "declining needs what was done instead"
    );
    let (s, _) = app
        .api_post(
            &chaperones,
            &owner,
            json!({"consultation_on": today, "chaperone_name": "Sam Lee", "chaperone_role": "Practice nurse", "patient_consent": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app.api_post(&entries, &owner, consultation).await;
    assert_eq!(s, StatusCode::CREATED, "now recorded for that day");

    // On the page, the chaperone is given with the consultation itself.
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "in_consultation"),
                ("when", "now"),
                ("what_happened", "Tried to hug me"),
                ("chaperone_declined", "yes"),
                ("instead", "Door left open, receptionist outside"),
                ("patient_consent", "no"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, register) = app.api_get(&chaperones, &owner).await;
    assert_eq!(register.as_array().unwrap().len(), 2, "{register}");
    assert_eq!(register[1]["declined"], true);
    let (_, html) = app.get_html(&format!("/cases/{case}/advice")).await;
    assert!(html.contains("Offered and declined; instead: Door left open"));

    // A transfer of care is the owner's, and ticks its checklist step.
    let transfers = format!("/api/v1/cases/{case}/transfers");
    let colleague = app.clinician_with_token("bob@example.nhs.uk").await;
    let transfer = json!({"transferred_on": today, "to": "Dr Jones, Hillside Surgery", "reason": "Boundaries crossed", "handover": "Letter sent"});
    let (s, _) = app.api_post(&transfers, &colleague, transfer.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.api_post(&transfers, &owner, transfer).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, list) = app
        .api_get(&format!("/api/v1/cases/{case}/checklist"), &owner)
        .await;
    let step = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "care_transferred_or_removed")
        .unwrap();
    assert_eq!(step["state"], "done", "{step}");
    assert_eq!(app.store.check_projections().await.unwrap(), None);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_log_itself_prompts_escalation_and_says_why(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let case = app.api_case(&owner, "Patient A").await;
    let prompts = format!("/api/v1/cases/{case}/prompts");
    let today = app.app.uk_today();
    let (s, p) = app.api_get(&prompts, &owner).await;
    assert_eq!((s, p), (StatusCode::OK, json!([])));

    let log = |channel: &'static str, on: time::Date| {
        let (app, owner, case) = (&app, owner.clone(), case.clone());
        async move {
            let (s, b) = app
                .api_post(
                    &format!("/api/v1/cases/{case}/entries"),
                    &owner,
                    json!({"channel": channel, "occurred_on": day(on), "what_happened": "Again"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
    };
    log("at_home", today - Duration::days(20)).await;
    app.api_post(
        &format!("/api/v1/cases/{case}/warnings"),
        &owner,
        json!({"given_on": day(today - Duration::days(10)), "how": "Letter", "reasons": "Visits"}),
    )
    .await;
    for d in 0..3 {
        log("text_message", today - Duration::days(d)).await;
    }
    let kinds_now = || async {
        let (_, p) = app.api_get(&prompts, &owner).await;
        let kinds: Vec<String> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["kind"].as_str().unwrap().to_owned())
            .collect();
        (kinds, p)
    };
    let (kinds, p) = kinds_now().await;
    assert_eq!(
        kinds,
        vec!["risk_screen", "at_home", "after_warning", "rising_rate"],
        "{p}"
    );
    assert!(p[2]["why"]
        .as_str()
        .unwrap()
        .starts_with("3 contacts since the patient was warned"));
    assert!(p[1]["consider"].as_str().unwrap().contains("999"));

    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let (_, html) = app.get_html(&format!("/cases/{case}")).await;
    // One box holds every prompt, each with its reason.
    assert_eq!(html.matches("Think about escalating").count(), 1, "{html}");
    assert!(
        html.contains("<strong>3 contacts since the patient was warned"),
        "{html}"
    );
    assert!(
        html.contains("4 contacts</strong>, the first"),
        "the case in brief: {html}"
    );
    // The pictures are drawn on the server, with their words for screen readers.
    assert!(html.contains("aria-labelledby=\"weekly-title weekly-desc\""));
    assert!(html.contains("4 contacts in the last 12 weeks"), "{html}");
    assert!(
        html.contains("No contacts with a known time yet."),
        "days without times have no hour"
    );

    // The risk questions: every one answered, or none kept; each set kept for the trend.
    let screens = format!("/api/v1/cases/{case}/risk-screens");
    let (s, b) = app
        .api_post(&screens, &owner, json!({"answers": {"threats": true}}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["errors"]["fixated"].is_string(), "{b}");
    let yes = [
        "fixated",
        "obsessive",
        "unwanted",
        "repeated",
        "threats",
        "frightened",
    ];
    let answers: serde_json::Map<String, serde_json::Value> = [
        "fixated",
        "obsessive",
        "unwanted",
        "repeated",
        "frightened",
        "threats",
        "violence",
        "home_or_following",
        "others_contacted",
        "worse",
        "property",
        "sexual",
        "others_targeted",
        "orders_broken",
    ]
    .iter()
    .map(|q| ((*q).to_owned(), json!(yes.contains(q))))
    .collect();
    // Whether they harassed anyone before, the doctor cannot know: null, not false.
    let mut answers = answers;
    answers.insert("others_targeted".into(), serde_json::Value::Null);
    let (s, b) = app
        .api_post(&screens, &owner, json!({"answers": answers}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, list) = app.api_get(&screens, &owner).await;
    assert_eq!(
        (
            list[0]["score"].as_i64(),
            list[0]["unknown"].as_i64(),
            list[0]["four_met"].as_bool()
        ),
        (Some(6), Some(1), Some(true))
    );
    assert!(list[0]["answers"]["others_targeted"].is_null(), "{list}");
    let (kinds, _) = kinds_now().await;
    assert_eq!(
        kinds[..2],
        ["threat".to_owned(), "four_pattern".to_owned()],
        "{kinds:?}"
    );
    let (_, html) = app.get_html(&format!("/cases/{case}/advice")).await;
    assert!(
        html.contains("6 of 14 (1 not known)")
            && html.contains("Fixated, obsessive, unwanted and repeated"),
        "{html}"
    );

    let colleague = app.clinician_with_token("bob@example.nhs.uk").await;
    let (s, _) = app.api_get(&prompts, &colleague).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
