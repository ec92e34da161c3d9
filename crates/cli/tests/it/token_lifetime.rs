//! API tokens do not outlive what should end them (issue 18, finding 6): a new token
//! expires (90 days unless its maker chooses), and changing the password, signing out
//! other devices and turning on two-factor sign-in each end every token of the person's.

use crate::helpers::*;
use crate::two_factor::{confirm, now, oathtool};
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;

/// Makes a token on the page, leaving its lifetime to the default; returns its secret.
async fn token_from_page(app: &TestApp, label: &str) -> String {
    let r = app
        .submit("/account/tokens", "/account/tokens", &[("label", label)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let start = html.find("value=\"bnd_").unwrap() + "value=\"".len();
    html[start..start + 68].to_owned()
}

async fn works(app: &TestApp, token: &str) -> bool {
    app.api_get("/api/v1/cases", token).await.0 == StatusCode::OK
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn tokens_expire_by_default_and_end_with_the_password_and_the_devices(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;

    // No lifetime chosen: ninety days, shown on the page and in the API.
    let token = token_from_page(&app, "script").await;
    let (_, html) = app.get_html("/account/tokens").await;
    assert!(html.contains("Leave empty for 90 days"), "{html}");
    let (_, listed) = app.api_get("/api/v1/tokens", &token).await;
    assert!(listed[0]["expires_at"].is_string(), "{listed}");
    app.clock.advance(89 * 86_400);
    assert!(works(&app, &token).await, "day 89");
    app.clock.advance(86_400 + 1);
    assert!(!works(&app, &token).await, "past day 90");

    // Changing the password ends every token, in every organisation.
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let token = token_from_page(&app, "before the new password").await;
    assert!(works(&app, &token).await);
    let (_, page) = app.get_html("/account/password").await;
    assert!(page.contains("ends your API tokens"));
    let r = app
        .submit(
            "/account/password",
            "/account/password",
            &[("current", PASSWORD), ("new", "a brand new long password")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!works(&app, &token).await, "ended with the password change");

    // "Every other device" ends tokens too; signing out one device does not.
    let token = token_from_page(&app, "before signing out elsewhere").await;
    let here = app.session_cookie().unwrap();
    app.forget_cookies();
    app.sign_in("ada@example.nhs.uk", "a brand new long password")
        .await;
    let elsewhere = app.session_cookie().unwrap();
    app.set_session_cookie(&here);
    let (_, page) = app.get_html("/account/sessions").await;
    assert!(page.contains("Every other device, and my API tokens"));
    app.submit(
        "/account/sessions",
        "/account/sessions/end",
        &[
            ("which", "others"),
            ("password", "a brand new long password"),
        ],
    )
    .await;
    assert!(!works(&app, &token).await, "ended with the other devices");
    app.set_session_cookie(&elsewhere);
    assert_eq!(location(&app.get("/cases").await), "/sign-in?next=%2Fcases");
    app.set_session_cookie(&here);

    // Turning on two-factor sign-in ends the tokens made with the password alone.
    let token = token_from_page(&app, "before two-factor").await;
    assert!(works(&app, &token).await);
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/start",
            &[("password", "a brand new long password")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("ends your API tokens"));
    let start = html.find("id=\"totp-key\">").unwrap() + "id=\"totp-key\">".len();
    let secret = html[start..start + html[start..].find('<').unwrap()].replace(' ', "");
    let (status, codes) = confirm(&app, &oathtool(&secret, now(&app))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes.len(), 10);
    assert!(
        !works(&app, &token).await,
        "ended with two-factor turned on"
    );
}

/// What a leaked admin token cannot do: let a removed person back in, make an admin, or
/// make two-factor sign-in optional. Taking access away still works by token.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_admin_token_cannot_widen_who_gets_in(#[case] engine: Engine) {
    use reqwest::Method;
    use serde_json::json;
    let app = spawn_app(engine).await;
    let admin = app.owner_token().await;
    app.clinician_with_token("bob@example.nhs.uk").await;
    let bob = app.app.member_by_email("bob@example.nhs.uk").await.unwrap();
    let patch = |body: serde_json::Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.api(
                Method::PATCH,
                &format!("/api/v1/members/{bob}"),
                Some(&admin),
                Some(body),
            )
            .await
        }
    };
    let (s, b) = patch(json!({"roles": ["clinician", "admin"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(
        b["detail"].as_str().unwrap().contains("/admin/members"),
        "{b}"
    );
    let (s, _) = patch(json!({"roles": ["manager"]})).await;
    assert_eq!(s, StatusCode::OK, "other roles may change");
    let (s, _) = patch(json!({"active": false})).await;
    assert_eq!(s, StatusCode::OK, "a leaver is removed by script");
    let (s, b) = patch(json!({"active": true})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(!app.store.member(bob).await.unwrap().active);

    let (s, _) = app
        .api(
            Method::PUT,
            "/api/v1/organisation",
            Some(&admin),
            Some(json!({"totp_required": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "requiring it is allowed");
    // Ada's token is refused until she sets two-factor up; on the page she makes it
    // optional again, which a token could not.
    let (s, _) = app
        .api(
            Method::PUT,
            "/api/v1/organisation",
            Some(&admin),
            Some(json!({"totp_required": false})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// A token made before tokens always expired ends 90 days after it was made.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_token_without_an_expiry_is_given_one(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let token = app.owner_token().await;
    app.sql("UPDATE api_tokens SET expires_at = NULL").await;
    assert!(works(&app, &token).await, "as an old token was");
    // What the migration does to one such token.
    let migration = include_str!("../../../store/migrations/sqlite/0015_token_expiry.sql");
    let statement = migration
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    app.sql(&statement).await;
    app.clock.advance(90 * 86_400 + 1);
    assert!(!works(&app, &token).await, "over 90 days after it was made");
}
