//! The case page tells the story: the case in brief first, the timeline in months with
//! its newest part shown and the rest a link away, and every contact still offered for
//! withholding from the evidence pack.

use crate::helpers::spawn_app;
use boundary_store::Engine;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_long_case_reads_newest_first_in_months_with_the_rest_a_link_away() {
    let app = spawn_app(Engine::Sqlite).await;
    // Set up through the page (this browser is signed in), with a token for the API.
    let token = app.owner_token().await;
    let case = app.open_case_page("Patient S").await;
    // Thirty-one contacts, a day apart, ending today.
    let today = app.app.uk_today();
    for back in (0..31).rev() {
        let on = today - time::Duration::days(back);
        let (s, e) = app
            .api_post(
                &format!("/api/v1/cases/{case}/entries"),
                &token,
                json!({"channel": "phone_call", "occurred_on": on.to_string(),
                       "what_happened": format!("Call number {}", 31 - back)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    // In brief, before the timeline.
    let brief = page
        .find("31 contacts</strong>, the first")
        .expect("the case in brief");
    assert!(brief < page.find("id=\"timeline\"").unwrap());
    // Newest first, in months, thirty shown.
    assert!(page.contains("Call number 31") && page.contains("Call number 2"));
    assert!(
        !page.contains("Call number 1<"),
        "the oldest waits behind the link"
    );
    let this_month = format!(
        "<h3 class=\"boundary-month\">{} {}</h3>",
        today.month(),
        today.year()
    );
    assert!(page.contains(&this_month), "{page}");
    assert!(page.contains("1 older item is not shown."));
    assert!(page.contains("?timeline=all#timeline\">Show the whole timeline"));
    // The weekly picture's numbers in words too, a row a week: colours and bars are not
    // for everyone, or for a finger.
    assert!(page.contains("The numbers behind the picture"));
    assert_eq!(
        page.matches("<td class=\"nhsuk-table__cell\">Week of ")
            .count(),
        12
    );
    // And the heat map's: a row a weekday (these contacts have no time, so none is busiest).
    assert!(page.contains("The days and hours in words"));
    for day in ["Monday", "Sunday"] {
        assert!(
            page.contains(&format!("<td class=\"nhsuk-table__cell\">{day}</td>")),
            "{day}"
        );
    }
    // Every contact can still be withheld from a pack.
    assert_eq!(page.matches("name=\"withhold\"").count(), 31);

    let (_, all) = app.get_html(&format!("/cases/{case}?timeline=all")).await;
    assert!(all.contains("Call number 1<"));
    assert!(!all.contains("not shown"));
}

#[tokio::test]
async fn a_case_older_than_twelve_weeks_is_pictured_whole_in_months() {
    let app = spawn_app(Engine::Sqlite).await;
    let token = app.owner_token().await;
    let case = app.open_case_page("Patient T").await;
    // A first contact five months ago, one two months ago, and two this week.
    let today = app.app.uk_today();
    let first = today.replace_day(1).unwrap() - time::Duration::days(140);
    for (n, on) in [first, today - time::Duration::days(60), today, today]
        .iter()
        .enumerate()
    {
        let (s, e) = app
            .api_post(
                &format!("/api/v1/cases/{case}/entries"),
                &token,
                json!({"channel": "text_message", "occurred_on": on.to_string(),
                       "what_happened": format!("Message {n}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }
    let (_, page) = app.get_html(&format!("/cases/{case}")).await;
    let since = format!("4 contacts since {} {}", first.month(), first.year());
    assert!(
        page.contains(&since),
        "the first contact is in the picture: {page}"
    );
    assert!(page.contains(">Contacts each month, by how they happened<"));
    let this_month = format!(
        "<td class=\"nhsuk-table__cell\">{} {}</td><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">2</td>",
        today.month(),
        today.year()
    );
    assert!(page.contains(&this_month), "a row a month, newest first");
    assert!(
        !page.contains(">Week of "),
        "not cut down to the last weeks"
    );
}
