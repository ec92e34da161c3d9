//! Text a patient or a doctor typed cannot turn the page around it: a right-to-left
//! override (U+202E) in a case label or a message is isolated wherever a page shows it,
//! and written out as `[U+202E]` in the evidence pack, where a reader should see it.

use crate::helpers::{location, spawn_app_waiting_for_exports};
use boundary_store::Engine;
use reqwest::StatusCode;
use std::process::Command;

const LABEL: &str = "Patient \u{202E}A gnorw";
const MESSAGE: &str = "Meet me at \u{202E}gpj.exe\u{202C} tonight";

#[tokio::test]
async fn overrides_are_isolated_on_the_pages_and_shown_in_the_pack() {
    let app = spawn_app_waiting_for_exports(Engine::Sqlite).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page(LABEL).await;
    let r = app
        .log_contact_page(
            &case,
            &[("channel", "text_message"), ("what_happened", MESSAGE)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let entry = location(&r).split("logged=").nth(1).unwrap().to_owned();

    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    // Markup cannot go in a title: the label sits inside U+2068 … U+2069 there.
    assert!(
        page.contains(&format!(
            "<title>\u{2068}{LABEL}\u{2069} – Boundary</title>"
        )),
        "{page}"
    );
    assert!(page.contains(&format!("<h1><bdi>{LABEL}</bdi></h1>")));
    assert!(page.contains("<p dir=\"auto\" class=\"boundary-quote"));
    let (_, list) = app.get_html("/cases").await;
    assert!(list.contains(&format!("<bdi>{LABEL}</bdi></a>")), "{list}");
    let (_, entry_page) = app.get_html(&format!("/entries/{entry}")).await;
    assert!(entry_page.contains(&format!("<bdi>{LABEL}</bdi>")));
    assert!(
        entry_page.contains(&format!("boundary-quote\">{MESSAGE}</dd>")),
        "{entry_page}"
    );

    let r = app
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/exports"),
            &[("format", "pdf")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("pack.pdf");
    std::fs::write(&pdf, r.bytes().await.unwrap()).unwrap();
    let o = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Patient [U+202E]A gnorw"), "{text}");
    assert!(
        text.contains("Meet me at [U+202E]gpj.exe[U+202C] tonight"),
        "{text}"
    );
    assert!(
        !text.contains('\u{202E}'),
        "no override survives into the pack"
    );
}
