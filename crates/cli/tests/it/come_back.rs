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
                // A browser sends the empty time fields of the choices not taken, too.
                ("occurred_time", ""),
                ("occurred_at", ""),
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

    // Without a script nothing in the browser kept what was typed: the server held it.
    let (s, html) = app.get_html(&form_page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("You had been signed out, so this was not logged."),
        "{html}"
    );
    assert!(html.contains(">Rang the surgery</textarea>"), "{html}");
    assert!(
        html.contains("value=\"phone_call\" checked"),
        "how it happened is back too"
    );
    assert!(
        !html.contains("value=\"now\" checked"),
        "\"just now\" is no longer now: it comes back as when it was sent"
    );
    // "Earlier today" at the time it was sent, or that date and time once the day has turned.
    assert!(
        !(html.contains("name=\"occurred_time\" type=\"time\" value=\"\"")
            && html.contains("name=\"occurred_at\" type=\"datetime-local\" value=\"\"")),
        "the time it was sent is filled in: {html}"
    );
    let (_, again) = app.get_html(&form_page).await;
    assert!(
        !again.contains("Rang the surgery"),
        "a held draft comes back once"
    );
    let (_, case_page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(
        !case_page.contains("Rang the surgery"),
        "nothing was logged while signed out"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[tokio::test]
async fn a_held_draft_is_forgotten_on_sign_out_and_never_crosses_to_another_case(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let other = app.open_case_page("Patient B").await;
    let form_page = format!("/cases/{case}/log");
    let (_, html) = app.get_html(&form_page).await;
    let csrf = csrf_in(&html);
    let send_expired = || async {
        app.clock.advance(31 * 60);
        let r = app
            .post_form_from(
                &format!("/cases/{case}/entries"),
                &form_page,
                &[
                    ("csrf", csrf.as_str()),
                    ("when", "now"),
                    ("what_happened", "Left a card at reception"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    };

    send_expired().await;
    let (_, html) = app.get_html(&format!("/cases/{other}/log")).await;
    assert!(!html.contains("Left a card"), "not on another case's form");
    let (_, html) = app.get_html(&form_page).await;
    assert!(html.contains("Left a card"), "still held for its own case");

    send_expired().await;
    let (_, html) = app.get_html("/cases").await;
    let r = app
        .post_form_from("/sign-out", "/cases", &[("csrf", csrf_in(&html).as_str())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let (_, html) = app.get_html(&form_page).await;
    assert!(!html.contains("Left a card"), "signing out forgets it");
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

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[tokio::test]
async fn a_held_draft_goes_back_only_to_whoever_wrote_it(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    // A colleague who may log on the case too, signing in on the same clinic computer.
    let ada = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let token = app.app.create_token(ada, None, None).await.unwrap().secret;
    app.app
        .add_member(
            "Riverside Surgery",
            "bob@example.nhs.uk",
            "Dr Bob",
            "clinician",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    let (s, b) = app
        .api_post(
            &format!("/api/v1/cases/{case}/shares"),
            &token,
            serde_json::json!({"email": "bob@example.nhs.uk", "access": "contribute"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    let form_page = format!("/cases/{case}/log");
    let (_, html) = app.get_html(&form_page).await;
    app.clock.advance(31 * 60);
    let r = app
        .post_form_from(
            &format!("/cases/{case}/entries"),
            &form_page,
            &[
                ("csrf", csrf_in(&html).as_str()),
                ("when", "now"),
                ("what_happened", "Asked the receptionist for my address"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    app.sign_in("bob@example.nhs.uk", PASSWORD).await;
    let (s, html) = app.get_html(&form_page).await;
    assert_eq!(s, StatusCode::OK, "Bob may log here");
    assert!(!html.contains("receptionist"), "not Bob's to see: {html}");

    // Ada signs in again on the same computer (her sign-in replaces Bob's session).
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let (_, html) = app.get_html(&form_page).await;
    assert!(
        html.contains("receptionist"),
        "Ada's own, back for her: {html}"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[tokio::test]
async fn a_post_without_any_session_holds_nothing(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    // A browser that never signed in: nobody's session ended, so nothing is read or kept.
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = stranger
        .post(format!("{}/cases/{case}/entries", app.base))
        .header(REFERER, format!("{}/cases/{case}/log", app.base))
        .form(&[("what_happened", "Planted text"), ("when", "now")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("boundary_draft")),
        "no draft ticket"
    );
}
