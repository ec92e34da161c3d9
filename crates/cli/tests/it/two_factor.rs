//! Two-factor sign-in, checked against an independent TOTP generator: `oathtool`.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

/// The code an authenticator app shows at `unix` seconds for this base-32 secret.
pub(crate) fn oathtool(secret: &str, unix: i64) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", "--now", &format!("@{unix}"), secret])
        .output()
        .expect("oathtool, the independent TOTP generator (apt-get install oathtool)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub(crate) fn now(app: &TestApp) -> i64 {
    boundary_app::Clock::now(app.clock.as_ref()).unix_micros() / 1_000_000
}

/// Starts enrolment on the page; returns the secret shown for typing in by hand.
async fn start_enrolment(app: &TestApp) -> String {
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/start",
            &[("password", "not the password at all")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "it asks for the password again"
    );
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/start",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let svg = &html[html.find("<svg").expect("a QR code")..html.find("</svg>").unwrap()];
    assert!(!svg.contains("style="), "no inline style, for the CSP");
    let start = html.find("id=\"totp-key\">").unwrap() + "id=\"totp-key\">".len();
    let end = start + html[start..].find('<').unwrap();
    html[start..end].replace(' ', "")
}

/// Sends the code on the enrolment form; returns the recovery codes shown.
pub(crate) async fn confirm(app: &TestApp, code: &str) -> (StatusCode, Vec<String>) {
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/confirm",
            &[("code", code)],
        )
        .await;
    let status = r.status();
    let html = r.text().await.unwrap();
    let codes = html
        .split("<li>")
        .skip(1)
        .map(|s| s[..s.find("</li>").unwrap()].to_owned())
        .filter(|s| s.len() == 11 && s.as_bytes()[5] == b'-')
        .collect();
    (status, codes)
}

