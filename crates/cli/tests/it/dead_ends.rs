//! No dead ends: an error page seen by someone signed in keeps the header, Quick exit and
//! a way back to where they were, and after a refused form says what became of what
//! they typed.

use crate::helpers::spawn_app;
use boundary_store::Engine;
use reqwest::StatusCode;

#[tokio::test]
async fn an_error_page_keeps_the_frame_quick_exit_and_the_way_back() {
    let app = spawn_app(Engine::Sqlite).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;

    let (status, html) = app
        .get_html("/cases/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"), "{html}");
    assert!(
        html.contains("data-quick-exit"),
        "Quick exit is there: {html}"
    );
    assert!(
        html.contains("<bdi>Dr Ada Patel</bdi>"),
        "the header says who is signed in"
    );
    assert!(html.contains("href=\"/cases\">Go to your cases"));

    // A form whose token has expired: refused, nothing saved, and the way back named.
    let form_page = format!("/cases/{case}/log");
    let r = app
        .post_form_from(
            &format!("/cases/{case}/entries"),
            &form_page,
            &[
                ("csrf", "stale"),
                ("channel", "phone_call"),
                ("when", "now"),
                ("what_happened", "Rang the surgery"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("content-security-policy").is_some());
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Nothing was saved. Go back to the page you were on and send it again"),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<a href=\"{form_page}\">Back to the page you were on</a>"
    )));
    assert!(html.contains("data-quick-exit"));
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(!page.contains("Rang the surgery"));

    // Signed out, the same page is plain: it shows no one's name.
    app.forget_cookies();
    let (status, html) = app.get_html("/setup/not-a-link").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        !html.contains("Dr Ada Patel") && !html.contains("data-quick-exit"),
        "{html}"
    );
}
