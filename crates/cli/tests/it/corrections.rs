//! Correcting an entry through the page asks for each part as the log form does — the
//! channel's own choices, a date picker — filled with what the entry says now, and an
//! error lands on the field that was wrong.

use crate::helpers::{location, spawn_app};
use boundary_store::Engine;
use reqwest::StatusCode;

#[tokio::test]
async fn a_correction_uses_the_log_forms_fields_never_codes() {
    let app = spawn_app(Engine::Sqlite).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient C").await;
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "text_message"),
                ("what_happened", "Waited by the blue gate"),
            ],
        )
        .await;
    let entry = location(&r).split("logged=").nth(1).unwrap().to_owned();
    let form = format!("/entries/{entry}/amend");
    let (_, html) = app.get_html(&form).await;
    // Every part is a choice, with its own field holding what the entry says now.
    assert!(
        html.contains("name=\"field\" type=\"radio\" value=\"channel\""),
        "{html}"
    );
    assert!(
        html.contains(">Waited by the blue gate</textarea>"),
        "{html}"
    );
    assert!(html.contains("name=\"value_channel\" type=\"radio\" value=\"text_message\" checked"));
    assert!(html.contains("type=\"datetime-local\""));
    assert!(
        !html.contains("like text_message"),
        "no internal codes to type"
    );

    // A date still to come is refused on the date field, with what was typed kept.
    let r = app
        .submit(
            &form,
            &format!("/entries/{entry}/amendments"),
            &[
                ("field", "occurred_on"),
                ("value_occurred_on", "2099-01-01"),
                ("reason", "Wrong day"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("<a href=\"#value_occurred_on\">"), "{html}");
    assert!(html.contains("id=\"value_occurred_on-error\""), "{html}");
    assert!(html.contains("value=\"2099-01-01\""));

    let r = app
        .submit(
            &form,
            &format!("/entries/{entry}/amendments"),
            &[
                ("field", "channel"),
                ("value_channel", "phone_call"),
                ("reason", "It was a call"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_html(&format!("/entries/{entry}")).await;
    assert!(page.contains("<h1>Phone call</h1>"), "{page}");
}
