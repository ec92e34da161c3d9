//! The doctor's pages: open a case, log contacts, read the timeline, correct an entry.

use crate::helpers::{location, spawn_app, PASSWORD};
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_doctor_logs_contacts_and_reads_the_timeline(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let r = app
        .submit(
            "/cases/new",
            "/cases",
            &[
                ("label", "Patient A"),
                ("nhs_number", "943 476 5919"),
                ("identifiers", "07700 900123\n@patient_a"),
                ("chaperone_required", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = location(&r).trim_start_matches("/cases/").to_owned();

    // The log form on a flagged case shows the chaperone banner. "When" has no default:
    // "now" for something that happened twenty minutes ago would be silently wrong.
    let (_, form) = app.get_html(&format!("/cases/{case}/log")).await;
    assert!(form.contains("Chaperone required"));
    assert!(form.contains("id=\"when-now\" name=\"when\" type=\"radio\" value=\"now\">"));
    let r = app
        .submit(
            &format!("/cases/{case}/log"),
            &format!("/cases/{case}/entries"),
            &[
                ("channel", "text_message"),
                (
                    "what_happened",
                    "Fourteen messages overnight asking to meet",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Say when it happened"), "{html}");
    assert!(html.contains("Fourteen messages overnight asking to meet"));

    // Just now, with only the two things that matter.
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "text_message"),
                ("when", "now"),
                (
                    "what_happened",
                    "Fourteen messages overnight asking to meet",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = location(&r);
    assert!(after.starts_with(&format!("/cases/{case}?logged=")));
    let (_, html) = app.get_html(&after).await;
    assert!(html.contains("Contact 1 logged"), "{html}");
    assert!(html.contains("Fingerprint of this entry"));
    // Its own page numbers it within the case and offers the receipt again.
    let entry = after.split("logged=").nth(1).unwrap().to_owned();
    let (_, html) = app.get_html(&format!("/entries/{entry}")).await;
    assert!(
        html.contains(">Entry in this case</dt><dd class=\"nhsuk-summary-list__value\">1<"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/entries/{entry}/receipt\"")));

    // Earlier today: only the time is asked for; one still to come is refused.
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "phone_call"),
                ("when", "today"),
                ("occurred_time", "00:00"),
                ("what_happened", "Rang at midnight and hung up"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "phone_call"),
                ("when", "today"),
                ("occurred_time", "half nine"),
                ("what_happened", "Rang again"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Enter a real time of day"));
    // An hour from now (UK time), when that is still today, has not happened yet.
    let now = boundary_domain::uk_time::to_uk(app.app.now().datetime());
    let later = now + time::Duration::hours(1);
    if later.date() == now.date() {
        let at = format!("{:02}:{:02}", later.hour(), later.minute());
        let r = app
            .log_contact_page(
                &case,
                &[
                    ("channel", "phone_call"),
                    ("when", "today"),
                    ("occurred_time", &at),
                    ("what_happened", "Rang again"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"occurred_time-error\""),
            "the error is on the time: {html}"
        );
    }

    // An earlier day, time unknown and approximate; then an exact earlier time.
    app.log_contact_page(
        &case,
        &[
            ("channel", "at_home"),
            ("when", "on"),
            ("occurred_on", "2026-01-05"),
            ("approximate", "yes"),
            ("what_happened", "Waited outside my house"),
            ("location", "Outside my house"),
            ("witnesses", "My neighbour"),
            ("effect_on_me", "Frightened"),
            ("my_response", "Went inside and called 101"),
            ("police_reference", "CAD 1234"),
        ],
    )
    .await;
    app.log_contact_page(
        &case,
        &[
            ("channel", "phone_call"),
            ("when", "at"),
            ("occurred_at", "2026-01-10T21:40"),
            (
                "what_happened",
                "Called the surgery asking for my home address",
            ),
        ],
    )
    .await;

    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(
        page.contains("Patient A") && page.contains("943 476 5919") && page.contains("@patient_a")
    );
    assert!(page.contains("Chaperone required"));
    // Newest contact first.
    let now_pos = page.find("Fourteen messages").unwrap();
    let call_pos = page.find("home address").unwrap();
    let home_pos = page.find("Waited outside").unwrap();
    assert!(
        now_pos < call_pos && call_pos < home_pos,
        "timeline is newest first"
    );
    assert!(
        page.contains("About Mon 5 Jan 2026"),
        "date-only, approximate"
    );
    assert!(page.contains("Approximate"));
    assert!(page.contains("Sat 10 Jan 2026, 21:40"), "UK time as typed");
    assert!(page.contains("Recorded "));

    // The owner changes the status and lifts the chaperone flag from the case page.
    let r = app
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/status"),
            &[("status", "warned"), ("note", "Letter handed over")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/chaperone"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(page.contains("<strong class=\"nhsuk-tag nhsuk-tag--grey\">Warned</strong>"));
    assert!(!page.contains("Chaperone required for every consultation with this person."));

    // My cases shows the count and the last contact.
    let (_, cases) = app.get_html("/cases").await;
    assert!(cases.contains("Patient A") && cases.contains("4 contacts logged"));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_refused_contact_comes_back_with_what_was_typed(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let typed = "He said he would wait for me — every night";
    let r = app
        .log_contact_page(
            &case,
            &[
                ("when", "at"),
                ("occurred_at", "2099-01-01T10:00"),
                ("what_happened", typed),
                ("location", "Car park"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(html.contains("Choose how the contact happened"));
    assert!(html.contains("cannot be in the future"));
    assert!(html.contains(typed), "what happened is kept");
    assert!(html.contains("value=\"Car park\""));
    assert!(html.contains("value=\"2099-01-01T10:00\""));
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    assert!(page.contains("No contacts logged yet"));

    let r = app
        .submit(
            "/cases/new",
            "/cases",
            &[("label", "Patient B"), ("nhs_number", "943 476 5918")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("not a valid NHS number") && html.contains("value=\"Patient B\""));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_correction_keeps_the_original(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    app.log_contact_page(
        &case,
        &[
            ("channel", "letter_or_card"),
            ("what_happened", "A card left at reception"),
            ("location", "Reception"),
        ],
    )
    .await;
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    let start = page.find("href=\"/entries/").unwrap() + "href=\"/entries/".len();
    let entry = &page[start..start + 36];

    let r = app
        .submit(
            &format!("/entries/{entry}/amend"),
            &format!("/entries/{entry}/amendments"),
            &[
                ("field", "location"),
                ("value", "Reception desk, Riverside Surgery"),
                ("reason", "More exact"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html(&format!("/entries/{entry}")).await;
    assert!(html.contains("corrected 1 time"));
    assert!(html.contains("Reception desk, Riverside Surgery"));
    assert!(html.contains("More exact"));
    assert!(html.contains("Original entry"));
    let original = &html[html.find("Original entry").unwrap()..];
    assert!(
        original.contains(">Reception<"),
        "the original value is still shown"
    );

    // A correction without a reason is refused and nothing is added.
    let r = app
        .submit(
            &format!("/entries/{entry}/amend"),
            &format!("/entries/{entry}/amendments"),
            &[("field", "location"), ("value", "x"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Say why"));
    let (_, html) = app.get_html(&format!("/entries/{entry}")).await;
    assert!(html.contains("corrected 1 time"));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn another_members_case_is_not_found_on_every_page(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    app.log_contact_page(
        &case,
        &[("channel", "email"), ("what_happened", "An e-mail")],
    )
    .await;
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    let start = page.find("href=\"/entries/").unwrap() + "href=\"/entries/".len();
    let entry = page[start..start + 36].to_owned();

    app.app
        .add_member(
            "Riverside Surgery",
            "ben@example.nhs.uk",
            "Dr Ben",
            "clinician",
            Some(&crate::helpers::password()),
        )
        .await
        .unwrap();
    app.forget_cookies();
    app.sign_in("ben@example.nhs.uk", PASSWORD).await;
    for path in [
        format!("/cases/{case}"),
        format!("/cases/{case}/log"),
        format!("/entries/{entry}"),
        format!("/entries/{entry}/amend"),
    ] {
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (_, html) = app.get_html("/cases").await;
    assert!(!html.contains("Patient A"));
    // Posting to it with a valid token of Ben's own session changes nothing.
    let (_, any_form) = app.get_html("/cases/new").await;
    let csrf = crate::helpers::csrf_in(&any_form);
    let r = app
        .post_form(
            &format!("/cases/{case}/entries"),
            &[
                ("channel", "email"),
                ("what_happened", "x"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .post_form(
            &format!("/entries/{entry}/amendments"),
            &[
                ("field", "location"),
                ("value", "x"),
                ("reason", "x"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let ada = app.app.member_by_email("ada@example.nhs.uk").await.unwrap();
    let ada = boundary_app::Actor {
        member: ada,
        ..app
            .app
            .token_actor(&app.app.create_token(ada, None, None).await.unwrap().secret)
            .await
            .unwrap()
    };
    let (row, entries) = app.app.entries(&ada, case.parse().unwrap()).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(row.status.code(), "open");
    assert!(!row.chaperone_required);
    assert!(entries[0].amendments.is_empty());
}
