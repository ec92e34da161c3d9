//! Pages are compressed for phones on poor signal, and so the token in each form is
//! masked afresh on every page: a token sent the same way each time beside text an
//! attacker can place on the page could be read from compressed sizes (BREACH).

use crate::helpers::{csrf_in, location, spawn_app};
use boundary_store::Engine;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use reqwest::StatusCode;
use std::io::Read;

#[tokio::test]
async fn pages_are_gzipped_for_browsers_that_ask() {
    let app = spawn_app(Engine::Sqlite).await;
    let r = app
        .http
        .get(format!("{}/sign-in", app.base))
        .header(ACCEPT_ENCODING, "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_ENCODING], "gzip");
    let packed = r.bytes().await.unwrap();
    let mut page = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut page)
        .unwrap();
    assert!(page.contains("Sign in"), "{page}");
    assert!(
        packed.len() * 2 < page.len(),
        "{} of {}",
        packed.len(),
        page.len()
    );
    // A client that does not ask gets the page as it is.
    let r = app.get("/sign-in").await;
    assert!(r.headers().get(CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn every_page_shows_its_token_differently_and_each_is_accepted() {
    let app = spawn_app(Engine::Sqlite).await;
    assert_eq!(
        app.set_up("ada@example.org").await.status(),
        StatusCode::SEE_OTHER
    );

    let first = csrf_in(&app.get_html("/cases/new").await.1);
    let second = csrf_in(&app.get_html("/cases/new").await.1);
    assert_ne!(first, second, "masked afresh on every page");
    for (label, token) in [("Patient A", &first), ("Patient B", &second)] {
        let r = app
            .post_form("/cases", &[("label", label), ("csrf", token.as_str())])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        assert!(location(&r).starts_with("/cases/"));
    }

    // One changed character and the form is refused, and nothing is opened.
    let mut forged = first.into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
    let forged = String::from_utf8(forged).unwrap();
    let r = app
        .post_form(
            "/cases",
            &[("label", "Patient C"), ("csrf", forged.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, cases) = app.get_html("/cases").await;
    assert!(cases.contains("Patient A") && cases.contains("Patient B"));
    assert!(!cases.contains("Patient C"));

    // The same for the forms shown before sign-in, whose token lives in its own cookie:
    // a new browser.
    app.forget_cookies();
    let one = csrf_in(&app.get_html("/sign-in").await.1);
    let two = csrf_in(&app.get_html("/sign-in").await.1);
    assert_ne!(one, two);
    let r = app
        .post_form(
            "/sign-in",
            &[
                ("email", "ada@example.org"),
                ("password", crate::helpers::PASSWORD),
                ("csrf", one.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/cases");
}
