//! An organisation's admin invites people, changes their roles and deactivates them;
//! people manage their own API tokens and switch between their organisations.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

/// Someone follows an invitation link in their own browser and chooses a password.
pub(crate) async fn accept(app: &TestApp, link: &str, password: &str) -> reqwest::Response {
    app.forget_cookies();
    app.submit(link, link, &[("password", password)]).await
}

/// A membership's id in the organisation named, accepted or not (the app's own lookup
/// finds only those that may sign in).
pub(crate) async fn member_in(app: &TestApp, email: &str, org: &str) -> boundary_domain::MemberId {
    let email = boundary_domain::Email::parse(email).unwrap();
    let user = app.store.user_by_email(&email).await.unwrap();
    let all = app.store.memberships(user.id).await.unwrap();
    all.iter().find(|m| m.org_name == org).unwrap().id
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn an_admin_invites_someone_who_joins_through_a_link_that_works_once(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let ada = app.session_cookie().unwrap();

    let r = app
        .submit(
            "/admin/members",
            "/admin/members",
            &[
                ("email", "bob@example.nhs.uk"),
                ("name", "Bob Marsh"),
                ("role", "manager"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Invitation for <bdi>Bob Marsh</bdi>"),
        "{html}"
    );
    assert!(html.contains("It works once, until"));
    let link = invite_link_in(&html);

    // Bad input is refused with a reason, and nobody is added.
    for (fields, message) in [
        (
            [
                ("email", "not an address"),
                ("name", "X"),
                ("role", "manager"),
            ],
            "e-mail address",
        ),
        (
            [
                ("email", "x@example.nhs.uk"),
                ("name", ""),
                ("role", "manager"),
            ],
            "Enter the person",
        ),
        (
            [
                ("email", "x@example.nhs.uk"),
                ("name", "X"),
                ("role", "owner"),
            ],
            "clinician, manager, admin or auditor",
        ),
    ] {
        let r = app
            .submit("/admin/members", "/admin/members", &fields)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains(message), "{message}");
    }
    let r = app
        .submit(
            "/admin/members",
            "/admin/members",
            &[
                ("email", "bob@example.nhs.uk"),
                ("name", "Bob"),
                ("role", "clinician"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "already a member");
    let (_, members) = app.get_html("/admin/members").await;
    assert_eq!(
        members
            .matches("name=\"roles\" type=\"checkbox\" value=\"clinician\"")
            .count(),
        2
    );
    assert!(!members.contains("x@example.nhs.uk"));

    // Bob chooses a password with the link, which then never works again.
    let r = accept(&app, &link, "plum orchard in winter").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.get_html("/shared").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bob Marsh"));
    assert_eq!(
        app.get("/admin/members").await.status(),
        StatusCode::NOT_FOUND,
        "managers do not manage people"
    );
    app.forget_cookies();
    assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND, "used");

    // A link not used within 72 hours stops working; the admin makes a new one.
    app.set_session_cookie(&ada);
    let r = app
        .submit(
            "/admin/members",
            "/admin/members",
            &[
                ("email", "cat@example.nhs.uk"),
                ("name", "Cat Jones"),
                ("role", "clinician"),
            ],
        )
        .await;
    let old_link = invite_link_in(&r.text().await.unwrap());
    app.clock.advance(72 * 3600 + 1);
    app.forget_cookies();
    assert_eq!(
        app.get(&old_link).await.status(),
        StatusCode::NOT_FOUND,
        "expired"
    );
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let cat = member_in(&app, "cat@example.nhs.uk", "Riverside Surgery").await;
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{cat}/invite"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let new_link = invite_link_in(&r.text().await.unwrap());
    assert_ne!(new_link, old_link);
    assert_eq!(
        accept(&app, &new_link, "seven purple umbrellas")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_deactivated_member_is_out_at_once_and_an_organisation_keeps_an_admin(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let ada = app.session_cookie().unwrap();
    let ada_id = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let bob_token = app.clinician_with_token("bob@example.nhs.uk").await;
    let bob = app.app.member_by_email("bob@example.nhs.uk").await.unwrap();
    app.forget_cookies();
    app.sign_in("bob@example.nhs.uk", PASSWORD).await;
    let bob_session = app.session_cookie().unwrap();
    assert_eq!(app.get("/cases").await.status(), StatusCode::OK);

    // Roles change: Bob becomes an auditor and sees the access audit.
    app.set_session_cookie(&ada);
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{bob}/roles"),
            &[("roles", "auditor")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.set_session_cookie(&bob_session);
    assert_eq!(app.get("/audit").await.status(), StatusCode::OK);

    // Deactivated: his session and his token stop working at once, and he cannot sign in.
    app.set_session_cookie(&ada);
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{bob}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.set_session_cookie(&bob_session);
    assert_eq!(location(&app.get("/cases").await), "/sign-in?next=%2Fcases");
    let (status, _) = app.api_get("/api/v1/cases", &bob_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.forget_cookies();
    assert_eq!(
        app.sign_in("bob@example.nhs.uk", PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, html) = app.get_html("/sign-in").await;
    assert!(
        !html.contains("deactivated"),
        "the sign-in page does not say who exists"
    );

    // The only admin can neither deactivate herself nor give up being admin.
    app.set_session_cookie(&ada);
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{ada_id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("cannot deactivate yourself"));
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{ada_id}/roles"),
            &[("roles", "clinician")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("at least one admin"));
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{ada_id}/roles"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Choose at least one role"));
    let (_, html) = app.get_html("/admin/members").await;
    assert!(html.contains("Deactivated"));

    // Reactivated, Bob signs in again; his old token stays revoked.
    let r = app
        .submit(
            "/admin/members",
            &format!("/admin/members/{bob}/reactivate"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.forget_cookies();
    assert_eq!(
        app.sign_in("bob@example.nhs.uk", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = app.api_get("/api/v1/cases", &bob_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn admins_manage_people_through_the_api_and_nobody_else_can(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.owner_token().await;
    let clinician = app.clinician_with_token("bob@example.nhs.uk").await;

    // An invitation is a way to sign in: a token cannot make one, whatever it is given.
    for body in [
        json!({"email": "cat@example.nhs.uk", "name": "Cat Jones", "role": "auditor"}),
        json!({"email": "dan@example.nhs.uk", "name": "Dan", "role": "boss"}),
    ] {
        let (status, refused) = app.api_post("/api/v1/members", &admin, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        assert!(refused["detail"]
            .as_str()
            .unwrap()
            .contains("/admin/members"));
    }
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let link = app
        .invite_on_page("cat@example.nhs.uk", "Cat Jones", "auditor")
        .await;
    assert!(link.starts_with("/password/"), "{link}");
    let cat = member_in(&app, "cat@example.nhs.uk", "Riverside Surgery")
        .await
        .to_string();
    let (status, refused) = app
        .api_post(&format!("/api/v1/members/{cat}/invite"), &admin, json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

    let (status, body) = app.api_get("/api/v1/members", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let people = body.as_array().unwrap();
    assert_eq!(people.len(), 3, "{body}");
    let cat_row = people.iter().find(|p| p["id"] == cat.as_str()).unwrap();
    assert_eq!(cat_row["roles"], json!(["auditor"]));
    assert_eq!(cat_row["accepted"], false);

    let (status, body) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/members/{cat}"),
            Some(&admin),
            Some(json!({"roles": ["manager", "auditor"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["roles"], json!(["manager", "auditor"]));

    // A change with one part refused changes nothing: the roles stay as they were.
    let me = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let before = app.store.member(me).await.unwrap().roles.to_string();
    let (status, body) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/members/{me}"),
            Some(&admin),
            Some(json!({"roles": ["clinician", "admin"], "active": false})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        app.store.member(me).await.unwrap().roles.to_string(),
        before
    );
    assert!(app.store.member(me).await.unwrap().active);

    let bob = app.app.member_by_email("bob@example.nhs.uk").await.unwrap();
    let (status, body) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/members/{bob}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let (status, _) = app.api_get("/api/v1/cases", &clinician).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "his token died with his membership"
    );

    // A clinician is not an admin; a member of another organisation is not found.
    let other = app.clinician_with_token("eve@example.nhs.uk").await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/members".to_owned(), None),
        (
            Method::POST,
            "/api/v1/members".to_owned(),
            Some(json!({"email": "z@example.nhs.uk", "name": "Z", "role": "admin"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/members/{cat}"),
            Some(json!({"roles": ["admin"]})),
        ),
    ] {
        let (status, _) = app.api(method, &path, Some(&other), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    app.app.add_org("Hillside Surgery").await.unwrap();
    let outsider = app
        .app
        .add_member(
            "Hillside Surgery",
            "fay@example.nhs.uk",
            "Fay",
            "clinician",
            None,
        )
        .await
        .unwrap()
        .member;
    let (status, _) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/members/{outsider}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another organisation's member"
    );
    assert!(app.store.member(outsider).await.unwrap().active);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn people_make_list_and_revoke_their_own_tokens(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;

    // On the page: shown once, with an expiry.
    let r = app
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[("label", "backup script"), ("expires_in_days", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let start = html.find("value=\"bnd_").unwrap() + "value=\"".len();
    let token = html[start..start + 68].to_owned();
    let (status, _) = app.api_get("/api/v1/cases", &token).await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = app.get_html("/account/tokens").await;
    assert!(html.contains("backup script"));
    assert!(!html.contains(&token), "never shown again");

    let r = app
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[("label", "x"), ("expires_in_days", "400")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("1 to 366 days"));

    // Through the API: list without secrets, and revoke; a token cannot make tokens.
    let ada = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let made = app
        .app
        .create_token(ada, Some("second"), None)
        .await
        .unwrap();
    let (second, second_id) = (made.secret, made.id);
    let (_, list) = app.api_get("/api/v1/tokens", &second).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains("bnd_"), "no secrets listed");
    let (status, _) = app
        .api_post("/api/v1/tokens", &second, json!({"label": "third"}))
        .await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "a short-lived token cannot mint a lasting one"
    );

    // Nobody revokes another's token.
    let bob = app.clinician_with_token("bob@example.nhs.uk").await;
    let (status, _) = app
        .api(
            Method::DELETE,
            &format!("/api/v1/tokens/{second_id}"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.api_get("/api/v1/cases", &second).await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = app
        .api(
            Method::DELETE,
            &format!("/api/v1/tokens/{second_id}"),
            Some(&second),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.api_get("/api/v1/cases", &second).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked at once");

    // The first token expires after its day.
    app.clock.advance(86_400 + 1);
    app.sign_in("ada@example.nhs.uk", PASSWORD).await;
    let (status, _) = app.api_get("/api/v1/cases", &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "expired");
    let (_, html) = app.get_html("/account/tokens").await;
    assert!(html.contains("Expired") && html.contains("Revoked"));
}
