//! A sign-in lasts 12 hours from when it happened, whatever happens to the session since:
//! switching organisation or changing the password gives a new session id, not a new
//! 12 hours (issue 18, finding 9, and the same kind found in review).

use crate::helpers::*;
use crate::invitations::{invite, two_practices};
use crate::people::member_in;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;

/// Switching organisation gives a new session id but keeps the sign-in's time: the
/// 12-hour limit cannot be renewed by switching back and forth (issue 18, finding 9).
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn switching_organisation_does_not_renew_the_sign_in(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, _, _, hal_session) = two_practices(&app).await;
    let (_, link) = invite(
        &app,
        &hal_session,
        "ada@example.nhs.uk",
        "Dr Ada Patel",
        "clinician",
    )
    .await;
    app.forget_cookies();
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    app.submit(&link, &format!("{link}/accept"), &[]).await;
    let riverside = member_in(&app, "ada@example.nhs.uk", "Riverside Surgery").await;
    let hillside = member_in(&app, "ada@example.nhs.uk", "Hillside Surgery").await;
    // Eleven and a half hours of use, switching every twenty minutes, is allowed.
    for step in 0..34 {
        app.clock.advance(20 * 60);
        let to = if step % 2 == 0 { riverside } else { hillside };
        let r = app
            .submit(
                "/account",
                "/account/organisation",
                &[("member", &to.to_string())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "step {step}");
        assert_eq!(location(&r), "/cases", "step {step}");
    }
    // Past twelve hours from signing in, the session is over however recently it switched
    // (and however recently it was used: never idle for half an hour).
    app.clock.advance(20 * 60);
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK, "11h40m");
    app.clock.advance(21 * 60);
    assert_eq!(
        location(&app.get("/cases").await),
        "/sign-in?next=%2Fcases",
        "12h01m"
    );
}

/// Changing the password gives a new session id but not a new 12 hours: whoever holds a
/// stolen session and the password cannot keep it alive without signing in again.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn changing_the_password_does_not_renew_the_sign_in(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let mut password = PASSWORD.to_owned();
    for step in 0..35 {
        app.clock.advance(20 * 60);
        let new = format!("a fresh long passphrase number {step}");
        let r = app
            .submit(
                "/account/password",
                "/account/password",
                &[("current", &password), ("new", &new)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "step {step}");
        password = new;
    }
    // 11h40m after signing in, in use all along; then past 12 hours.
    app.clock.advance(21 * 60);
    assert_eq!(
        location(&app.get("/cases").await),
        "/sign-in?next=%2Fcases",
        "12h01m"
    );
}