/// Password, then code; returns the answer to the code.
async fn sign_in_with(app: &TestApp, code: &str) -> reqwest::Response {
    app.forget_cookies();
    let r = app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    assert_eq!(
        location(&r),
        "/sign-in/code",
        "the password alone is not enough"
    );
    assert_eq!(
        location(&app.get("/cases").await),
        "/sign-in?next=%2Fcases",
        "not signed in yet"
    );
    app.submit("/sign-in/code", "/sign-in/code", &[("code", code)])
        .await
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn codes_from_an_app_work_once_within_one_step_of_drift(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let secret = start_enrolment(&app).await;

    // A wrong code keeps enrolment waiting and shows the QR code again.
    let (status, _) = confirm(&app, &oathtool(&secret, now(&app) + 600)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, codes) = confirm(&app, &oathtool(&secret, now(&app))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes.len(), 10, "ten recovery codes");
    let (_, html) = app.get_html("/account/two-factor").await;
    assert!(html.contains("10 unused recovery codes"));
    assert!(!html.contains(&codes[0]), "shown once");
    let ada = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let user = app.store.member(ada).await.unwrap().user;
    let kept = app.store.unused_recovery_codes(user).await.unwrap();
    assert_eq!(kept.len(), 10);
    assert!(
        kept.iter().all(|h| h.starts_with("$argon2id$")),
        "too short for a plain hash: each is salted and slow"
    );

    // The code just used is refused: replay.
    let used = oathtool(&secret, now(&app));
    let r = sign_in_with(&app, &used).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("That code is not right"));

    app.clock.advance(30);
    let r = sign_in_with(&app, &oathtool(&secret, now(&app))).await;
    assert_eq!(location(&r), "/cases");
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK);

    // One step ahead (a phone clock running fast) is accepted...
    app.clock.advance(90);
    let r = sign_in_with(&app, &oathtool(&secret, now(&app) + 30)).await;
    assert_eq!(location(&r), "/cases");
    // ...and one step behind, if no newer code was used; two steps out is not, even
    // when newer than any code used.
    app.clock.advance(120);
    let r = sign_in_with(&app, &oathtool(&secret, now(&app) + 60)).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "two steps ahead"
    );
    let r = sign_in_with(&app, &oathtool(&secret, now(&app) - 60)).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "two steps behind"
    );
    let r = app
        .submit(
            "/sign-in/code",
            "/sign-in/code",
            &[("code", &oathtool(&secret, now(&app) - 30))],
        )
        .await;
    assert_eq!(location(&r), "/cases", "one step behind");

    // A recovery code works once, typed however.
    let r = sign_in_with(&app, &codes[3].to_uppercase().replace('-', " ")).await;
    assert_eq!(location(&r), "/cases");
    let r = sign_in_with(&app, &codes[3]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "used up");

    // The half-finished sign-in lasts five minutes.
    app.forget_cookies();
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    app.clock.advance(301);
    let r = app
        .submit(
            "/sign-in/code",
            "/sign-in/code",
            &[("code", &oathtool(&secret, now(&app)))],
        )
        .await;
    assert_eq!(location(&r), "/sign-in");

    // Guessing codes: five per half-finished sign-in, then even the right code is too
    // late; and wrong codes count against the account like wrong passwords.
    app.clock.advance(30);
    app.forget_cookies();
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    for _ in 0..5 {
        let r = app
            .submit("/sign-in/code", "/sign-in/code", &[("code", "12345")])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app
        .submit(
            "/sign-in/code",
            "/sign-in/code",
            &[("code", &oathtool(&secret, now(&app)))],
        )
        .await;
    assert_eq!(location(&r), "/sign-in", "void after five codes");
    // The wrong codes counted against the account too (with the reused recovery code
    // above, six in a row): signing in again has to wait.
    let r = app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(15 * 60);

    // Turning it off asks for a code; then the password alone signs in again.
    let r = sign_in_with(&app, &oathtool(&secret, now(&app))).await;
    assert_eq!(location(&r), "/cases");
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/off",
            &[("password", PASSWORD), ("code", "000000")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(30);
    let code = oathtool(&secret, now(&app));
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/off",
            &[("password", "wrong wrong wrong"), ("code", &code)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the password too"
    );
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/off",
            &[("password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.forget_cookies();
    let r = app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    assert_eq!(location(&r), "/cases");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_organisation_that_requires_it_sends_everyone_to_set_it_up(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.owner_token().await;
    let ada_session = app.session_cookie().unwrap();
    let bob_token = app.clinician_with_token("bob@example.nhs.uk").await;

    let (status, body) = app.api_get("/api/v1/organisation", &admin).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"totp_required": false}))
    );
    let (status, _) = app
        .api(
            Method::PUT,
            "/api/v1/organisation",
            Some(&bob_token),
            Some(json!({"totp_required": true})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "admins only");
    let r = app
        .submit(
            "/admin/members",
            "/admin/two-factor",
            &[("required", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Until they set it up, pages send them to do so and tokens are refused.
    for token in [&admin, &bob_token] {
        let (status, body) = app.api_get("/api/v1/cases", token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    app.forget_cookies();
    app.sign_in("bob@example.nhs.uk", PASSWORD).await;
    assert_eq!(location(&app.get("/cases").await), "/account/two-factor");
    assert_eq!(
        location(&app.get("/account/tokens").await),
        "/account/two-factor"
    );
    let (status, html) = app.get_html("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<bdi>Riverside Surgery</bdi> requires two-factor sign-in"));

    let secret = start_enrolment(&app).await;
    let (status, codes) = confirm(&app, &oathtool(&secret, now(&app))).await;
    assert_eq!((status, codes.len()), (StatusCode::OK, 10));
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK);
    // The token he made with his password alone ended when he turned it on.
    let (status, _) = app.api_get("/api/v1/cases", &bob_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Required means it cannot be turned off.
    app.clock.advance(30);
    let r = app
        .submit(
            "/account/two-factor",
            "/account/two-factor/off",
            &[
                ("password", PASSWORD),
                ("code", &oathtool(&secret, now(&app))),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The admin is held to it too, and may make it optional again once set up.
    app.set_session_cookie(&ada_session);
    assert_eq!(
        location(&app.get("/admin/members").await),
        "/account/two-factor"
    );
}
