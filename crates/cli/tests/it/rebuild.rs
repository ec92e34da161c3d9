//! Projections are disposable: rebuilding them from the events changes no page and no
//! API answer.

use crate::helpers::spawn_app;
use boundary_store::Engine;
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn rebuilding_changes_no_page_and_no_answer(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let mut ids = Vec::new();
    for (label, chaperone) in [("Patient A", true), ("Patient B", false)] {
        let (_, c) = app.api_post("/api/v1/cases", &token, json!({"person": {"label": label, "identifiers": ["07700 900123"]}, "chaperone_required": chaperone})).await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    // Advice records are projections too: a chaperone (needed before the consultation
    // below on a case that requires one), a warning, a police report, a transfer, a risk
    // screen and a gift — which is in the register and, from Patient A, on their case.
    for (path, body) in [
        (
            "chaperones",
            json!({"consultation_on": "2026-02-05", "chaperone_name": "Sam Lee", "chaperone_role": "Nurse", "patient_consent": true}),
        ),
        (
            "warnings",
            json!({"given_on": "2026-02-06", "how": "Letter", "reasons": "Calls"}),
        ),
        (
            "police-reports",
            json!({"reported_on": "2026-02-07", "force": "Thames Valley Police", "reference": "TVP-9", "summary": "Threats"}),
        ),
        (
            "transfers",
            json!({"transferred_on": "2026-02-08", "to": "Dr Jones", "reason": "Boundaries"}),
        ),
        ("risk-screens", {
            let answers: serde_json::Map<String, serde_json::Value> =
                boundary_domain::advice::risk::QUESTIONS
                    .iter()
                    .map(|(q, _)| ((*q).to_owned(), json!(*q == "repeated")))
                    .collect();
            json!({ "answers": answers })
        }),
    ] {
        let (s, b) = app
            .api_post(&format!("/api/v1/cases/{}/{path}", ids[0]), &token, body)
            .await;
        assert_eq!(s, reqwest::StatusCode::CREATED, "{b}");
    }
    let (s, b) = app
        .api_post(
            "/api/v1/gifts",
            &token,
            json!({"offered_on": "2026-02-09", "donor": "Patient A", "description": "Flowers",
                   "value_pounds": 150, "recipient_email": "ada@example.nhs.uk",
                   "decision": "returned", "why": "Policy"}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{b}");
    app.api(
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{}/checklist/told_line_manager", ids[0]),
        Some(&token),
        Some(json!({"done_on": "2026-02-10", "note": "Spoke to the practice manager"})),
    )
    .await;
    let mut entries = Vec::new();
    for (i, channel) in [
        "text_message",
        "at_home",
        "gift",
        "phone_call",
        "in_consultation",
    ]
    .iter()
    .enumerate()
    {
        let case = &ids[i % 2];
        let body = if i % 2 == 0 {
            json!({"channel": channel, "what_happened": format!("Contact {i}"), "occurred_on": format!("2026-02-0{}", i + 1), "approximate": i == 2})
        } else {
            json!({"channel": channel, "what_happened": format!("Contact {i}"), "occurred_at": format!("2026-03-0{}T1{i}:00:00Z", i + 1), "witnesses": "Receptionist"})
        };
        let (_, e) = app
            .api_post(&format!("/api/v1/cases/{case}/entries"), &token, body)
            .await;
        entries.push(e["id"].as_str().unwrap().to_owned());
    }
    for (entry, field, value) in [
        (&entries[0], "occurred_on", "2026-01-15"),
        (&entries[1], "channel", "at_workplace"),
        (&entries[0], "what_happened", "Contact 0, corrected"),
    ] {
        app.api_post(
            &format!("/api/v1/entries/{entry}/amendments"),
            &token,
            json!({"field": field, "value": value, "reason": "correction"}),
        )
        .await;
    }

    app.api_post(
        &format!("/api/v1/cases/{}/status", ids[0]),
        &token,
        json!({"status": "warned", "note": "Letter sent"}),
    )
    .await;
    app.api_post(
        &format!("/api/v1/cases/{}/status", ids[1]),
        &token,
        json!({"status": "closed"}),
    )
    .await;
    app.api(
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{}/chaperone", ids[1]),
        Some(&token),
        Some(json!({"required": true})),
    )
    .await;
    app.api(
        reqwest::Method::PUT,
        &format!("/api/v1/cases/{}/chaperone", ids[0]),
        Some(&token),
        Some(json!({"required": false})),
    )
    .await;

    let mut paths = vec!["/api/v1/cases".to_owned(), "/api/v1/gifts".to_owned()];
    for id in &ids {
        paths.push(format!("/api/v1/cases/{id}"));
        paths.push(format!("/api/v1/cases/{id}/entries"));
        for advice in [
            "warnings",
            "police-reports",
            "chaperones",
            "transfers",
            "risk-screens",
            "gifts",
            "checklist",
            "removal-plan?requested_on=2026-03-01",
        ] {
            paths.push(format!("/api/v1/cases/{id}/{advice}"));
        }
    }
    for e in &entries {
        paths.push(format!("/api/v1/entries/{e}"));
    }
    let mut pages = vec!["/cases".to_owned(), "/gifts".to_owned()];
    for id in &ids {
        pages.push(format!("/cases/{id}"));
        pages.push(format!("/cases/{id}/advice?requested_on=2026-03-01"));
    }
    for e in &entries {
        pages.push(format!("/entries/{e}"));
    }
    let snapshot = || async {
        let mut out = Vec::new();
        for p in &paths {
            out.push(app.api_get(p, &token).await.1.to_string());
        }
        for p in &pages {
            // The forms' token is the only part of a page that changes with each showing
            // (masked afresh every time): it is left out.
            let html = app.get_html(p).await.1;
            out.push(html.replace(&crate::helpers::csrf_in(&html), "TOKEN"));
        }
        out
    };
    let before = snapshot().await;
    assert!(
        before[0].contains("Patient A")
            && before.iter().any(|p| p.contains("Contact 0, corrected"))
    );

    // The projections are emptied behind Boundary's back; the events alone bring them back.
    for table in ["gifts", "case_records", "amendments", "entries", "cases"] {
        app.sql(&format!("DELETE FROM {table}")).await;
    }
    assert_eq!(app.api_get("/api/v1/cases", &token).await.1, json!([]));
    let replayed = app.app.rebuild().await.unwrap();
    assert_eq!(replayed, app.store.event_count().await.unwrap());
    let after = snapshot().await;
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b, a, "answer {i} changed after rebuild");
    }
}
