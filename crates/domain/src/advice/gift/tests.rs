use super::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 27);

fn input() -> GiftInput {
    GiftInput {
        offered_on: "2026-11-20".into(),
        donor: "Alex Smith".into(),
        donor_is: Some("patient".into()),
        nhs_number: None,
        donor_address: None,
        description: "Bottle of wine".into(),
        value_pounds: "20".into(),
        recipient_email: "gp@example.nhs.uk".into(),
        decision: "declined".into(),
        why: "Practice policy".into(),
    }
}

fn gift(on: Date, donor: &str, pounds: u64) -> Gift {
    let mut g = Gift::parse(&input(), TODAY).unwrap();
    g.offered_on = on;
    g.donor = donor.into();
    g.value_pence = pounds * 100;
    g
}

#[test]
fn pounds_are_read_as_people_type_them() {
    for (raw, pence) in [
        ("20", 2_000),
        ("£20", 2_000),
        ("12.5", 1_250),
        ("12.50", 1_250),
        ("£1,250.00", 125_000),
        (".99", 99),
        ("0", 0),
        (" 100.01 ", 10_001),
    ] {
        assert_eq!(parse_pounds(raw), Ok(pence), "{raw}");
    }
    for raw in [
        "",
        "£",
        "twenty",
        "12.345",
        "-5",
        "1e3",
        "12.5.0",
        "1000000.01",
    ] {
        assert!(parse_pounds(raw).is_err(), "{raw}");
    }
    assert_eq!(pounds(125_000), "£1,250.00");
    assert_eq!(pounds(99), "£0.99");
    assert_eq!(pounds(100_000_000), "£1,000,000.00");
}

#[test]
fn a_gift_is_checked_field_by_field() {
    let bad = GiftInput {
        offered_on: "2026-12-01".into(),
        donor: " ".into(),
        donor_is: Some("cousin".into()),
        nhs_number: Some("123".into()),
        description: String::new(),
        value_pounds: "lots".into(),
        recipient_email: "nobody".into(),
        decision: "kept".into(),
        why: String::new(),
        ..GiftInput::default()
    };
    let errors = Gift::parse(&bad, TODAY).unwrap_err();
    for field in [
        "offered_on",
        "donor",
        "donor_is",
        "nhs_number",
        "description",
        "value_pounds",
        "recipient_email",
        "decision",
        "why",
    ] {
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
}

#[test]
fn who_the_donor_is_defaults_from_the_nhs_number() {
    let mut i = input();
    i.donor_is = None;
    assert_eq!(Gift::parse(&i, TODAY).unwrap().donor_is, DonorKind::NotSaid);
    i.nhs_number = Some("943 476 5919".into());
    assert_eq!(Gift::parse(&i, TODAY).unwrap().donor_is, DonorKind::Patient);
}

#[test]
fn the_register_threshold_is_more_than_one_hundred_pounds() {
    // (donor kind, value in pence, must be registered)
    let table = [
        (DonorKind::Patient, 10_000, false),
        (DonorKind::Patient, 10_001, true),
        (DonorKind::Relative, 10_001, true),
        (DonorKind::Supplier, 50_000, true),
        (DonorKind::NotSaid, 10_001, true),
        (DonorKind::Other, 50_000, false),
    ];
    for (kind, pence, expected) in table {
        let mut g = gift(TODAY, "A", 0);
        g.donor_is = kind;
        g.value_pence = pence;
        assert_eq!(g.over_threshold(), expected, "{kind:?} {pence}");
        assert_eq!(
            assess(&g, &[]).needs_register_entry,
            expected,
            "{kind:?} {pence}"
        );
    }
}

#[test]
fn small_gifts_that_add_up_within_twelve_months_are_caught() {
    let today = gift(date!(2026 - 11 - 20), "Alex Smith", 30);
    let earlier = [
        gift(date!(2026 - 06 - 01), "alex  SMITH", 40),
        // The same day a year before: outside the 12 months.
        gift(date!(2025 - 11 - 20), "Alex Smith", 40),
        // On the first day inside the 12 months.
        gift(date!(2025 - 11 - 21), "Alex Smith", 31),
        gift(date!(2026 - 06 - 01), "Sam Jones", 500),
        // After the new gift's date: not part of its total.
        gift(date!(2026 - 11 - 21), "Alex Smith", 500),
    ];
    let a = assess(&today, &earlier);
    assert_eq!(a.donor_total_pence, 10_100);
    assert!(a.needs_register_entry);
    assert!(a.warnings.iter().any(|w| w.contains("£101.00")), "{a:?}");

    let under = assess(&today, &earlier[..2]);
    assert_eq!(under.donor_total_pence, 7_000);
    assert!(!under.needs_register_entry);
    assert!(under.warnings.is_empty(), "{under:?}");
}

#[test]
fn the_same_nhs_number_is_the_same_donor_whatever_the_name() {
    let nhs = NhsNumber::parse("9434765919").unwrap();
    let mut a = gift(TODAY, "Alex Smith", 60);
    a.nhs_number = Some(nhs.clone());
    let mut b = gift(TODAY, "A. Smith", 60);
    b.nhs_number = Some(nhs);
    assert_eq!(donor_total(&a, &[b.clone()]), 12_000);
    b.nhs_number = Some(NhsNumber::parse("4010232137").unwrap());
    assert_eq!(donor_total(&a, &[b]), 6_000);
}

#[test]
fn the_register_asks_for_an_nhs_number_or_address() {
    let mut g = gift(TODAY, "Alex Smith", 150);
    assert!(assess(&g, &[])
        .warnings
        .iter()
        .any(|w| w.contains("NHS number")));
    g.donor_address = Some("1 High Street".into());
    assert!(assess(&g, &[]).warnings.is_empty());
}

#[test]
fn a_donor_is_matched_to_a_person_of_concern() {
    let person =
        PersonOfConcern::parse("Alex Smith", Some("9434765919"), &["@alex_s".into()]).unwrap();
    let unnumbered = PersonOfConcern::parse("Alex Smith", None, &["@alex_s".into()]).unwrap();
    let nhs = |n: &str| Some(NhsNumber::parse(n).unwrap());
    // (donor, donor's NHS number, person, expected)
    let table = [
        (" alex smith ", None, &person, DonorMatch::Likely),
        ("@ALEX_S", None, &person, DonorMatch::Likely),
        ("Sam Jones", None, &person, DonorMatch::No),
        ("Sam Jones", nhs("9434765919"), &person, DonorMatch::Certain),
        ("Alex Smith", nhs("4010232137"), &person, DonorMatch::No),
        (
            "Alex Smith",
            nhs("4010232137"),
            &unnumbered,
            DonorMatch::Likely,
        ),
    ];
    for (donor, number, who, expected) in table {
        let mut g = gift(TODAY, donor, 10);
        g.nhs_number = number;
        assert_eq!(donor_match(&g, who), expected, "{donor}");
    }
}

#[test]
fn the_whole_register_is_read_with_every_gift_counted_once() {
    let gifts = [
        gift(date!(2026 - 01 - 10), "Alex Smith", 60),
        gift(date!(2026 - 03 - 10), "Alex Smith", 50),
        gift(date!(2026 - 03 - 10), "Sam Jones", 20),
    ];
    let read = assess_register(&gifts);
    assert_eq!(
        read.iter().map(|a| a.donor_total_pence).collect::<Vec<_>>(),
        [6_000, 11_000, 2_000]
    );
    assert_eq!(
        read.iter()
            .map(|a| a.needs_register_entry)
            .collect::<Vec<_>>(),
        [false, true, false]
    );
}
