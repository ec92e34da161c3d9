//! The authorisation matrix: every route the router holds, asked by thirteen kinds of caller,
//! against a table of expected answers. The route list comes from the router itself, so a
//! new route without a row fails this test, and so does a row whose route is gone.

use crate::helpers::*;
use boundary_app::App;
use boundary_domain::MemberId;
use boundary_store::Engine;
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The callers, in the order of the letters in each row.
const ACTORS: [&str; 13] = [
    "signed out",
    "owner",
    "colleague (clinician, same organisation)",
    "manager shared read",
    "manager not shared",
    "admin",
    "auditor",
    "member of another organisation",
    "deactivated member",
    "revoked token",
    "clinician shared contribute",
    "member whose organisation requires two-factor, not yet set up",
    "admin of another organisation",
];

/// The eleventh letter of each row is the clinician the owner shared the case with to
/// contribute: they read it and log, correct and record on it, and manage nothing. The
/// twelfth is a member whose organisation requires two-factor sign-in they have not set
/// up: sent to set it up from every page, 403 from the API. The thirteenth is an admin of
/// another organisation: their own organisation's admin pages work; nothing of ours does.
///
/// A = allowed (any answer past authorisation: 2xx, 3xx elsewhere than the sign-in page
/// or the two-factor set-up — signing out lands on `/sign-in?signed_out=1` — 409, 422);
/// S = sent to sign in (303 to /sign-in, or 401); T = sent to set up two-factor sign-in
/// first (303 to /account/two-factor); N = 404; F = 403.
const TABLE: &[(&str, &str, &str)] = &[
    // Public: the same for everyone.
    ("GET", "/", "AAAAAAAAAAAAA"),
    ("GET", "/healthz", "AAAAAAAAAAAAA"),
    ("GET", "/metrics", "AAAAAAAAAAAAA"),
    ("GET", "/sign-in", "AAAAAAAAAAAAA"),
    ("POST", "/sign-in", "AAAAAAAAAAAAA"),
    ("GET", "/setup/{link}", "NNNNNNNNNNNNN"),
    ("POST", "/setup/{link}", "NNNNNNNNNNNNN"),
    ("GET", "/password/{link}", "NNNNNNNNNNNNN"),
    ("POST", "/password/{link}", "NNNNNNNNNNNNN"),
    // Accepting an invitation needs both the link and the account it was made for.
    ("POST", "/password/{link}/accept", "SNNNNNNNSSNTN"),
    ("GET", "/sign-in/code", "SSSSSSSSSSSSS"),
    ("POST", "/sign-in/code", "SSSSSSSSSSSSS"),
    ("GET", "/assets/{*name}", "AAAAAAAAAAAAA"),
    ("GET", "/api/v1/openapi.json", "AAAAAAAAAAAAA"),
    ("GET", "/api/v1/checkpoint", "AAAAAAAAAAAAA"),
    ("GET", "/api/v1/proof/inclusion", "AAAAAAAAAAAAA"),
    ("GET", "/api/v1/proof/consistency", "AAAAAAAAAAAAA"),
    // Anyone signed in, about themselves.
    ("POST", "/sign-out", "SAAAAAAASSAAA"),
    ("POST", "/quick-exit", "SAAAAAAASSAAA"),
    ("GET", "/account", "SAAAAAAASSATA"),
    ("POST", "/account/organisation", "SANNNNNNSSNTN"),
    ("GET", "/account/tokens", "SAAAAAAASSATA"),
    ("POST", "/account/tokens", "SAAAAAAASSATA"),
    ("POST", "/account/tokens/{id}/revoke", "SANNNNNNSSNTN"),
    ("GET", "/account/password", "SAAAAAAASSATA"),
    ("POST", "/account/password", "SAAAAAAASSATA"),
    ("GET", "/account/sessions", "SAAAAAAASSATA"),
    ("POST", "/account/sessions/end", "SAAAAAAASSATA"),
    ("GET", "/account/two-factor", "SAAAAAAASSAAA"),
    ("POST", "/account/two-factor/start", "SAAAAAAASSAAA"),
    ("POST", "/account/two-factor/confirm", "SAAAAAAASSAAA"),
    (
        "POST",
        "/account/two-factor/recovery-codes",
        "SAAAAAAASSAAA",
    ),
    ("POST", "/account/two-factor/off", "SAAAAAAASSAAA"),
    ("GET", "/api/v1/tokens", "SAAAAAAASSAFA"),
    ("DELETE", "/api/v1/tokens/{id}", "SANNNNNNSSNFN"),
    // Cases: lists are each caller's own; opening is for clinicians.
    ("GET", "/cases", "SAAAAAAASSATA"),
    ("GET", "/shared", "SAAAAAAASSATA"),
    ("GET", "/cases/new", "SAAFFFFASSATF"),
    ("POST", "/cases", "SAAFFFFASSATF"),
    ("GET", "/api/v1/cases", "SAAAAAAASSAFA"),
    ("POST", "/api/v1/cases", "SAAFFFFASSAFF"),
    // One case: its owner, and whoever it is shared with, for reading.
    ("GET", "/cases/{id}", "SANANNNNSSATN"),
    ("GET", "/api/v1/cases/{id}", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/entries", "SANANNNNSSAFN"),
    ("GET", "/entries/{id}", "SANANNNNSSATN"),
    ("GET", "/api/v1/entries/{id}", "SANANNNNSSAFN"),
    ("GET", "/entries/{id}/receipt", "SANANNNNSSATN"),
    ("GET", "/api/v1/entries/{id}/receipt", "SANANNNNSSAFN"),
    ("GET", "/cases/{id}/advice", "SANANNNNSSATN"),
    ("GET", "/api/v1/cases/{id}/warnings", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/police-reports", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/removal-plan", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/checklist", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/chaperones", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/transfers", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/prompts", "SANANNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/risk-screens", "SANANNNNSSAFN"),
    // Logging and correcting: owner and `contribute` shares (none among these callers).
    ("GET", "/cases/{id}/log", "SANNNNNNSSATN"),
    ("POST", "/cases/{id}/entries", "SANNNNNNSSATN"),
    ("POST", "/api/v1/cases/{id}/entries", "SANNNNNNSSAFN"),
    ("GET", "/entries/{id}/amend", "SANNNNNNSSATN"),
    ("POST", "/entries/{id}/amendments", "SANNNNNNSSATN"),
    ("POST", "/api/v1/entries/{id}/amendments", "SANNNNNNSSAFN"),
    ("POST", "/cases/{id}/warnings", "SANNNNNNSSATN"),
    ("POST", "/cases/{id}/checklist/{step}", "SANNNNNNSSATN"),
    ("POST", "/cases/{id}/chaperones", "SANNNNNNSSATN"),
    ("POST", "/cases/{id}/risk-screens", "SANNNNNNSSATN"),
    ("POST", "/api/v1/cases/{id}/risk-screens", "SANNNNNNSSAFN"),
    ("POST", "/api/v1/cases/{id}/chaperones", "SANNNNNNSSAFN"),
    ("POST", "/cases/{id}/transfers", "SANNNNNNSSNTN"),
    ("POST", "/api/v1/cases/{id}/transfers", "SANNNNNNSSNFN"),
    (
        "PUT",
        "/api/v1/cases/{id}/checklist/{step}",
        "SANNNNNNSSAFN",
    ),
    ("POST", "/api/v1/cases/{id}/warnings", "SANNNNNNSSAFN"),
    ("POST", "/cases/{id}/police-reports", "SANNNNNNSSATN"),
    ("POST", "/api/v1/cases/{id}/police-reports", "SANNNNNNSSAFN"),
    // Managing a case: the owner alone.
    ("POST", "/cases/{id}/status", "SANNNNNNSSNTN"),
    ("POST", "/api/v1/cases/{id}/status", "SANNNNNNSSNFN"),
    ("POST", "/cases/{id}/chaperone", "SANNNNNNSSNTN"),
    ("PUT", "/api/v1/cases/{id}/chaperone", "SANNNNNNSSNFN"),
    ("POST", "/cases/{id}/shares", "SANNNNNNSSNTN"),
    ("GET", "/api/v1/cases/{id}/shares", "SANNNNNNSSNFN"),
    ("POST", "/api/v1/cases/{id}/shares", "SANNNNNNSSNFN"),
    (
        "POST",
        "/cases/{id}/shares/{member_id}/revoke",
        "SANNNNNNSSNTN",
    ),
    (
        "DELETE",
        "/api/v1/cases/{id}/shares/{member_id}",
        "SANNNNNNSSNFN",
    ),
    ("GET", "/api/v1/cases/{id}/audit", "SANNNNNNSSNFN"),
    ("POST", "/cases/{id}/removal-assessment", "SANNNNNNSSNTN"),
    (
        "PUT",
        "/api/v1/cases/{id}/removal-assessment",
        "SANNNNNNSSNFN",
    ),
    // The ledger's health: admins and auditors; the access audit: auditors.
    ("GET", "/ledger", "SNNNNAANSSNTA"),
    ("GET", "/api/v1/ledger", "SNNNNAANSSNFA"),
    ("GET", "/audit", "SNNNNNANSSNTN"),
    // The gift register: everyone but auditors records; managers and admins keep it.
    ("GET", "/gifts", "SAAAAANASSATA"),
    ("POST", "/gifts", "SAAAAANASSATA"),
    ("GET", "/gifts.csv", "SNNAAANNSSNTA"),
    ("POST", "/api/v1/gifts", "SAAAAANASSAFA"),
    ("GET", "/api/v1/gifts", "SNNAAANNSSNFA"),
    ("GET", "/api/v1/gifts.csv", "SNNAAANNSSNFA"),
    ("GET", "/api/v1/cases/{id}/gifts", "SANANNNNSSAFN"),
    // Only the gift's recorder adds it to a case they may add to: the owner recorded it.
    ("POST", "/cases/{id}/gifts", "SANNNNNNSSNTN"),
    ("POST", "/api/v1/cases/{id}/gifts", "SANNNNNNSSNFN"),
    // Attachments: added by those who may log, read by those who may see.
    ("POST", "/api/v1/cases/{id}/attachments", "SANNNNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/attachments", "SANANNNNSSAFN"),
    ("GET", "/api/v1/attachments/{id}", "SANANNNNSSAFN"),
    ("GET", "/attachments/{id}", "SANANNNNSSATN"),
    // Exports: the case's owner alone.
    ("POST", "/api/v1/cases/{id}/exports", "SANNNNNNSSNFN"),
    ("POST", "/cases/{id}/exports", "SANNNNNNSSNTN"),
    // An export the owner started from the case page, made in the background.
    ("GET", "/exports/{job}", "SANNNNNNSSNTN"),
    ("GET", "/exports/{job}/file", "SANNNNNNSSNTN"),
    // Letters: drafted and kept by those who record on the case, read by all who see it.
    ("GET", "/cases/{id}/letters/new", "SANNNNNNSSATN"),
    ("POST", "/cases/{id}/letters", "SANNNNNNSSATN"),
    ("GET", "/cases/{id}/letters/{seq}", "SANANNNNSSATN"),
    ("GET", "/api/v1/cases/{id}/letters/draft", "SANNNNNNSSAFN"),
    ("POST", "/api/v1/cases/{id}/letters", "SANNNNNNSSAFN"),
    ("GET", "/api/v1/cases/{id}/letters", "SANANNNNSSAFN"),
    // People and settings: admins of the organisation.
    ("GET", "/admin/members", "SNNNNANNSSNTA"),
    ("POST", "/admin/members", "SNNNNANNSSNTA"),
    ("POST", "/admin/members/{id}/roles", "SNNNNANNSSNTN"),
    ("POST", "/admin/members/{id}/deactivate", "SNNNNANNSSNTN"),
    ("POST", "/admin/members/{id}/reactivate", "SNNNNANNSSNTN"),
    ("POST", "/admin/members/{id}/invite", "SNNNNANNSSNTN"),
    ("POST", "/admin/two-factor", "SNNNNANNSSNTA"),
    ("GET", "/api/v1/members", "SNNNNANNSSNFA"),
    // Invitation links are made only on the page: a token cannot make a way to sign in.
    ("POST", "/api/v1/members", "SNNNNFNNSSNFF"),
    ("PATCH", "/api/v1/members/{id}", "SNNNNANNSSNFN"),
    ("POST", "/api/v1/members/{id}/invite", "SNNNNFNNSSNFN"),
    ("GET", "/api/v1/organisation", "SNNNNANNSSNFA"),
    ("GET", "/admin/letters", "SNNNNANNSSNTA"),
    ("POST", "/admin/letters/{kind}", "SNNNNANNSSNTA"),
    ("POST", "/admin/letters/{kind}/reset", "SNNNNANNSSNTA"),
    ("GET", "/api/v1/letter-templates", "SNNNNANNSSNFA"),
    ("PUT", "/api/v1/letter-templates/{kind}", "SNNNNANNSSNFA"),
    ("DELETE", "/api/v1/letter-templates/{kind}", "SNNNNANNSSNFA"),
    // Making two-factor optional weakens everyone's sign-in: not by token.
    ("PUT", "/api/v1/organisation", "SNNNNFNNSSNFF"),
];

/// What a caller brings: a member to start a fresh session for, and a bearer token.
struct Caller {
    member: Option<MemberId>,
    token: Option<String>,
}

/// The organisation, its people and one case with one entry, built directly through
/// the use cases so that every row starts from the same place.
struct World {
    callers: Vec<Caller>,
    owner: MemberId,
    case: String,
    entry: String,
    /// Path and body values the rows need, by name.
    values: BTreeMap<&'static str, String>,
}

/// A member who has joined: accepted as if from their invitation, without the cost of
/// hashing a password for each.
async fn member(t: &TestApp, org: &str, email: &str, role: &str) -> MemberId {
    let m = t
        .app
        .add_member(org, email, email, role, None)
        .await
        .unwrap()
        .member;
    let user = t.store.member(m).await.unwrap().user;
    t.store.accept_membership(m, user, 1).await.unwrap();
    m
}

async fn token(app: &App, m: MemberId) -> String {
    app.create_token(m, Some("matrix"), None)
        .await
        .unwrap()
        .secret
}

async fn build_world(t: &TestApp) -> World {
    let app = &t.app;
    app.add_org("Riverside Surgery").await.unwrap();
    app.add_org("Hillside Surgery").await.unwrap();
    let org = "Riverside Surgery";
    let owner = member(t, org, "owner@example.nhs.uk", "clinician").await;
    let colleague = member(t, org, "colleague@example.nhs.uk", "clinician").await;
    let shared = member(t, org, "shared@example.nhs.uk", "manager").await;
    let unshared = member(t, org, "unshared@example.nhs.uk", "manager").await;
    let admin = member(t, org, "admin@example.nhs.uk", "admin").await;
    let auditor = member(t, org, "auditor@example.nhs.uk", "auditor").await;
    let outsider = member(t, "Hillside Surgery", "out@example.nhs.uk", "clinician").await;
    let gone = member(t, org, "gone@example.nhs.uk", "clinician").await;
    let contributor = member(t, org, "contributor@example.nhs.uk", "clinician").await;
    let spares: Vec<MemberId> = futures_spares(t, org).await;

    let owner_token = token(app, owner).await;
    let (_, case) = {
        let (s, c) = t
            .api_post(
                "/api/v1/cases",
                &owner_token,
                json!({"person": {"label": "Patient A"}}),
            )
            .await;
        (s, c["id"].as_str().unwrap().to_owned())
    };
    let (_, entry) = t
        .api_post(
            &format!("/api/v1/cases/{case}/entries"),
            &owner_token,
            json!({"channel": "email", "what_happened": "Wrote again"}),
        )
        .await;
    let entry = entry["id"].as_str().unwrap().to_owned();
    let (_, letter) = t
        .api_post(
            &format!("/api/v1/cases/{case}/letters"),
            &owner_token,
            json!({"kind": "warning", "text": "Dear Patient A"}),
        )
        .await;
    let letter_seq = letter["seq"].to_string();
    let owner_actor_for_files = app.token_actor(&owner_token).await.unwrap();
    let (attachment, _) = app
        .attach(
            &owner_actor_for_files,
            case.parse().unwrap(),
            &boundary_app::attachments::Upload {
                bytes: &png(),
                name: "shot.png",
                entry: None,
                sha256: None,
            },
        )
        .await
        .unwrap();
    let (_, gift) = t
        .api_post(
            "/api/v1/gifts",
            &owner_token,
            json!({"offered_on": "2026-01-05", "donor": "Patient A", "description": "Flowers",
                   "value_pounds": 20, "recipient_email": "owner@example.nhs.uk",
                   "decision": "declined", "why": "Policy"}),
        )
        .await;
    let gift_id = gift["id"].as_str().unwrap().to_owned();
    for (who, access) in [
        ("shared@example.nhs.uk", "read"),
        ("gone@example.nhs.uk", "contribute"),
        ("contributor@example.nhs.uk", "contribute"),
        ("spare0@example.nhs.uk", "read"),
        ("spare1@example.nhs.uk", "read"),
    ] {
        let (s, b) = t
            .api_post(
                &format!("/api/v1/cases/{case}/shares"),
                &owner_token,
                json!({"email": who, "access": access}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }

    let mut tokens = Vec::new();
    for m in [
        colleague,
        shared,
        unshared,
        admin,
        auditor,
        outsider,
        gone,
        contributor,
    ] {
        tokens.push(token(app, m).await);
    }
    // An organisation that requires two-factor sign-in, and a clinician there who has
    // not set it up yet: until they do, they may do nothing else.
    app.add_org("Northside Surgery").await.unwrap();
    let north_admin = member(t, "Northside Surgery", "na@example.nhs.uk", "admin").await;
    let due = member(t, "Northside Surgery", "due@example.nhs.uk", "clinician").await;
    let due_token = token(app, due).await;
    let north_admin_actor = app
        .token_actor(&token(app, north_admin).await)
        .await
        .unwrap();
    app.set_second_factor_required(&north_admin_actor, true)
        .await
        .unwrap();
    // An admin elsewhere: they manage their own organisation's people, none of ours.
    let elsewhere_admin = member(t, "Hillside Surgery", "hadmin@example.nhs.uk", "admin").await;
    let elsewhere_admin_token = token(app, elsewhere_admin).await;
    let revoked = app.create_token(owner, None, None).await.unwrap();
    let owner_actor = app.token_actor(&owner_token).await.unwrap();
    app.revoke_token(&owner_actor, &revoked.id.parse().unwrap())
        .await
        .unwrap();
    // Deactivated after being given a contribute share: being shared must not outlive it.
    let admin_actor = app.token_actor(&tokens[3]).await.unwrap();
    app.set_member_active(&admin_actor, gone, false)
        .await
        .unwrap();

    let spare_token_a = app.create_token(owner, None, None).await.unwrap().id;
    let spare_token_b = app.create_token(owner, None, None).await.unwrap().id;
    let mut values = BTreeMap::new();
    values.insert("owner_member", owner.to_string());
    values.insert("letter_seq", letter_seq);
    values.insert("attachment", attachment.to_string());
    values.insert(
        "export_job",
        finished_export(app, &owner_actor, &case).await,
    );
    values.insert("gift_id", gift_id);
    values.insert("spare_token_page", spare_token_a);
    values.insert("spare_token_api", spare_token_b);
    for (i, s) in spares.iter().enumerate() {
        values.insert(SPARE_NAMES[i], s.to_string());
    }
    let mut tokens = tokens.into_iter();
    let mut next = || tokens.next();
    World {
        callers: vec![
            Caller {
                member: None,
                token: None,
            },
            Caller {
                member: Some(owner),
                token: Some(owner_token),
            },
            Caller {
                member: Some(colleague),
                token: next(),
            },
            Caller {
                member: Some(shared),
                token: next(),
            },
            Caller {
                member: Some(unshared),
                token: next(),
            },
            Caller {
                member: Some(admin),
                token: next(),
            },
            Caller {
                member: Some(auditor),
                token: next(),
            },
            Caller {
                member: Some(outsider),
                token: next(),
            },
            Caller {
                member: Some(gone),
                token: next(),
            },
            Caller {
                member: None,
                token: Some(revoked.secret),
            },
            Caller {
                member: Some(contributor),
                token: next(),
            },
            Caller {
                member: Some(due),
                token: Some(due_token),
            },
            Caller {
                member: Some(elsewhere_admin),
                token: Some(elsewhere_admin_token),
            },
        ],
        owner,
        case,
        entry,
        values,
    }
}

/// Members the admin and owner rows act on, one per row, so no row undoes another.
const SPARE_NAMES: [&str; 6] = [
    "spare_share_page",
    "spare_share_api",
    "spare_roles",
    "spare_active",
    "spare_invite",
    "spare_patch",
];

async fn futures_spares(t: &TestApp, org: &str) -> Vec<MemberId> {
    let mut v = Vec::new();
    for i in 0..SPARE_NAMES.len() {
        v.push(member(t, org, &format!("spare{i}@example.nhs.uk"), "clinician").await);
    }
    v
}

/// An export of the case started by its owner from the page, waited for until it is
/// ready to download.
async fn finished_export(app: &App, owner: &boundary_app::Actor, case: &str) -> String {
    use boundary_app::export_jobs::{JobState, Started};
    let request = boundary_app::exports::ExportRequest {
        format: "pdf".into(),
        ..Default::default()
    };
    let started = app
        .start_export(
            owner,
            case.parse().unwrap(),
            &request,
            std::time::Duration::ZERO,
        )
        .await
        .unwrap();
    let Started::Working(job) = started else {
        panic!("an export with no time to wait came back at once");
    };
    for _ in 0..600 {
        if app
            .export_status(owner, &job.parse().unwrap())
            .await
            .unwrap()
            .job
            .state
            == JobState::Ready
        {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the export was not made within 30 seconds");
}

/// The concrete path for a row.
fn fill(world: &World, method: &str, path: &str) -> String {
    let member = match (method, path) {
        (_, p) if p.starts_with("/api/v1/cases/") => world.values["spare_share_api"].clone(),
        _ => world.values["spare_share_page"].clone(),
    };
    let id = if path.starts_with("/entries/") || path.starts_with("/api/v1/entries/") {
        world.entry.clone()
    } else if path.contains("/tokens/") {
        if path.starts_with("/api/") {
            world.values["spare_token_api"].clone()
        } else {
            world.values["spare_token_page"].clone()
        }
    } else if path.starts_with("/api/v1/attachments/") || path.starts_with("/attachments/") {
        world.values["attachment"].clone()
    } else if path.starts_with("/admin/members/") {
        let which = if path.ends_with("/roles") {
            "spare_roles"
        } else if path.ends_with("/invite") {
            "spare_invite"
        } else {
            "spare_active"
        };
        world.values[which].clone()
    } else if path.starts_with("/api/v1/members/") {
        if path.ends_with("/invite") {
            world.values["spare_invite"].clone()
        } else {
            world.values["spare_patch"].clone()
        }
    } else {
        world.case.clone()
    };
    path.replace("{id}", &id)
        .replace("{member_id}", &member)
        .replace("{link}", &"ab".repeat(32))
        .replace("{*name}", "app.css")
        .replace("{step}", "told_line_manager")
        .replace("{seq}", &world.values["letter_seq"])
        .replace("{kind}", "warning")
        .replace("{job}", &world.values["export_job"])
}

/// Form fields for page posts: valid where validity matters, so that an allowed caller
/// passes and a refused one is refused for who they are, not what they sent.
fn form_fields(world: &World, path: &str) -> Vec<(String, String)> {
    let f = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    match path {
        "/sign-in" => f(&[
            ("email", "nobody@example.nhs.uk"),
            ("password", "not the password at all"),
        ]),
        "/account/organisation" => vec![("member".into(), world.owner.to_string())],
        "/account/tokens" => f(&[("label", "matrix")]),
        "/account/password" => f(&[("current", "wrong"), ("new", "plum orchard in winter")]),
        "/account/two-factor/confirm"
        | "/account/two-factor/recovery-codes"
        | "/account/two-factor/off"
        | "/sign-in/code" => f(&[("code", "abcdef")]),
        "/cases" => f(&[("label", "Patient B")]),
        "/cases/{id}/status" => f(&[("status", "open")]),
        "/cases/{id}/chaperone" => f(&[("required", "yes")]),
        "/cases/{id}/shares" => f(&[("email", "spare2@example.nhs.uk"), ("access", "read")]),
        "/cases/{id}/entries" => f(&[
            ("channel", "email"),
            ("when", "now"),
            ("what_happened", "Again"),
        ]),
        "/entries/{id}/amendments" => f(&[
            ("field", "what_happened"),
            ("value", "Wrote twice"),
            ("reason", "Fuller"),
        ]),
        "/admin/members" => f(&[
            ("email", "new@example.nhs.uk"),
            ("name", "New"),
            ("role", "manager"),
        ]),
        "/admin/members/{id}/roles" => f(&[("roles", "manager")]),
        "/cases/{id}/letters" => f(&[("kind", "warning"), ("text", "Dear Patient A")]),
        "/cases/{id}/exports" => f(&[("format", "bundle")]),
        "/admin/letters/{kind}" => f(&[("text", "Dear {{ patient }}")]),
        "/cases/{id}/gifts" => vec![("gift_id".into(), world.values["gift_id"].clone())],
        "/gifts" => f(&[
            ("offered_on", "2026-01-05"),
            ("donor", "Sam Jones"),
            ("description", "Flowers"),
            ("value_pounds", "20"),
            ("recipient_email", "owner@example.nhs.uk"),
            ("decision", "declined"),
            ("why", "Policy"),
        ]),
        "/setup/{link}" => f(&[
            ("org_name", "X"),
            ("name", "X"),
            ("email", "x@example.nhs.uk"),
            ("password", "plum orchard in winter"),
        ]),
        "/password/{link}" => f(&[("password", "plum orchard in winter")]),
        _ => Vec::new(),
    }
}

fn json_body(world: &World, path: &str) -> Option<Value> {
    Some(match path {
        "/api/v1/cases" => json!({"person": {"label": "Patient B"}}),
        "/api/v1/cases/{id}/status" => json!({"status": "open"}),
        "/api/v1/cases/{id}/chaperone" => json!({"required": true}),
        "/api/v1/cases/{id}/shares" => json!({"email": "spare3@example.nhs.uk", "access": "read"}),
        "/api/v1/cases/{id}/entries" => json!({"channel": "email", "what_happened": "Again"}),
        "/api/v1/entries/{id}/amendments" => {
            json!({"field": "what_happened", "value": "Wrote twice", "reason": "Fuller"})
        }
        "/api/v1/members" => {
            json!({"email": "api@example.nhs.uk", "name": "Api", "role": "auditor"})
        }
        "/api/v1/members/{id}" => json!({"roles": ["manager"]}),
        "/api/v1/organisation" => json!({"totp_required": false}),
        "/api/v1/cases/{id}/warnings" => {
            json!({"given_on": "2026-01-05", "how": "Letter", "reasons": "Calls"})
        }
        "/api/v1/cases/{id}/police-reports" => json!({
            "reported_on": "2026-01-05", "force": "Thames Valley Police",
            "reference": "TVP-1", "summary": "Threats"
        }),
        "/api/v1/cases/{id}/removal-assessment" => json!({"grounds_confirmed": true}),
        "/api/v1/cases/{id}/checklist/{step}" => json!({"done_on": "2026-01-05"}),
        "/api/v1/cases/{id}/chaperones" => json!({
            "consultation_on": "2026-01-05", "chaperone_name": "Sam Lee",
            "chaperone_role": "Nurse", "patient_consent": true
        }),
        "/api/v1/cases/{id}/risk-screens" => json!({"answers": {"repeated": true}}),
        "/api/v1/cases/{id}/letters" => json!({"kind": "warning", "text": "Dear Patient A"}),
        "/api/v1/letter-templates/{kind}" => json!({"text": "Dear {{ patient }}"}),
        "/api/v1/cases/{id}/exports" => json!({"format": "bundle"}),
        "/api/v1/cases/{id}/gifts" => json!({"gift_id": world.values["gift_id"]}),
        "/api/v1/gifts" => json!({
            "offered_on": "2026-01-05", "donor": "Sam Jones", "description": "Flowers",
            "value_pounds": 20, "recipient_email": "owner@example.nhs.uk",
            "decision": "declined", "why": "Policy"
        }),
        "/api/v1/cases/{id}/transfers" => {
            json!({"transferred_on": "2026-01-05", "to": "Dr Jones", "reason": "Boundaries"})
        }
        _ => return None,
    })
}

fn query(path: &str) -> &'static str {
    match path {
        "/api/v1/proof/inclusion" => "?seq=1&tree_size=1",
        "/api/v1/proof/consistency" => "?from=1&to=1",
        "/cases/{id}/letters/new" | "/api/v1/cases/{id}/letters/draft" => "?kind=warning",
        _ => "",
    }
}

/// `path` is the route asked: within the two-factor set-up, being sent back to it (a
/// wrong code, say) is the set-up going on, not a refusal.
fn classify(status: StatusCode, location: &str, path: &str) -> char {
    match status.as_u16() {
        401 => 'S',
        403 => 'F',
        404 => 'N',
        300..=399 if location == "/sign-in" || location.starts_with("/sign-in?next=") => 'S',
        300..=399
            if location.starts_with("/account/two-factor")
                && !path.starts_with("/account/two-factor") =>
        {
            'T'
        }
        405 | 500..=599 => 'E',
        _ => 'A',
    }
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_the_table_says(#[case] engine: Engine) {
    let routes = boundary_web::route_list();
    let rows: BTreeMap<(&str, &str), &str> = TABLE.iter().map(|(m, p, e)| ((*m, *p), *e)).collect();
    let missing: Vec<String> = routes
        .iter()
        .filter(|(m, p)| !rows.contains_key(&(m.as_str(), *p)))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the matrix: {missing:?}"
    );
    let stale: Vec<String> = TABLE
        .iter()
        .filter(|(m, p, _)| !routes.iter().any(|(rm, rp)| rm.as_str() == *m && rp == p))
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for routes the router no longer has: {stale:?}"
    );
    assert_eq!(TABLE.len(), routes.len(), "one row per route");

    let t = spawn_app(engine).await;
    let world = build_world(&t).await;
    let mut wrong = Vec::new();
    for (method, path) in &routes {
        let expected = rows[&(method.as_str(), *path)];
        assert_eq!(expected.len(), ACTORS.len(), "{method} {path}");
        let url = format!(
            "{}{}{}",
            t.base,
            fill(&world, method.as_str(), path),
            query(path)
        );
        let api = path.starts_with("/api/");
        for (i, caller) in world.callers.iter().enumerate() {
            let mut req = t.http.request(method.clone(), &url);
            // A fresh session for each request, so no row's sign-out or switch leaks into
            // the next; a deactivated member's is refused however new it is.
            let csrf = match (api, caller.member) {
                (false, Some(m)) => {
                    let s = t.app.start_session(m, Some("matrix")).await.unwrap();
                    req = req.header(
                        COOKIE,
                        format!(
                            "boundary_session={}; boundary_form={}",
                            s.secret, s.csrf_token
                        ),
                    );
                    s.csrf_token
                }
                (false, None) => {
                    let form = "cd".repeat(32);
                    req = req.header(COOKIE, format!("boundary_form={form}"));
                    form
                }
                (true, _) => String::new(),
            };
            if api {
                if let Some(token) = &caller.token {
                    req = req.bearer_auth(token);
                }
                if *path == "/api/v1/cases/{id}/attachments" {
                    let part = reqwest::multipart::Part::bytes(png()).file_name("shot.png");
                    req = req.multipart(reqwest::multipart::Form::new().part("file", part));
                } else if *method != Method::GET {
                    if let Some(body) = json_body(&world, path) {
                        req = req.json(&body);
                    }
                }
            } else if *method == Method::POST {
                let mut fields = form_fields(&world, path);
                fields.push(("csrf".into(), csrf));
                req = req.form(&fields);
            }
            let r = req.send().await.unwrap();
            let got = classify(r.status(), &location(&r), path);
            let want = expected.chars().nth(i).unwrap();
            if got != want {
                wrong.push(format!(
                    "{method} {path} as {}: expected {want}, got {got} ({})",
                    ACTORS[i],
                    r.status()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A small PNG, for the routes that take a file.
fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[0; 32]);
    b
}
