//! Joining an organisation is the person's own act (issue 18, finding 1): an admin's
//! invitation answers the same whether or not the address has an account, and a
//! membership opens nothing until the person accepts it — a new person by choosing their
//! first password with that organisation's link, someone with an account by signing in
//! to it and accepting with the link.

use crate::helpers::*;
use crate::people::{accept, member_in};
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;

/// Riverside (Ada: clinician and admin) and Hillside (Hal: its admin), each with a token
/// and a signed-in session: (Ada's token, Ada's session, Hal's token, Hal's session).
pub(crate) async fn two_practices(app: &TestApp) -> (String, String, String, String) {
    let ada = app.owner_token().await;
    let ada_session = app.session_cookie().unwrap();
    app.app.add_org("Hillside Surgery").await.unwrap();
    let hal = app
        .app
        .add_member(
            "Hillside Surgery",
            "hal@example.nhs.uk",
            "Hal",
            "admin",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap()
        .member;
    let hal = app.app.create_token(hal, None, None).await.unwrap().secret;
    app.forget_cookies();
    app.sign_in("hal@example.nhs.uk", PASSWORD).await;
    let hal_session = app.session_cookie().unwrap();
    (ada, ada_session, hal, hal_session)
}

/// Invites someone on the People page as the admin whose session this is; returns the
/// page and the link's path.
pub(crate) async fn invite(
    app: &TestApp,
    admin: &str,
    email: &str,
    name: &str,
    role: &str,
) -> (String, String) {
    app.set_session_cookie(admin);
    let page = app.invitation_page(email, name, role).await;
    let link = invite_link_in(&page);
    (page, link)
}

/// Signed out, a link for an account that has a password offers no password form, and a
/// password posted to it anyway is refused; the account's own password still works.
async fn link_sets_no_password(app: &TestApp, link: &str, email: &str, own_password: &str) {
    app.forget_cookies();
    let (s, page) = app.get_html(link).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("name=\"password\""),
        "no password form: {page}"
    );
    let r = app
        .submit(
            "/sign-in",
            link,
            &[("password", "another password entirely")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.sign_in(email, own_password).await.status(),
        StatusCode::SEE_OTHER,
        "the password did not change"
    );
    app.forget_cookies();
}

/// The review's reproduction: Hillside's admin invites a doctor who is new to Boundary,
/// Riverside invites the same address, Hillside's admin sets the password through
/// Hillside's link — and must not reach anything of Riverside's.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn another_organisations_admin_cannot_take_over_a_new_member(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let (ada, ada_session, hal, hal_session) = two_practices(&app).await;
    let (_, hillside_link) = invite(
        &app,
        &hal_session,
        "newdoc@a.example",
        "Someone Else",
        "clinician",
    )
    .await;
    let (_, riverside_link) =
        invite(&app, &ada_session, "newdoc@a.example", "Dr New", "manager").await;
    let riverside_member = member_in(&app, "newdoc@a.example", "Riverside Surgery")
        .await
        .to_string();

    // Hillside's admin chooses the password with Hillside's link and signs in as newdoc.
    let r = accept(&app, &hillside_link, "attacker chosen passphrase").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let attacker = app.session_cookie().unwrap();
    let (_, account) = app.get_html("/account").await;
    assert!(
        !account.contains("Riverside Surgery"),
        "Riverside is not one of this account's organisations until accepted"
    );
    let r = app
        .submit(
            "/account",
            "/account/organisation",
            &[("member", &riverside_member)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "cannot switch into it");

    // Nor can Hillside's admin get Riverside's link, and a Riverside clinician cannot share
    // a case with a membership nobody has accepted.
    let (s, _) = app
        .api_post(
            &format!("/api/v1/members/{riverside_member}/invite"),
            &hal,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    app.set_session_cookie(&hal_session);
    let (s, _) = app
        .get_html(&format!("/admin/members/{riverside_member}/invite"))
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{riverside_member}/invite"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.set_session_cookie(&attacker);
    let case = app.api_case(&ada, "Patient A").await;
    let (s, b) = app
        .api_post(
            &format!("/api/v1/cases/{case}/shares"),
            &ada,
            json!({"email": "newdoc@a.example", "access": "read"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b.to_string().contains("not accepted"), "{b}");
    assert_eq!(
        app.get(&format!("/cases/{case}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Riverside's link in the hands of a signed-in account it was not made for does
    // nothing: Hal's own account cannot take it.
    app.set_session_cookie(&hal_session);
    let (_, page) = app.get_html(&riverside_link).await;
    assert!(
        page.contains("This invitation is for another account"),
        "{page}"
    );
    let r = app
        .submit(&riverside_link, &format!("{riverside_link}/accept"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The real doctor, holding Riverside's link, is asked to sign in to the account; the
    // link cannot set its password.
    app.forget_cookies();
    let (_, page) = app.get_html(&riverside_link).await;
    assert!(
        page.contains("Sign in to it, then open this link again"),
        "{page}"
    );
    link_sets_no_password(
        &app,
        &riverside_link,
        "newdoc@a.example",
        "attacker chosen passphrase",
    )
    .await;

    // Riverside's admin sees the name she typed and that the person has not joined.
    let (_, people) = app.api_get("/api/v1/members", &ada).await;
    let row = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == riverside_member.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["name"], "Dr New");
    assert_eq!(row["accepted"], false);
    assert!(!people.to_string().contains("Someone Else"));

    // And the attacker's session still cannot see the case.
    app.set_session_cookie(&attacker);
    assert_eq!(
        app.get(&format!("/cases/{case}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// An invitation tells an admin nothing about whether the address has an account, and
/// the member list shows the name the admin typed.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_invitation_answers_the_same_whether_or_not_the_address_has_an_account(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    let (_, _, hal, hal_session) = two_practices(&app).await;
    // The invitation as the admin sees it, with what they typed and the secret taken out.
    let card = |page: &str, name: &str, email: &str, link: &str| -> String {
        let start = page.find("boundary-invite").unwrap();
        let end = start + page[start..].find("</div>\n</div>").unwrap();
        page[start..end]
            .replace(name, "NAME")
            .replace(email, "EMAIL")
            .replace(link, "LINK")
    };
    let (page, link) = invite(
        &app,
        &hal_session,
        "ada@example.nhs.uk",
        "A. Patel",
        "manager",
    )
    .await;
    let existing = card(&page, "A. Patel", "ada@example.nhs.uk", &link);
    let (page, link) = invite(
        &app,
        &hal_session,
        "nobody@example.nhs.uk",
        "N. Body",
        "manager",
    )
    .await;
    let new = card(&page, "N. Body", "nobody@example.nhs.uk", &link);
    assert_eq!(existing, new);
    assert!(existing.contains("LINK"), "{existing}");
    let (_, people) = app.api_get("/api/v1/members", &hal).await;
    let text = people.to_string();
    assert!(
        text.contains("A. Patel") && !text.contains("Dr Ada Patel"),
        "{text}"
    );
    for p in people.as_array().unwrap() {
        if p["name"] == "A. Patel" || p["name"] == "N. Body" {
            assert_eq!(p["accepted"], false, "{p}");
            assert!(p.get("has_password").is_none(), "{p}");
        }
    }
}

/// Someone with an account accepts another organisation's invitation while signed in,
/// then switches between the two; each keeps its own cases.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_person_accepts_a_second_organisation_and_switches_between_them(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, ada_session, hal, hal_session) = two_practices(&app).await;
    app.set_session_cookie(&ada_session);
    let case = app.open_case_page("Patient A").await;
    let (_, link) = invite(
        &app,
        &hal_session,
        "ada@example.nhs.uk",
        "Dr Ada Patel",
        "clinician",
    )
    .await;
    app.set_session_cookie(&ada_session);
    let hillside = member_in(&app, "ada@example.nhs.uk", "Hillside Surgery").await;

    // Until she accepts, Hillside is not hers.
    let (_, html) = app.get_html("/account").await;
    assert!(!html.contains("Hillside Surgery"));

    let (_, page) = app.get_html(&link).await;
    assert!(page.contains("Join <bdi>Hillside Surgery</bdi>"), "{page}");
    assert!(page.contains("Accept and join <bdi>Hillside Surgery</bdi>"));
    let old = app.session_cookie().unwrap();
    let r = app.submit(&link, &format!("{link}/accept"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/cases");
    let (_, html) = app.get_html("/cases").await;
    assert!(
        html.contains("<bdi>Dr Ada Patel</bdi>, <bdi>Hillside Surgery</bdi>"),
        "{html}"
    );
    assert!(
        !html.contains("Patient A"),
        "each organisation keeps its own cases"
    );
    assert_eq!(
        app.get(&format!("/cases/{case}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND, "used");
    let (_, people) = app.api_get("/api/v1/members", &hal).await;
    assert!(people.to_string().contains("\"accepted\":true"));

    // The session she left is over; she switches back from her account page.
    let current = app.session_cookie().unwrap();
    app.set_session_cookie(&old);
    assert_eq!(location(&app.get("/cases").await), "/sign-in?next=%2Fcases");
    app.set_session_cookie(&current);
    let (_, html) = app.get_html("/account").await;
    assert!(html.contains("Hillside Surgery") && html.contains("Riverside Surgery"));
    let riverside = member_in(&app, "ada@example.nhs.uk", "Riverside Surgery").await;
    assert_ne!(riverside, hillside);
    let r = app
        .submit(
            "/account",
            "/account/organisation",
            &[("member", &riverside.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html("/cases").await;
    assert!(html.contains("Patient A"));

    // Someone else's membership is not hers to take.
    let hal_member = member_in(&app, "hal@example.nhs.uk", "Hillside Surgery").await;
    let r = app
        .submit(
            "/account",
            "/account/organisation",
            &[("member", &hal_member.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// An invitation made before the person chose a password sets that first password
/// once; a renewed link voids the old one; a link never changes a password that exists.
#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_invitation_sets_a_first_password_only(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, ada_session, _, hal_session) = two_practices(&app).await;
    let (_, first) = invite(&app, &ada_session, "cat@example.nhs.uk", "Cat", "clinician").await;
    let cat = member_in(&app, "cat@example.nhs.uk", "Riverside Surgery").await;
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{cat}/invite"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let second = invite_link_in(&r.text().await.unwrap());
    let (_, hillside) = invite(&app, &hal_session, "cat@example.nhs.uk", "Cat", "manager").await;

    app.forget_cookies();
    assert_eq!(app.get(&first).await.status(), StatusCode::NOT_FOUND);
    let (_, page) = app.get_html(&second).await;
    // The page names who sent the link (the admin who renewed it) and for which practice.
    assert!(
        page.contains("<bdi>Dr Ada Patel</bdi> of <bdi>Riverside Surgery</bdi> has invited you"),
        "{page}"
    );
    assert_eq!(
        accept(&app, &second, "plum orchard in winter")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get(&second).await.status(), StatusCode::NOT_FOUND);
    // Hillside's link now meets an account with a password: it cannot change it.
    link_sets_no_password(
        &app,
        &hillside,
        "cat@example.nhs.uk",
        "plum orchard in winter",
    )
    .await;
}
