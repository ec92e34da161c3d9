//! Issue 18, through the real binary and the independent Python verifier: a bundle is
//! trusted only as far as something the reader holds vouches for it; text in it cannot
//! drive the officer's terminal; and an omission cannot pass for one the period asked for
//! made. The verifiers read files, so one engine is enough here. (What an exporter may
//! type in the first place is in `export_text.rs`.)

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/verifier")
        .join(name)
}

fn python(name: &str, args: &[&str]) -> Output {
    Command::new("python3")
        .arg(script(name))
        .args(args)
        .output()
        .expect("python3")
}

/// Both verifiers on one bundle with the same arguments: (who, exit status, stdout).
fn both(bundle: &str, args: &[&str]) -> Vec<(&'static str, i32, String)> {
    let rust = boundary(&[&["verify", "--bundle", bundle], args].concat(), None);
    let py = python("verify_bundle.py", &[&[bundle], args].concat());
    [("boundary", rust), ("verify_bundle.py", py)]
        .into_iter()
        .map(|(who, o)| {
            let out = String::from_utf8_lossy(&o.stdout).into_owned();
            assert!(
                o.stderr.is_empty() || who == "boundary",
                "{who}: {}",
                stderr(&o)
            );
            (who, o.status.code().unwrap_or(-1), out)
        })
        .collect()
}

fn expect(bundle: &str, args: &[&str], code: i32, says: &[&str]) {
    for (who, got, out) in both(bundle, args) {
        assert_eq!(got, code, "{who} {args:?}: {out}");
        for s in says {
            assert!(out.contains(s), "{who} {args:?}: {s:?} not in\n{out}");
        }
    }
}

