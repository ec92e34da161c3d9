use super::*;
use boundary_domain::advice::police::PoliceReportInput;
use boundary_domain::advice::removal::plan;
use boundary_domain::advice::RemovalAssessment;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 27);

fn facts<'a>(warning: Option<&'a Warning>, removal: Option<RemovalFacts<'a>>) -> LetterFacts<'a> {
    LetterFacts {
        practice: "Riverside Surgery",
        doctor: "Dr Ada Lovelace",
        patient: "Alex Smith",
        nhs_number: Some("943 476 5919"),
        today: TODAY,
        warning,
        chaperone_required: true,
        removal,
    }
}

fn warning() -> Warning {
    Warning::parse(
        "2026-11-02",
        "In person",
        "You sent 40 messages in a week.",
        TODAY,
    )
    .unwrap()
}

fn report() -> PoliceReport {
    PoliceReport::parse(
        &PoliceReportInput {
            reported_on: "2026-11-26".into(),
            force: "Thames Valley Police".into(),
            officer: None,
            reference: "TVP-2611".into(),
            summary: "Pushed the receptionist".into(),
        },
        TODAY,
    )
    .unwrap()
}

#[test]
fn a_warning_letter_gives_the_reasons_and_how_long_it_counts() {
    let w = warning();
    let text = draft(LetterKind::Warning, &facts(Some(&w), None), None);
    for want in [
        "Riverside Surgery",
        "27 Nov 2026",
        // The case calls them "Alex Smith"; the letter leaves marked spaces for the name
        // and address the post needs, which a label may not be.
        "[The patient's full name]\n[The patient's address]",
        "Dear [The patient's full name],",
        "You sent 40 messages in a week.",
        "until 2 Nov 2027",
        "someone else from the practice will be present",
        "Dr Ada Lovelace",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    assert!(!text.contains("{{"), "every placeholder filled:\n{text}");
}

#[test]
fn a_missing_fact_is_left_as_a_note_to_complete() {
    let text = draft(LetterKind::Warning, &facts(None, None), None);
    assert!(text.contains("[Say what the patient did"), "{text}");
}

#[test]
fn an_ordinary_request_names_the_warning_and_the_eighth_day() {
    let w = warning();
    let a = RemovalAssessment::parse(true, None, None, None).unwrap();
    let p = plan(TODAY, false, Some(&a), std::slice::from_ref(&w), &[]);
    let f = facts(
        Some(&w),
        Some(RemovalFacts {
            immediate: false,
            plan: &p,
            police: None,
            exception: None,
            not_told_why: None,
        }),
    );
    let request = draft(LetterKind::RemovalRequest, &f, None);
    for want in [
        "NHS number: 943 476 5919",
        "We warned the patient on 2 Nov 2026 (In person)",
        "on 5 Dec 2026 if it reaches you on 27 Nov 2026",
        "nothing to do with the patient's race",
        "We are telling the patient in writing",
    ] {
        assert!(request.contains(want), "{want}:\n{request}");
    }
    assert!(!request.contains("immediate effect"), "{request}");
    assert!(!request.contains("[Before sending"), "{request}");
    let notice = draft(LetterKind::RemovalNotice, &f, None);
    assert!(
        notice.contains("You will stay registered with us until 5 Dec 2026"),
        "{notice}"
    );
    assert!(
        notice.contains("You sent 40 messages in a week."),
        "{notice}"
    );
}

#[test]
fn an_exception_is_stated_when_no_warning_was_given() {
    let a = RemovalAssessment::parse(
        true,
        Some("risk_to_others"),
        Some("He threatened staff"),
        None,
    )
    .unwrap();
    let p = plan(TODAY, false, Some(&a), &[], &[]);
    let text = draft(
        LetterKind::RemovalRequest,
        &facts(
            None,
            Some(RemovalFacts {
                immediate: false,
                plan: &p,
                police: None,
                exception: Some((WarningException::RiskToOthers, "He threatened staff")),
                not_told_why: None,
            }),
        ),
        None,
    );
    assert!(
        text.contains("We did not warn the patient first, because a warning would put the safety of staff or others at risk: He threatened staff"),
        "{text}"
    );
}

#[test]
fn an_immediate_request_names_the_police_report_and_the_seven_day_confirmation() {
    let r = report();
    let a = RemovalAssessment::parse(true, None, None, Some("No known address")).unwrap();
    let p = plan(TODAY, true, Some(&a), &[], std::slice::from_ref(&r));
    let f = facts(
        None,
        Some(RemovalFacts {
            immediate: true,
            plan: &p,
            police: Some(&r),
            exception: None,
            not_told_why: Some("No known address"),
        }),
    );
    let request = draft(LetterKind::RemovalRequest, &f, None);
    for want in [
        "with immediate effect",
        "Thames Valley Police on 26 Nov 2026; the incident number is TVP-2611",
        "in writing, within the 7 days allowed: by 4 Dec 2026",
        "not reasonably practicable: No known address",
    ] {
        assert!(request.contains(want), "{want}:\n{request}");
    }
    let notice = draft(LetterKind::RemovalNotice, &f, None);
    assert!(notice.contains("takes effect straight away"), "{notice}");
}

#[test]
fn a_request_the_planner_refuses_says_what_to_settle_first() {
    let p = plan(TODAY, false, None, &[], &[]);
    let text = draft(
        LetterKind::RemovalRequest,
        &facts(
            None,
            Some(RemovalFacts {
                immediate: false,
                plan: &p,
                police: None,
                exception: None,
                not_told_why: None,
            }),
        ),
        None,
    );
    assert!(text.starts_with("[Before sending: First confirm"), "{text}");
    assert!(text.contains("[Before sending: No warning"), "{text}");
}

#[test]
fn a_practice_template_is_used_with_the_same_placeholders() {
    let w = warning();
    let own = "{{ practice }} — {{ patient }}\n{{ reasons }}\nValid until {{ lapses_on }}.";
    assert!(check_template(own).is_ok());
    let text = draft(LetterKind::Warning, &facts(Some(&w), None), Some(own));
    assert_eq!(
        text,
        "Riverside Surgery — Alex Smith\nYou sent 40 messages in a week.\nValid until 2 Nov 2027."
    );
}

#[test]
fn a_template_that_cannot_work_is_refused_with_a_reason() {
    // (template, words the refusal must contain)
    let table = [
        ("", "Write the template"),
        ("Dear {{ patient ", "not written correctly"),
        ("Dear {{ patinet }}", "placeholder that does not exist"),
        ("{% if immediate %}Now", "not written correctly"),
        (
            "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}",
            "too long",
        ),
    ];
    for (template, says) in table {
        let why = check_template(template).unwrap_err().to_string();
        assert!(why.contains(says), "{template:?}: {why}");
    }
    let long = "x".repeat(TEMPLATE_MAX + 1);
    assert!(check_template(&long)
        .unwrap_err()
        .to_string()
        .contains("20000 characters"));
    // Boundary's own wording passes its own check.
    for kind in LetterKind::ALL {
        let checked = check_template(default_template(kind));
        assert!(checked.is_ok(), "{kind:?}: {checked:?}");
    }
}

#[test]
fn a_stored_template_that_fails_falls_back_to_boundarys_wording_and_says_so() {
    let text = draft(LetterKind::Warning, &facts(None, None), Some("{{ nope }}"));
    assert!(
        text.starts_with("[The practice's own wording could not be used"),
        "{text}"
    );
    assert!(text.contains("Dear [The patient's full name],"), "{text}");
}
