//! The period asked for is signed with the manifest, and an event withheld as outside it
//! must be dated outside it (issue 18); format 1 bundles, which have no period, still read.

use super::held_tests::python_verdict;
use super::tests::{build, edit, read, rezip, signer, trusting};
use super::*;
use time::macros::date;

const NOVEMBER: (Option<time::Date>, Option<time::Date>) =
    (Some(date!(2026 - 11 - 01)), Some(date!(2026 - 11 - 30)));

fn outside_on(on: time::Date) -> Vec<u8> {
    let why = Some((OUTSIDE_PERIOD.to_owned(), Some(on)));
    build(&signer(), why, NOVEMBER, |_, _| Vec::new())
}

/// The bundle with its manifest changed by `change` and signed again by the log's key
/// (as only the key's holder could), under the format the manifest then names.
fn resigned(bytes: &[u8], change: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut m: serde_json::Value = serde_json::from_slice(&read(bytes, "manifest.json")).unwrap();
    change(&mut m);
    let m = serde_json::to_vec_pretty(&m).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&m).unwrap();
    let statement = manifest_statement(
        v["format"].as_str().unwrap(),
        v["case"].as_str().unwrap(),
        v["tree_size"].as_u64().unwrap(),
        &m,
    );
    let sig = signer().sign(&statement);
    rezip(
        bytes,
        |n, c| match n {
            "manifest.json" => Some(m.clone()),
            "manifest.sig" => Some(sig.clone().into_bytes()),
            _ => Some(c),
        },
        &[],
    )
}

#[test]
fn an_event_withheld_as_outside_the_period_is_dated_outside_it() {
    let r = verify(&outside_on(date!(2026 - 10 - 02)), &Trust::default()).unwrap();
    assert_eq!(r.format, FORMAT);
    assert_eq!(
        r.period.as_deref(),
        Some("contacts from 2026-11-01 to 2026-11-30")
    );
    assert_eq!(r.withheld, vec![(3, OUTSIDE_PERIOD.to_owned())]);
    let m = String::from_utf8(read(&outside_on(date!(2026 - 10 - 02)), "manifest.json")).unwrap();
    assert!(m.contains("\"occurred_on\": \"2026-10-02\""), "{m}");
    let (code, said) = python_verdict(&outside_on(date!(2026 - 10 - 02)), &[]);
    assert_eq!(code, 3, "{said}");
    assert!(
        said.contains("period: contacts from 2026-11-01 to 2026-11-30; each event withheld"),
        "{said}"
    );
}

#[test]
fn an_omission_labelled_outside_the_period_but_inside_it_fails() {
    // Even signed by the log's own key: the claim contradicts the signed period.
    let why = verify(
        &outside_on(date!(2026 - 11 - 05)),
        &trusting(&signer().verifier().vkey()),
    )
    .unwrap_err();
    assert!(why.contains("lies inside the period"), "{why}");
    assert!(why.contains("2026-11-05"), "{why}");
    let (code, said) = python_verdict(&outside_on(date!(2026 - 11 - 05)), &[]);
    assert!(
        code == 1 && said.contains("lies inside the period"),
        "{said}"
    );
    // A reason that only says so, without the day of the contact, cannot be checked.
    let undated = build(
        &signer(),
        Some((OUTSIDE_PERIOD.to_owned(), None)),
        NOVEMBER,
        |_, _| Vec::new(),
    );
    let why = verify(&undated, &Trust::default()).unwrap_err();
    assert!(why.contains("does not say when its contact was"), "{why}");
    // A period widened after signing, to take the omission in, breaks the signature.
    let widened = edit(&outside_on(date!(2026 - 10 - 02)), "manifest.json", |s| {
        s.replace("2026-11-01", "2026-10-01")
    });
    let why = verify(&widened, &Trust::default()).unwrap_err();
    assert!(why.contains("not the manifest the log signed"), "{why}");
    let (code, said) = python_verdict(&widened, &[]);
    assert!(
        code == 1 && said.contains("not the manifest the log signed"),
        "{said}"
    );
    // So does a period removed.
    let dropped = rezip(
        &outside_on(date!(2026 - 10 - 02)),
        |n, c| {
            Some(if n == "manifest.json" {
                let mut m: serde_json::Value = serde_json::from_slice(&c).unwrap();
                m.as_object_mut().unwrap().remove("period");
                serde_json::to_vec_pretty(&m).unwrap()
            } else {
                c
            })
        },
        &[],
    );
    let why = verify(&dropped, &Trust::default()).unwrap_err();
    assert!(why.contains("does not say what period"), "{why}");
}

#[test]
fn a_format_1_bundle_still_reads_and_says_its_period_is_not_recorded() {
    let v2 = build(
        &signer(),
        Some(("names a third party".into(), None)),
        (None, None),
        |_, _| Vec::new(),
    );
    let v1 = resigned(&v2, |m| {
        m["format"] = FORMAT_1.into();
        m.as_object_mut().unwrap().remove("period");
    });
    let r = verify(&v1, &Trust::default()).unwrap();
    assert_eq!((r.format.as_str(), r.period.as_ref()), (FORMAT_1, None));
    let (code, said) = python_verdict(&v1, &["--vkey", &signer().verifier().vkey()]);
    assert!(code == 0 && said.contains("period: not recorded"), "{said}");
    // A format 2 manifest passed off as format 1 (to shed its period) fails: the format
    // is the first line of what the key signed.
    let shed = edit(&v2, "manifest.json", |s| s.replace(FORMAT, FORMAT_1));
    assert!(verify(&shed, &Trust::default()).is_err());
}
