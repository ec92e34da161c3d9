//! The evidence pack read as an officer reads it: the cover says how the contacts went,
//! an entry written down long after it happened is marked so, the police reference is
//! filled from the reports made, and the PDF is dated when it was made.

use crate::helpers::spawn_app;
use boundary_store::Engine;
use reqwest::StatusCode;
use serde_json::json;
use std::process::Command;

#[tokio::test]
async fn the_pack_says_when_each_contact_was_written_down_and_which_report_covers_it() {
    let app = spawn_app(Engine::Sqlite).await;
    let owner = app.owner_token().await;
    let case = app.api_case(&owner, "Patient P").await;
    let today = app.app.uk_today();
    let long_ago = today - time::Duration::days(40);
    let yesterday = today - time::Duration::days(1);
    for (on, what) in [
        (long_ago.to_string(), "Followed me home from the surgery"),
        (today.to_string(), "Fourteen messages overnight"),
    ] {
        let (s, e) = app
            .api_post(
                &format!("/api/v1/cases/{case}/entries"),
                &owner,
                json!({"channel": "text_message", "occurred_on": on, "what_happened": what}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
    let (s, e) = app
        .api_post(
            &format!("/api/v1/cases/{case}/police-reports"),
            &owner,
            json!({"reported_on": yesterday.to_string(), "force": "Thames Valley Police",
                   "reference": "TVP-2026-4471", "summary": "Followed home"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");

    let r = app
        .http
        .post(format!("{}/api/v1/cases/{case}/exports", app.base))
        .bearer_auth(&owner)
        .json(&json!({"format": "pdf"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("pack.pdf");
    std::fs::write(&pdf, r.bytes().await.unwrap()).unwrap();
    let text = |args: &[&str]| {
        let o = Command::new(args[0])
            .args(&args[1..])
            .arg(pdf.to_str().unwrap())
            .args(if args[0] == "pdftotext" {
                vec!["-"]
            } else {
                vec![]
            })
            .output()
            .expect("poppler-utils");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let words = text(&["pdftotext"]);
    let flat = words.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!flat.contains("kept at the time"), "{flat}");
    assert!(
        flat.contains("1 of them was written down more than a day after it happened"),
        "{flat}"
    );
    assert!(flat.contains("(later)"), "{flat}");
    assert!(
        flat.contains("How they happened Text or WhatsApp message 2"),
        "{flat}"
    );
    assert!(flat.contains("How they went on"), "{flat}");
    // The contact before the report shows it, in the summary and in full, said as the
    // case's report rather than its own; the one after it shows none.
    assert_eq!(
        flat.matches("None of its own; the case was reported on")
            .count(),
        2,
        "{flat}"
    );
    assert!(flat.contains("TVP-2026-4471"));
    // The months run on to the pack's day, quiet ones included; the month still going is
    // not compared.
    let (mut year, mut month) = (long_ago.year(), long_ago.month());
    while (year, month) <= (today.year(), today.month()) {
        let name = format!("{} {year}", &month.to_string()[..3]);
        assert!(
            flat.contains(&format!("{name}: ")) || flat.contains(&format!("{name} so far: ")),
            "{name}: {flat}"
        );
        if month == time::Month::December {
            year += 1;
        }
        month = month.next();
    }
    assert!(
        flat.contains("Fourteen messages overnight — — — Written record —"),
        "{flat}"
    );
    assert!(flat.contains("docs/bundle-format.md"));
    // Entries are numbered within the case, as on the pages; the log's own numbers stay
    // with the hashes that prove them.
    assert!(flat.contains("Entry 1 — "), "{flat}");
    assert!(flat.contains("In the log event 3, leaf hash"), "{flat}");
    assert!(!flat.contains("Entry 3 —"), "{flat}");
    let info = text(&["pdfinfo"]);
    let year = today.year().to_string();
    assert!(
        info.lines()
            .any(|l| l.starts_with("CreationDate:") && l.contains(&year)),
        "{info}"
    );
}
