//! A session that ends while someone is writing sends them to sign in and then back to
//! the page they were on, never to another site.

use crate::helpers::{csrf_in, location, spawn_app, PASSWORD};
use boundary_store::Engine;
use reqwest::header::REFERER;
use reqwest::StatusCode;
use rstest::rstest;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_form_sent_after_the_session_ended_comes_back_to_its_page(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let form_page = format!("/cases/{case}/log");
    let (_, html) = app.get_html(&form_page).await;
    let csrf = csrf_in(&html);
    app.clock.advance(31 * 60);

    // The browser sends the form with the page it came from, as Referrer-Policy allows.
    let r = app
        .post_form_from(
            &format!("/cases/{case}/entries"),
            &form_page,
            &[
                ("csrf", csrf.as_str()),
                ("channel", "phone_call"),
                ("when", "now"),
                ("what_happened", "Rang the surgery"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert_eq!(to, format!("/sign-in?next=%2Fcases%2F{case}%2Flog"));
    let (_, html) = app.get_html(&to).await;
    assert!(html.contains("Your session ended. Sign in again to carry on where you were."));
    assert!(
        html.contains(&format!("name=\"next\" value=\"/cases/{case}/log\"")),
        "{html}"
    );
    let r = app
        .submit(
            &to,
            "/sign-in",
            &[
                ("email", "ada@example.nhs.uk"),
                ("password", PASSWORD),
                ("next", &form_page),
            ],
        )
        .await;
    assert_eq!(location(&r), form_page, "back to the form");
    assert_eq!(app.get(&form_page).await.status(), StatusCode::OK);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[tokio::test]
async fn signing_in_never_sends_anyone_to_another_site(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    app.forget_cookies();
    for next in [
        "//evil.example/cases",
        "/\\evil.example",
        "https://evil.example/",
        "/cases\r\nSet-Cookie: x=1",
        "cases",
    ] {
        let r = app
            .submit(
                "/sign-in",
                "/sign-in",
                &[
                    ("email", "ada@example.nhs.uk"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&r), "/cases", "{next:?}");
        app.forget_cookies();
    }
    // Nor does a form posted from elsewhere name a page to come back to.
    let r = app
        .http
        .post(format!("{}/cases", app.base))
        .header(REFERER, "https://evil.example/cases")
        .form(&[("label", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/sign-in");
}