/// Makes a bundle from `good` with forge.py; returns the forged bundle's key.
fn forge(good: &str, out: &str, args: &[&str]) -> String {
    let o = python("forge.py", &[&[good, out], args].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn manifest(bundle: &str) -> Value {
    let mut z = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    serde_json::from_str(&s).unwrap()
}

async fn export(app: &TestApp, token: &str, case: &str, body: Value, to: &Path) -> String {
    let r = app
        .http
        .post(format!("{}/api/v1/cases/{case}/exports", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    std::fs::write(to, r.bytes().await.unwrap()).unwrap();
    to.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_bundle_forged_under_the_logs_own_name_is_not_taken_for_the_log() {
    let app = spawn_app(Engine::Sqlite).await;
    let owner = app.owner_token().await;
    let (case, logged) = app.logged_contacts(&owner, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let genuine = export(
        &app,
        &owner,
        &case,
        json!({"format": "bundle"}),
        &dir.path().join("genuine.zip"),
    )
    .await;
    let signer = app.store.signer();
    let (vkey, origin) = (signer.verifier().vkey(), signer.name().to_owned());

    // The attacker's bundle: a fresh key named after the genuine log, an entry rewritten,
    // the tree and every signature made again. It hangs together under its own key.
    let forged = dir.path().join("forged.zip");
    let forged = forged.to_str().unwrap();
    let forged_key = forge(&genuine, forged, &["--rewrite", "I invited them round"]);
    assert!(
        forged_key.starts_with(&format!("{origin}+")),
        "{forged_key}"
    );
    assert_ne!(forged_key, vkey);
    // tamper.py forges one too, and checks the Python verifier alone on it.
    let work = tempfile::tempdir().unwrap();
    let tampered = python("tamper.py", &[&genuine, work.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&tampered.stdout);
    assert!(
        tampered.status.success() && said.contains("caught: a bundle forged"),
        "{said}"
    );

    // Without a key the reader holds: not "ok", the full key shown, exit status 3.
    expect(
        forged,
        &[],
        3,
        &[
            "origin not established: case",
            &format!("under the name {origin}"),
            &format!("key: {forged_key}\n"),
            "origin: not established",
        ],
    );
    for (who, _, out) in both(forged, &[]) {
        assert!(!out.contains("ok:"), "{who}: {out}");
    }
    // With the genuine key, or the genuine receipt the doctor kept, it fails.
    expect(
        forged,
        &["--vkey", &vkey],
        1,
        &["FAILED: the bundle's verifier key is not the one you trust"],
    );
    let receipt = dir.path().join("receipt.json");
    let (s, r) = app
        .api_get(
            &format!(
                "/api/v1/entries/{}/receipt",
                logged[0]["id"].as_str().unwrap()
            ),
            &owner,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    std::fs::write(&receipt, r.to_string()).unwrap();
    expect(
        forged,
        &["--receipt", receipt.to_str().unwrap()],
        1,
        &["FAILED: the checkpoint you hold"],
    );

    // The genuine bundle: 3 alone, 0 with the genuine key or the receipt.
    expect(
        &genuine,
        &[],
        3,
        &["origin not established", &format!("key: {vkey}\n")],
    );
    expect(
        &genuine,
        &["--vkey", &vkey],
        0,
        &[
            &format!("ok: case {case}:"),
            &format!("signed checkpoint of {origin}"),
            "origin: established",
        ],
    );
    expect(
        &genuine,
        &["--receipt", receipt.to_str().unwrap()],
        0,
        &["ok: case", "held: the receipt's entry is event"],
    );
}

#[tokio::test]
async fn a_hand_made_bundle_with_control_characters_is_printed_escaped() {
    let app = spawn_app(Engine::Sqlite).await;
    let owner = app.owner_token().await;
    let (case, _) = app.logged_contacts(&owner, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let good = export(
        &app,
        &owner,
        &case,
        json!({"format": "bundle"}),
        &dir.path().join("good.zip"),
    )
    .await;
    let seq = manifest(&good)["events"][1]["seq"]
        .as_u64()
        .unwrap()
        .to_string();
    let made = dir.path().join("made.zip");
    let made = made.to_str().unwrap();
    let key = forge(
        &good,
        made,
        &["--reason", &seq, "names\\x1b[2K\\r a neighbour\\u202e\\x9b"],
    );
    let escaped = "names\\u{1b}[2K\\u{d} a neighbour\\u{202e}\\u{9b}";
    expect(
        made,
        &["--vkey", &key],
        0,
        &[&format!(
            "withheld: event {seq}: the exporter's reason: \"{escaped}\""
        )],
    );
    for (who, _, out) in both(made, &["--vkey", &key]) {
        assert!(
            !out.contains(['\u{1b}', '\r', '\u{202e}', '\u{9b}']),
            "{who}: {out:?}"
        );
    }
    // A name in the archive is printed escaped too, when it is what is wrong.
    let extra = dir.path().join("extra.zip");
    let o = Command::new("python3")
        .args(["-c", "import shutil, sys, zipfile\nshutil.copy(sys.argv[1], sys.argv[2])\nzipfile.ZipFile(sys.argv[2], 'a').writestr('events/\\x1b[2Kx', b'{}')", made, extra.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    expect(
        extra.to_str().unwrap(),
        &["--vkey", &key],
        1,
        &["events/\\u{1b}[2Kx, which the manifest does not list"],
    );
    for (who, _, out) in both(extra.to_str().unwrap(), &[]) {
        assert!(!out.contains('\u{1b}'), "{who}: {out:?}");
    }
}

#[tokio::test]
async fn the_period_is_signed_and_an_omission_inside_it_fails() {
    let app = spawn_app(Engine::Sqlite).await;
    let owner = app.owner_token().await;
    let (case, _) = app.logged_contacts(&owner, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let today = boundary_domain::occurred::iso_date::format(app.app.uk_today());
    let yesterday = boundary_domain::occurred::iso_date::format(
        boundary_domain::advice::dates::plus_days(app.app.uk_today(), -1),
    );
    // Asked up to yesterday: today's contacts are withheld as outside, dated today.
    let before = export(
        &app,
        &owner,
        &case,
        json!({"format": "bundle", "to": yesterday}),
        &dir.path().join("before.zip"),
    )
    .await;
    let m = manifest(&before);
    assert_eq!(m["format"], "boundary-bundle/2");
    assert_eq!(m["period"], json!({"from": null, "to": yesterday}));
    let outside: Vec<&Value> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["occurred_on"] == today)
        .collect();
    assert_eq!(outside.len(), 2, "{m}");
    assert!(outside
        .iter()
        .all(|e| e["withheld"] == "outside the period asked for"));
    let vkey = app.store.signer().verifier().vkey();
    expect(&before, &["--vkey", &vkey], 0, &[&format!("period: contacts on or before {yesterday}; each event withheld as outside the period asked for is dated outside it")]);

    // The period moved in the manifest to take the omission in: the signature fails.
    let moved = dir.path().join("moved.zip");
    let o = Command::new("python3")
        .args(["-c", "import sys, zipfile\nzin = zipfile.ZipFile(sys.argv[1]); zout = zipfile.ZipFile(sys.argv[2], 'w')\nfor n in zin.namelist():\n    d = zin.read(n)\n    zout.writestr(n, d.replace(sys.argv[3].encode(), sys.argv[4].encode()) if n == 'manifest.json' else d)\nzout.close()", &before, moved.to_str().unwrap(), &format!("\"to\": \"{yesterday}\""), &format!("\"to\": \"{today}\"")])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    expect(
        moved.to_str().unwrap(),
        &["--vkey", &vkey],
        1,
        &["not the manifest the log signed"],
    );

    // Signed again (here by another key, given as trusted): the claim itself is refused.
    let resigned = dir.path().join("resigned.zip");
    let key = forge(
        &before,
        resigned.to_str().unwrap(),
        &["--period", "-", &today],
    );
    expect(
        resigned.to_str().unwrap(),
        &["--vkey", &key],
        1,
        &["lies inside the period", &today],
    );

    // An exporter's own reason in Boundary's words, with no day to check: refused.
    let all = export(
        &app,
        &owner,
        &case,
        json!({"format": "bundle"}),
        &dir.path().join("all.zip"),
    )
    .await;
    let entry = manifest(&all)["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"].is_string())
        .unwrap()["seq"]
        .to_string();
    let labelled = dir.path().join("labelled.zip");
    let key = forge(
        &all,
        labelled.to_str().unwrap(),
        &["--reason", &entry, "outside the period asked for"],
    );
    expect(
        labelled.to_str().unwrap(),
        &["--vkey", &key],
        1,
        &["does not say when its contact was"],
    );
}
