use super::*;
use boundary_domain::event::{Salt, EVENT_VERSION};
use boundary_domain::{Event, EventBody, MemberId, Timestamp};
use boundary_ledger::{leaf_hash, MemoryTree};
use std::io::Read;

pub(super) fn signer() -> LogSigner {
    LogSigner::from_seed(&[9; 32])
}

pub(super) fn case(n: u8) -> CaseId {
    CaseId::from_random([n; 16])
}

/// A log of six events, alternating between cases 1 and 2; the bundle of case 1 with
/// event 3 withheld when `withhold` is set.
fn bundle(withhold: bool) -> Vec<u8> {
    bundle_with(withhold, |_, _| Vec::new())
}

/// As [`bundle`], with the receipt checkpoints `receipts` makes from the log's tree.
pub(super) fn bundle_with(
    withhold: bool,
    receipts: impl Fn(&MemoryTree, &LogSigner) -> Vec<BundleReceipt>,
) -> Vec<u8> {
    let why = withhold.then(|| ("names a third party".to_owned(), None));
    build(&signer(), why, (None, None), receipts)
}

/// The bundle of case 1 from a log of six events, signed by `s`, with event 3 withheld
/// for `why` (a reason and the day of its contact) and the period asked for.
pub(super) fn build(
    s: &LogSigner,
    why: Option<(String, Option<time::Date>)>,
    period: (Option<time::Date>, Option<time::Date>),
    receipts: impl Fn(&MemoryTree, &LogSigner) -> Vec<BundleReceipt>,
) -> Vec<u8> {
    let mut tree = MemoryTree::new();
    let mut contents = Vec::new();
    for i in 0..6u8 {
        let e = Event {
            v: EVENT_VERSION,
            case: Some(case(1 + i % 2)),
            actor: MemberId::from_random([2; 16]),
            recorded_at: Timestamp::parse("2026-11-27T10:00:00.000000Z").unwrap(),
            salt: Salt([i; 16]),
            body: EventBody::ChaperoneFlagSet {
                required: i % 3 == 0,
            },
        };
        let bytes = e.canonical_bytes().unwrap();
        tree.push(leaf_hash(&bytes));
        contents.push(bytes);
    }
    let root = tree.root(6).unwrap();
    let checkpoint = s.sign_checkpoint(6, &root);
    let events = (0..6u64)
        .filter(|i| i % 2 == 0)
        .map(|i| BundleEvent {
            seq: i + 1,
            leaf_hash: leaf_hash(&contents[i as usize]),
            proof: tree.inclusion(6, i).unwrap(),
            content: (why.is_none() || i != 2).then(|| contents[i as usize].clone()),
            withheld: why.as_ref().filter(|_| i == 2).map(|w| w.0.clone()),
            occurred_on: why.as_ref().filter(|_| i == 2).and_then(|w| w.1),
        })
        .collect();
    write(&BundleInput {
        case: case(1),
        made_at: "2026-11-27T12:00:00Z".into(),
        checkpoint: &checkpoint,
        tree_size: 6,
        signer: s,
        events,
        attachments: Vec::new(),
        pdf: Some(b"%PDF-1.7 not checked".to_vec()),
        timestamp: None,
        receipts: receipts(&tree, s),
        period,
    })
    .unwrap()
}

/// The same archive with each file passed through `change` (None drops it) and `add`ed.
pub(super) fn rezip(
    bytes: &[u8],
    mut change: impl FnMut(&str, Vec<u8>) -> Option<Vec<u8>>,
    add: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if let Some(c) = change(&name, content) {
            out.start_file(name, SimpleFileOptions::default()).unwrap();
            out.write_all(&c).unwrap();
        }
    }
    for (name, c) in add {
        out.start_file(*name, SimpleFileOptions::default()).unwrap();
        out.write_all(c).unwrap();
    }
    out.finish().unwrap().into_inner()
}

pub(super) fn edit(bytes: &[u8], file: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    rezip(
        bytes,
        |name, c| {
            Some(if name == file {
                f(String::from_utf8(c).unwrap()).into_bytes()
            } else {
                c
            })
        },
        &[],
    )
}

#[test]
fn a_good_bundle_verifies_and_says_what_it_holds() {
    let r = verify(&bundle(false), &Trust::default()).unwrap();
    assert_eq!(r.case, case(1).to_string());
    assert_eq!((r.events, r.tree_size), (3, 6));
    assert!(r.origin.starts_with("boundary/"));
    // Checked with the key it carries: it hangs together, but nothing says whose it is.
    assert!(!r.key_trusted);
    assert_eq!(r.vkey, signer().verifier().vkey());
    let trusted = signer().verifier().vkey();
    let r = verify(&bundle(false), &trusting(&trusted)).unwrap();
    assert!(r.key_trusted);
}

#[test]
fn a_withheld_event_still_proves_its_place() {
    let r = verify(&bundle(true), &Trust::default()).unwrap();
    assert_eq!(r.events, 2);
    assert_eq!(r.withheld, vec![(3, "names a third party".to_owned())]);
}

#[test]
fn every_kind_of_tampering_is_named() {
    let good = bundle(false);
    let first = event_file(1);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "edited event",
            edit(&good, &first, |s| {
                s.replace("\"required\":true", "\"required\":false")
            }),
            "does not match its leaf hash",
        ),
        (
            "removed event file",
            rezip(&good, |n, c| (n != first).then_some(c), &[]),
            "is missing from the bundle",
        ),
        (
            "removed from the manifest too",
            {
                let mut m: serde_json::Value =
                    serde_json::from_slice(&read(&good, "manifest.json")).unwrap();
                m["events"].as_array_mut().unwrap().remove(0);
                let m = serde_json::to_vec_pretty(&m).unwrap();
                rezip(
                    &good,
                    |n, c| match n {
                        "manifest.json" => Some(m.clone()),
                        n if n == first => None,
                        _ => Some(c),
                    },
                    &[],
                )
            },
            "not the manifest the log signed",
        ),
        (
            "changed checkpoint",
            edit(&good, "checkpoint.txt", |s| s.replacen("\n6\n", "\n7\n", 1)),
            "checkpoint.txt",
        ),
        (
            "forged signature",
            edit(&good, "manifest.sig", |s| {
                let (body, sig) = s.rsplit_once(' ').unwrap();
                let mut sig = sig.trim().to_owned();
                let last = if sig.ends_with('A') { "B" } else { "A" };
                sig.replace_range(sig.len() - 2..sig.len() - 1, last);
                format!("{body} {sig}\n")
            }),
            "manifest.sig",
        ),
        (
            "an extra file",
            rezip(
                &good,
                |_, c| Some(c),
                &[("events/000000000099.json", b"{}")],
            ),
            "which the manifest does not list",
        ),
        ("not a zip", b"hello".to_vec(), "not a readable zip"),
    ];
    for (what, bytes, says) in cases {
        let why = verify(&bytes, &Trust::default()).expect_err(what);
        assert!(why.contains(says), "{what}: {why}");
    }
    let other = LogSigner::from_seed(&[8; 32]).verifier().vkey();
    assert!(verify(&good, &trusting(&other))
        .unwrap_err()
        .contains("not the one you trust"));
}

pub(super) fn trusting(vkey: &str) -> Trust<'_> {
    Trust {
        vkey: Some(vkey),
        tsa_cert: None,
    }
}

pub(super) fn read(zip: &[u8], name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}
