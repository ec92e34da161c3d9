//! Receipts, checkpoints and proofs as a holder checks them, the ledger page, and the
//! refusal to record on a log that no longer matches its checkpoint.

use crate::helpers::{boundary, location, spawn_app, stderr, TestApp, PASSWORD};
use boundary_ledger::{verify_consistency, verify_inclusion, Hash, LogVerifier};
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{json, Value};

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| Hash::from_hex(h.as_str().unwrap()).unwrap())
        .collect()
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_receipt_is_checked_with_public_proofs(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let (_, logged) = app.logged_contacts(&token, 5).await;
    let vkey = app.store.signer().verifier().vkey();
    let verifier = LogVerifier::from_vkey(&vkey).unwrap();

    // The receipt handed out when entry 2 was logged.
    let receipt = &logged[1]["receipt"];
    let leaf_index = receipt["leaf_index"].as_u64().unwrap();
    let leaf = Hash::from_hex(receipt["leaf_hash"].as_str().unwrap()).unwrap();
    let then = verifier
        .open_checkpoint(receipt["checkpoint"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        then.size,
        leaf_index + 1,
        "the checkpoint signed at its commit"
    );

    // Later, anyone fetches the latest checkpoint and proofs — no token needed.
    let r = app
        .http
        .get(format!("{}/api/v1/checkpoint", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let now = verifier.open_checkpoint(&r.text().await.unwrap()).unwrap();
    assert_eq!(now.size, 7);

    let (s, inc) = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/proof/inclusion?index={leaf_index}&size={}",
                now.size
            ),
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{inc}");
    assert_eq!(inc["leaf_hash"].as_str().unwrap(), leaf.to_hex());
    verify_inclusion(
        leaf_index,
        now.size,
        &leaf,
        &hashes(&inc["proof"]),
        &now.root,
    )
    .unwrap();

    let (s, con) = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/proof/consistency?from={}&size={}",
                then.size, now.size
            ),
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{con}");
    verify_consistency(
        then.size,
        now.size,
        &then.root,
        &now.root,
        &hashes(&con["proof"]),
    )
    .unwrap();

    // A proof for another leaf does not pass for this one.
    let (_, other) = app
        .api(
            Method::GET,
            &format!("/api/v1/proof/inclusion?index=0&size={}", now.size),
            None,
            None,
        )
        .await;
    assert!(verify_inclusion(
        leaf_index,
        now.size,
        &leaf,
        &hashes(&other["proof"]),
        &now.root
    )
    .is_err());

    for bad in ["index=7&size=7", "index=0&size=8", "index=0&size=0"] {
        let (s, _) = app
            .api(
                Method::GET,
                &format!("/api/v1/proof/inclusion?{bad}"),
                None,
                None,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let (s, _) = app
        .api(
            Method::GET,
            "/api/v1/proof/consistency?from=5&size=4",
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The receipt endpoint is the entry's: its owner gets it, another member gets 404.
    let entry = logged[1]["id"].as_str().unwrap();
    let (s, again) = app
        .api_get(&format!("/api/v1/entries/{entry}/receipt"), &token)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["leaf_hash"], receipt["leaf_hash"]);
    let other = app.clinician_with_token("ben@example.nhs.uk").await;
    assert_eq!(
        app.api_get(&format!("/api/v1/entries/{entry}/receipt"), &other)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_page_offers_the_receipt_and_the_ledger_page_is_for_auditors_and_admins(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let r = app
        .log_contact_page(
            &case,
            &[("channel", "phone_call"), ("what_happened", "Called twice")],
        )
        .await;
    let (_, page) = app.get_html(&location(&r)).await;
    assert!(
        page.contains("Contact 1 logged") && page.contains("entry 3 of 3"),
        "{page}"
    );
    let start = page.find("href=\"/entries/").unwrap() + "href=\"".len();
    let href = &page[start..page[start..].find('"').unwrap() + start];
    assert!(href.ends_with("/receipt"));
    let r = app.get(href).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("boundary-receipt-3.json"));
    let receipt: boundary_app::ledger::Receipt =
        serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert!(app.app.verify_log(None, Some(&receipt)).await.unwrap().ok());

    // Ada is admin as well as clinician: she sees the ledger, and the result of the
    // verification whoever runs the server starts with `boundary verify`.
    let (status, html) = app.get_html("/ledger").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&app.store.signer().verifier().vkey()));
    assert!(html.contains("Never run"));
    assert!(html.contains("boundary verify"));
    let o = verify_on_the_command_line(&app);
    assert!(o.status.success(), "{}", stderr(&o));
    let (_, html) = app.get_html("/ledger").await;
    // Three events, and the two looks at the case (its page, the receipt) the audit recorded.
    assert!(
        html.contains("Passed") && html.contains("ok: 5 events"),
        "{html}"
    );

    // A clinician who is not an admin or auditor does not.
    app.app
        .add_member(
            "Riverside Surgery",
            "ben@example.nhs.uk",
            "Dr Ben",
            "clinician",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    app.forget_cookies();
    app.sign_in("ben@example.nhs.uk", PASSWORD).await;
    assert_eq!(app.get("/ledger").await.status(), StatusCode::NOT_FOUND);
    // An auditor does.
    app.app
        .add_member(
            "Riverside Surgery",
            "cat@example.nhs.uk",
            "Cat",
            "auditor",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    app.forget_cookies();
    app.sign_in("cat@example.nhs.uk", PASSWORD).await;
    assert_eq!(app.get("/ledger").await.status(), StatusCode::OK);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_log_that_no_longer_matches_its_checkpoint_refuses_writes(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let (case, _) = app.logged_contacts(&token, 3).await;
    assert_eq!(app.app.check_ledger_at_start().await.unwrap(), None);

    // The root of the first four events is one of the hashes the latest root is built from.
    let idx = boundary_ledger::tree::stored_hash_index(2, 0);
    app.sql_with_blob(
        &format!("UPDATE tree_hashes SET hash = $1 WHERE idx = {idx}"),
        vec![7u8; 32],
    )
    .await;
    let why = app
        .app
        .check_ledger_at_start()
        .await
        .unwrap()
        .expect("refused");
    assert!(why.contains("does not match"), "{why}");

    let (s, b) = app
        .api_post(
            &format!("/api/v1/cases/{case}/entries"),
            &token,
            json!({"channel": "email", "what_happened": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_eq!(app.store.event_count().await.unwrap(), 5);
    // Reading still works, and the ledger page says why nothing is recorded.
    assert_eq!(
        app.api_get(&format!("/api/v1/cases/{case}/entries"), &token)
            .await
            .0,
        StatusCode::OK
    );
    let (_, html) = app.get_html("/ledger").await;
    assert!(html.contains("Boundary is not recording"));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifying_while_others_append_raises_no_false_alarm(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    let (case, _) = app.logged_contacts(&token, 2).await;
    let writer = {
        let (http, base, token, case) = (
            app.http.clone(),
            app.base.clone(),
            token.clone(),
            case.clone(),
        );
        tokio::spawn(async move {
            for i in 0..60 {
                let r = http
                    .post(format!("{base}/api/v1/cases/{case}/entries"))
                    .bearer_auth(&token)
                    .json(&json!({"channel": "email", "what_happened": format!("Concurrent {i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
            }
        })
    };
    let mut runs = 0;
    while !writer.is_finished() {
        let report = app.app.verify_log(None, None).await.unwrap();
        assert!(report.ok(), "{}", report.summary());
        assert_eq!(app.app.check_ledger_at_start().await.unwrap(), None);
        runs += 1;
    }
    writer.await.unwrap();
    assert!(runs > 1, "verification ran alongside the appends");
    let report = app.app.verify_log(None, None).await.unwrap();
    assert_eq!(report.events, 64);
}

/// `boundary verify` on the test server's data folder and database.
pub(crate) fn verify_on_the_command_line(app: &TestApp) -> std::process::Output {
    boundary(
        &[
            "verify",
            "--data",
            app.db.dir.path().to_str().unwrap(),
            "--database",
            app.db.url.expose(),
        ],
        None,
    )
}
