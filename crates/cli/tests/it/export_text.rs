//! What an exporter types that a bundle's reader will see: a reason for withholding is one
//! line of plain text, refused with a sentence a doctor understands — from the page, the
//! API and the command line alike — before anything is recorded (issue 18).

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_withholding_reason_with_control_characters_is_refused_everywhere() {
    let app = spawn_app_waiting_for_exports(Engine::Sqlite).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "email"),
                ("when", "now"),
                ("what_happened", "Wrote again"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let hiding = "names a neighbour\u{1b}[2K\rok: nothing withheld";
    let plain = "one line of plain text";
    let before = app.store.event_count().await.unwrap();

    // The page.
    let page = format!("/cases/{case}");
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/exports"),
            &[("format", "bundle"), ("reason", hiding)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(plain), "{html}");
    // One event: the case page's own view, loaded for the form; no export recorded.
    assert_eq!(app.store.event_count().await.unwrap(), before + 1);
    let before = before + 1;

    // The API, with a carriage return alone too, and Boundary's own wording for the period.
    let ada = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let owner = app.app.create_token(ada, None, None).await.unwrap().secret;
    // Control characters, and anything made to pass for Boundary's own wording: a
    // look-alike letter, an invisible one, a trailing stop, another case.
    for reason in [
        hiding,
        "fine\rnot fine",
        "Outside the period asked for",
        "outside the period asked for.",
        "outside the peri\u{043e}d asked for",
        "outside the period\u{200b} asked for",
        "outside   the period asked   for",
        "A record of who looked at the case in Boundary, with their address: left out unless asked for!",
    ] {
        let (s, b) = app
            .api_post(
                &format!("/api/v1/cases/{case}/exports"),
                &owner,
                json!({"format": "bundle", "reason": reason}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(b["errors"]["reason"].is_string(), "{b}");
    }

    // The command line: one sentence, exit 2, no file.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("case.zip");
    let o = boundary(
        &[
            "--data",
            app.db.dir.path().to_str().unwrap(),
            "export",
            "--case",
            &case,
            "--format",
            "bundle",
            "--out",
            file.to_str().unwrap(),
            "--reason",
            hiding,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(plain), "{}", stderr(&o));
    assert!(!file.exists());
    // Nothing stored: no export recorded in the case's history.
    assert_eq!(app.store.event_count().await.unwrap(), before);
}
