//! Set-up, signing in and out, sessions and CSRF.

use crate::helpers::{location, spawn_app, PASSWORD};
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_setup_link_creates_the_first_account_once(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let stale = app.app.setup_link_if_empty().await.unwrap().unwrap();
    let link = app.app.setup_link_if_empty().await.unwrap().unwrap();
    assert_eq!(
        app.get(&format!("/setup/{stale}")).await.status(),
        StatusCode::NOT_FOUND,
        "only the newest link works"
    );
    let (status, html) = app.get_html(&format!("/setup/{link}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Set up Boundary"));

    let r = app
        .submit(
            &format!("/setup/{link}"),
            &format!("/setup/{link}"),
            &[
                ("org_name", "Riverside Surgery"),
                ("name", "Dr Ada Patel"),
                ("email", "Ada@Example.NHS.uk"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/cases");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("boundary_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    // Signed in straight away, as a clinician who is also the organisation's admin.
    let (status, html) = app.get_html("/cases").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("My cases")
            && html.contains("Dr Ada Patel")
            && html.contains("Riverside Surgery")
    );
    let member = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let m = app.store.member(member).await.unwrap();
    assert_eq!(m.roles.to_string(), "clinician,admin");

    // The link is spent.
    app.forget_cookies();
    let (status, _) = app.get_html(&format!("/setup/{link}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // And no second set-up link is offered once an organisation exists.
    assert!(app.app.setup_link_if_empty().await.unwrap().is_none());
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_setup_link_expires(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let link = app.app.setup_link_if_empty().await.unwrap().unwrap();
    app.clock.advance(24 * 3600 + 1);
    let (status, _) = app.get_html(&format!("/setup/{link}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_refused_setup_keeps_what_was_typed_and_the_link(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let link = app.app.setup_link_if_empty().await.unwrap().unwrap();
    let r = app
        .submit(
            &format!("/setup/{link}"),
            &format!("/setup/{link}"),
            &[
                ("org_name", "Riverside Surgery"),
                ("name", ""),
                ("email", "not-an-address"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(html.contains("Enter your name"));
    assert!(html.contains("right format"));
    assert!(html.contains("at least 12 characters"));
    assert!(
        html.contains("value=\"Riverside Surgery\""),
        "typed value kept"
    );
    assert!(html.contains("value=\"not-an-address\""));
    assert!(app.store.is_empty().await.unwrap(), "nothing stored");
    assert_eq!(
        app.get_html(&format!("/setup/{link}")).await.0,
        StatusCode::OK,
        "link still usable"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn sign_in_rotates_the_session_and_sign_out_ends_it(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let first = app.session_cookie().unwrap();

    // Wrong password and unknown address get the same answer.
    app.forget_cookies();
    let wrong = app
        .sign_in("ada@example.nhs.uk", "not the password at all")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = wrong.text().await.unwrap();
    let unknown = app
        .sign_in("nobody@example.nhs.uk", "not the password at all")
        .await
        .text()
        .await
        .unwrap();
    let msg = "The e-mail address or password is not right";
    assert!(wrong.contains(msg) && unknown.contains(msg));
    assert!(
        !wrong.contains("not the password at all"),
        "a password is never echoed back"
    );

    // A session id planted before sign-in is replaced, and the old one is dead.
    app.set_session_cookie(&first);
    let r = app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second = app.session_cookie().unwrap();
    assert_ne!(first, second);
    app.set_session_cookie(&first);
    assert_eq!(location(&app.get("/cases").await), "/sign-in?next=%2Fcases");
    app.set_session_cookie(&second);
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK);

    // Signing out is a POST with the form token; afterwards the cookie opens nothing.
    assert_eq!(
        app.get("/sign-out").await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    let r = app.submit("/cases", "/sign-out", &[]).await;
    assert_eq!(location(&r), "/sign-in?signed_out=1");
    assert!(r.headers()["clear-site-data"]
        .to_str()
        .unwrap()
        .contains("cache"));
    let (_, html) = app.get_html("/sign-in?signed_out=1").await;
    assert!(html.contains("You have signed out."));
    app.set_session_cookie(&second);
    assert_eq!(location(&app.get("/cases").await), "/sign-in?next=%2Fcases");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_idle_session_ends_and_a_busy_one_ends_after_twelve_hours(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    app.clock.advance(29 * 60);
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK);
    app.clock.advance(31 * 60);
    assert_eq!(location(&app.get("/cases").await), "/sign-in?next=%2Fcases");

    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    for _ in 0..(12 * 3) {
        assert_eq!(app.get("/cases").await.status(), StatusCode::OK);
        app.clock.advance(20 * 60);
    }
    app.clock.advance(60);
    assert_eq!(
        location(&app.get("/cases").await),
        "/sign-in?next=%2Fcases",
        "twelve hours after sign-in, however busy"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn forms_without_the_token_or_from_elsewhere_change_nothing(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;

    let r = app.post_form("/cases", &[("label", "No token")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("did not come from Boundary"));

    let r = app
        .post_form(
            "/cases",
            &[("label", "Wrong token"), ("csrf", &"0".repeat(64))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The right token, but posted from another site.
    let (_, html) = app.get_html("/cases/new").await;
    let csrf = crate::helpers::csrf_in(&html);
    // A post of the form with the session and token, and the headers a browser chose.
    let post_case = |label: &'static str, headers: &'static [(&'static str, &'static str)]| {
        let mut req = app
            .http
            .post(format!("{}/cases", app.base))
            .header(
                "cookie",
                format!("boundary_session={}", app.session_cookie().unwrap()),
            )
            .form(&[("label", label), ("csrf", csrf.as_str())]);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    let r = post_case("Cross origin", &[("origin", "https://evil.example")])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // What browsers send: from another site, a sandboxed frame or a sibling site, refused;
    // from the page itself — `Origin: null` under a strict referrer policy — accepted.
    for headers in [
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ][..],
        &[("sec-fetch-site", "cross-site"), ("origin", "null")],
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://other.localhost"),
        ],
    ] {
        let r = post_case("Cross origin", headers).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    let r = post_case("Null origin, no Sec-Fetch-Site", &[("origin", "null")])
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an old browser's null is refused"
    );

    let (_, html) = app.get_html("/cases").await;
    assert!(html.contains("You have no cases yet"));
    let r = post_case(
        "Patient From The Page",
        &[("origin", "null"), ("sec-fetch-site", "same-origin")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the page's own form");
    // Sign-in also needs its own token.
    app.forget_cookies();
    let r = app
        .post_form(
            "/sign-in",
            &[("email", "ada@example.nhs.uk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.session_cookie().is_none());
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn behind_https_cookies_are_host_only_and_secure(#[case] engine: Engine) {
    let app = crate::helpers::spawn_app_at(engine, Some("https://boundary.example.nhs.uk")).await;
    let link = app.app.setup_link_if_empty().await.unwrap().unwrap();
    let r = app.get(&format!("/setup/{link}")).await;
    let form_cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        form_cookie.starts_with("__Host-boundary_form=") && form_cookie.contains("; Secure"),
        "{form_cookie}"
    );
    assert!(r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let csrf = crate::helpers::csrf_in(&r.text().await.unwrap());
    let r = app
        .post_form(
            &format!("/setup/{link}"),
            &[
                ("org_name", "Riverside Surgery"),
                ("name", "Dr Ada"),
                ("email", "ada@example.nhs.uk"),
                ("password", PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-boundary_session="))
        .unwrap();
    assert!(
        session.contains("; Secure")
            && session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
            && session.contains("Path=/")
    );
    assert!(!session.contains("Domain="), "host-only");
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn pages_carry_security_headers_and_assets_are_cached(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let r = app.get("/sign-in").await;
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");

    let r = app.get("/assets/nhsuk-frontend-10.6.1.min.css").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/css");
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(r.text().await.unwrap().contains(".nhsuk-header"));
    assert_eq!(
        app.get("/assets/../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );

    let (status, body) = app.get_html("/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn quick_exit_is_on_every_signed_in_page_and_leaves_signed_out(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    for page in [
        "/cases".to_owned(),
        "/cases/new".to_owned(),
        format!("/cases/{case}"),
        format!("/cases/{case}/log"),
        "/ledger".to_owned(),
    ] {
        let (_, html) = app.get_html(&page).await;
        assert!(
            html.contains("action=\"/quick-exit\"") && html.contains("Shift three times"),
            "{page}"
        );
    }
    let (_, sign_in_page) = app.get_html("/sign-in").await;
    assert!(
        !sign_in_page.contains("/quick-exit"),
        "nothing to exit from before signing in"
    );

    let session = app.session_cookie().unwrap();
    let r = app.submit("/cases", "/quick-exit", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["clear-site-data"],
        "\"cache\", \"cookies\", \"storage\"",
        "the browser forgets what it kept"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("http-equiv=\"refresh\" content=\"0;url=https://www.bbc.co.uk/weather\""),
        "{html}"
    );
    assert!(
        !html.contains("Patient A") && !html.contains("Boundary"),
        "the page it shows gives nothing away"
    );
    app.set_session_cookie(&session);
    assert_eq!(
        location(&app.get("/cases").await),
        "/sign-in?next=%2Fcases",
        "signed out"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn repeated_failures_bring_growing_waits_per_account_and_per_address(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    app.forget_cookies();
    for _ in 0..5 {
        assert_eq!(
            app.sign_in("ada@example.nhs.uk", "wrong wrong wrong")
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    // The sixth wrong try starts a wait; during it even the right password is turned away.
    app.sign_in("ada@example.nhs.uk", "wrong wrong wrong").await;
    let r = app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Too many attempts to sign in. Try again in 1 second."));
    app.clock.advance(2);
    assert_eq!(
        app.sign_in("ada@example.nhs.uk", PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "the wait is over"
    );

    // Guessing across many accounts from one address is slowed too, and a made-up
    // X-Forwarded-For does not help: no proxy is trusted here.
    // This address has failed 6 times already; 25 more makes 31, past the 30 it is allowed.
    app.forget_cookies();
    for i in 0..25 {
        let (_, html) = app.get_html("/sign-in").await;
        let csrf = crate::helpers::csrf_in(&html);
        let r = app
            .http
            .post(format!("{}/sign-in", app.base))
            .header("cookie", format!("boundary_form={csrf}"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .form(&[
                ("email", format!("nobody{i}@example.nhs.uk").as_str()),
                ("password", "wrong wrong wrong"),
                ("csrf", csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    assert_eq!(
        app.sign_in("ada@example.nhs.uk", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "this address waits"
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn changing_the_password_asks_for_the_current_one_and_ends_every_other_session(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let this_device = app.session_cookie().unwrap();
    // Ada is also signed in on another device.
    app.forget_cookies();
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let other_device = app.session_cookie().unwrap();
    app.set_session_cookie(&this_device);

    let r = app
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current", "not my password"),
                ("new", "a brand new long password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("not your current password"));
    let r = app
        .submit(
            "/account/password",
            "/account/password",
            &[("current", PASSWORD), ("new", "short")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Long enough, but on the shipped list of breached passwords, or one of them padded.
    for common in ["qwertyuiop123", "P@ssw0rd2024!", "ada@example.nhs.uk1"] {
        let r = app
            .submit(
                "/account/password",
                "/account/password",
                &[("current", PASSWORD), ("new", common)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{common}");
        assert!(
            r.text().await.unwrap().contains("guess first"),
            "{common} is refused as guessable"
        );
    }

    let r = app
        .submit(
            "/account/password",
            "/account/password",
            &[("current", PASSWORD), ("new", "a brand new long password")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/cases").await.status(),
        StatusCode::OK,
        "still signed in here, with a new session"
    );
    for old in [&this_device, &other_device] {
        app.set_session_cookie(old);
        assert_eq!(
            location(&app.get("/cases").await),
            "/sign-in?next=%2Fcases",
            "the old sessions are over"
        );
    }
    app.forget_cookies();
    assert_eq!(
        app.sign_in("ada@example.nhs.uk", PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.sign_in("ada@example.nhs.uk", "a brand new long password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_person_sees_where_they_are_signed_in_and_signs_out_one_or_all(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let mut devices = Vec::new();
    for agent in ["Phone browser", "Clinic PC browser"] {
        app.forget_cookies();
        let (_, html) = app.get_html("/sign-in").await;
        let csrf = crate::helpers::csrf_in(&html);
        let form = app
            .cookies
            .lock()
            .unwrap()
            .get("boundary_form")
            .cloned()
            .unwrap();
        let r = app
            .http
            .post(format!("{}/sign-in", app.base))
            .header("cookie", format!("boundary_form={form}"))
            .header("user-agent", agent)
            .form(&[
                ("email", "ada@example.nhs.uk"),
                ("password", PASSWORD),
                ("csrf", csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("boundary_session="))
            .unwrap();
        devices.push(
            cookie
                .trim_start_matches("boundary_session=")
                .split(';')
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    let (phone, clinic) = (&devices[0], &devices[1]);
    app.set_session_cookie(phone);
    let (_, html) = app.get_html("/account/sessions").await;
    assert!(
        html.contains("Phone browser")
            && html.contains("Clinic PC browser")
            && html.contains("This device")
    );

    // Sign out the clinic PC from the phone: it takes her password.
    let label = html.find("Clinic PC browser, last used").unwrap();
    let start = html[..label].rfind("value=\"").unwrap() + "value=\"".len();
    let handle = html[start..start + 16].to_owned();
    assert_ne!(handle, "others");
    let end = |which: String, password: &'static str| {
        let app = &app;
        async move {
            app.submit(
                "/account/sessions",
                "/account/sessions/end",
                &[("which", which.as_str()), ("password", password)],
            )
            .await
        }
    };
    let r = end(handle.clone(), "not the password at all").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("not your current password"));
    let r = end(handle.clone(), PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.set_session_cookie(clinic);
    assert_eq!(
        location(&app.get("/cases").await),
        "/sign-in?next=%2Fcases",
        "the clinic PC is signed out"
    );
    app.set_session_cookie(phone);
    assert_eq!(
        app.get("/cases").await.status(),
        StatusCode::OK,
        "the phone is not"
    );
    let r = end("0123456789abcdef".into(), PASSWORD).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not one of hers");
    let r = end("others".into(), PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK);
}
