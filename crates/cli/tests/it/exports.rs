//! The verifiable bundle: exported by the case's owner, recorded in the audit, checked
//! by `boundary verify --bundle` and by the independent Python verifier written from
//! docs/bundle-format.md, which must also catch each kind of tampering.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn verifier_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/verifier")
}

fn python(script: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new("python3")
        .arg(verifier_dir().join(script))
        .args(args)
        .output()
        .expect("python3");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_bundle_verifies_offline_with_withheld_entries_still_in_place(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let case = app.api_case(&owner, "Patient A").await;
    let mut entries = Vec::new();
    let long = format!(
        "{}END-OF-A-LONG-ENTRY",
        "They wrote again and again. ".repeat(700)
    );
    for what in [
        "Fourteen messages overnight",
        "Came to the surgery with Sam Neighbour, who shouted",
        "Left a card at my home",
        long.as_str(),
    ] {
        let (s, e) = app
            .api_post(
                &format!("/api/v1/cases/{case}/entries"),
                &owner,
                json!({"channel": "text_message", "what_happened": what}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        entries.push(e["id"].as_str().unwrap().to_owned());
    }
    let exports = format!("/api/v1/cases/{case}/exports");
    // The doctor keeps a receipt for the first entry when it is logged; another case's
    // receipt is no part of this one's bundle.
    let receipt = |entry: String| {
        let app = &app;
        let owner = owner.clone();
        async move {
            let (s, r) = app
                .api_get(&format!("/api/v1/entries/{entry}/receipt"), &owner)
                .await;
            assert_eq!(s, StatusCode::OK, "{r}");
            r.to_string()
        }
    };
    let first_receipt = receipt(entries[0].clone()).await;
    let elsewhere = app.api_case(&owner, "Patient B").await;
    let (_, other_entry) = app
        .api_post(
            &format!("/api/v1/cases/{elsewhere}/entries"),
            &owner,
            json!({"channel": "email", "what_happened": "Unrelated"}),
        )
        .await;
    let other_receipt = receipt(other_entry["id"].as_str().unwrap().to_owned()).await;

    // Refusals first: nothing is exported, nothing recorded.
    let events_before = app.store.event_count().await.unwrap();
    for (body, status) in [
        (
            json!({"format": "tarball"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"format": "bundle", "withhold": ["not-an-id"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"format": "bundle", "withhold": ["00000000-0000-4000-8000-000000000000"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"format": "pdf", "from": "last week"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"format": "pdf", "from": "2026-11-27", "to": "2026-11-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (s, b) = app.api_post(&exports, &owner, body.clone()).await;
        assert_eq!(s, status, "{body}: {b}");
    }
    let other = app.clinician_with_token("other@example.nhs.uk").await;
    let (s, _) = app
        .api_post(&exports, &other, json!({"format": "bundle"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.store.event_count().await.unwrap(), events_before);

    let r = app
        .http
        .post(format!("{}{exports}", app.base))
        .bearer_auth(&owner)
        .json(&json!({"format": "bundle", "withhold": [entries[1]], "reason": "names a neighbour"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let today = boundary_domain::occurred::iso_date::format(app.app.uk_today());
    assert!(
        disposition.contains(&format!("boundary-case-{}-{today}.zip", &case[..8])),
        "{disposition}"
    );
    let bytes = r.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.zip");
    std::fs::write(&path, &bytes).unwrap();
    let path = path.to_str().unwrap();

    // Boundary's own check, with no database, and the log's key the officer was given.
    let vkey = app.store.signer().verifier().vkey();
    let o = boundary(&["verify", "--bundle", path, "--vkey", &vkey], None);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.starts_with(&format!("ok: case {case}:")), "{out}");
    assert!(out.contains("names a neighbour"), "{out}");
    assert!(
        out.contains("origin: established, by the key you gave (--vkey)"),
        "{out}"
    );
    // The receipt kept since the first entry was logged: the entry is in the bundle
    // unchanged, and the log grew from the receipt's checkpoint. Another case's receipt
    // says nothing either way. Both verifiers agree.
    let held = dir.path().join("receipt.json");
    let held = held.to_str().unwrap();
    // A receipt the doctor kept also anchors the bundle to the log: no --vkey needed.
    for (receipt, good, says) in [
        (&first_receipt, true, "held: the receipt's entry is event"),
        (&other_receipt, false, "says nothing either way"),
    ] {
        std::fs::write(held, receipt).unwrap();
        let o = boundary(&["verify", "--bundle", path, "--receipt", held], None);
        let said = String::from_utf8_lossy(&o.stdout).into_owned();
        assert_eq!(o.status.code(), Some(if good { 0 } else { 1 }), "{said}");
        assert!(said.contains(says), "{said}");
        let (ok, said) = python("verify_bundle.py", &[path, "--receipt", held]);
        assert!(ok == good && said.contains(says), "{said}");
    }
    let o = boundary(
        &["--json", "verify", "--bundle", path, "--vkey", &vkey],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["withheld"][0]["reason"], "names a neighbour", "{v}");
    // Without anything the reader holds: every check passes, but a script reading `ok`
    // is told the origin is not established, and so is the exit status.
    let o = boundary(&["--json", "verify", "--bundle", path], None);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (&v["ok"], &v["checked"]),
        (&json!(false), &json!(true)),
        "{v}"
    );
    assert_eq!(v["origin_established"], false, "{v}");
    assert_eq!(v["vkey"], vkey, "{v}");
    let stranger = boundary_ledger::LogSigner::from_seed(&[7; 32])
        .verifier()
        .vkey();
    let o = boundary(&["verify", "--bundle", path, "--vkey", &stranger], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("not the one you trust"));

    // The withheld entry's words are nowhere in the archive; the others are.
    let (found, _) = python_zip_contains(path, "Sam Neighbour");
    assert!(!found, "a withheld entry's content left Boundary");
    assert!(python_zip_contains(path, "Fourteen messages overnight").0);

    // The independent verifier agrees, and catches each kind of tampering.
    // Three withheld: the entry, and the records of who looked (at the receipt, and the
    // export's own), which are left out unless asked for. The four entries' receipts
    // link in.
    let (ok, out) = python("verify_bundle.py", &[path, "--vkey", &vkey]);
    assert!(ok, "{out}");
    assert!(out.contains("3 withheld"), "{out}");
    assert!(
        out.contains("each of the 4 checkpoints on the entries' receipts"),
        "{out}"
    );
    let o = boundary(&["verify", "--bundle", path, "--vkey", &vkey], None);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("a record of who looked at the case"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let r = app
        .http
        .post(format!("{}{exports}", app.base))
        .bearer_auth(&owner)
        .json(&json!({"format": "bundle", "access_records": true}))
        .send()
        .await
        .unwrap();
    let with_views = dir.path().join("with-views.zip");
    std::fs::write(&with_views, r.bytes().await.unwrap()).unwrap();
    let (ok, out) = python(
        "verify_bundle.py",
        &[with_views.to_str().unwrap(), "--vkey", &vkey],
    );
    assert!(ok && !out.contains("withheld:"), "{out}");
    assert!(python_zip_contains(with_views.to_str().unwrap(), "case_viewed").0);
    let (ok, out) = python("tamper.py", &[path, dir.path().to_str().unwrap()]);
    assert!(ok, "{out}");
    // Boundary's own check refuses every tampered copy too.
    let mut tampered = 0;
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap().path();
        if f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("tampered-")
        {
            let o = boundary(&["verify", "--bundle", f.to_str().unwrap()], None);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{}: {}",
                f.display(),
                String::from_utf8_lossy(&o.stdout)
            );
            tampered += 1;
        }
    }
    assert!(tampered >= 8, "{tampered} tampered copies");

    // The evidence pack: a PDF whose text can be searched, the withheld entry shown only
    // by its place, and the bundle carries the same pack.
    let r = app
        .http
        .post(format!("{}{exports}", app.base))
        .bearer_auth(&owner)
        .json(&json!({"format": "pdf", "withhold": [entries[1]], "reason": "names a neighbour"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".pdf\""));
    let pdf = dir.path().join("pack.pdf");
    std::fs::write(&pdf, r.bytes().await.unwrap()).unwrap();
    let o = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&o.stdout);
    for want in [
        "Evidence pack",
        "Patient A",
        "Fourteen messages overnight",
        "Left a card at my home",
        "names a neighbour",
        "END-OF-A-LONG-ENTRY",
        "Summary of contacts",
        "How to check this pack",
        &vkey,
    ] {
        assert!(text.contains(want), "{want} not in the pack:\n{text}");
    }
    assert!(
        !text.contains("Sam Neighbour"),
        "a withheld entry's words are in the pack"
    );
    assert!(
        python_zip_contains(path, "%PDF-").0,
        "the bundle carries the pack"
    );

    // A period: in the bundle, contacts outside it stay as their place in the log.
    let tomorrow = boundary_domain::occurred::iso_date::format(
        boundary_domain::advice::dates::plus_days(app.app.uk_today(), 1),
    );
    let r = app
        .http
        .post(format!("{}{exports}", app.base))
        .bearer_auth(&owner)
        .json(&json!({"format": "bundle", "from": tomorrow}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let later = dir.path().join("later.zip");
    std::fs::write(&later, r.bytes().await.unwrap()).unwrap();
    let later = later.to_str().unwrap();
    let o = boundary(&["verify", "--bundle", later, "--vkey", &vkey], None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("withheld: events 3, 4, 5, 6: outside the period asked for"),
        "{out}"
    );
    // The period is signed with the manifest, and both verifiers show it.
    let period = format!("period: contacts on or after {tomorrow}; each event withheld as outside the period asked for is dated outside it");
    assert!(out.contains(&period), "{out}");
    let (ok, out) = python("verify_bundle.py", &[later, "--vkey", &vkey]);
    assert!(ok && out.contains(&period), "{out}");
    let o = boundary(
        &["--json", "verify", "--bundle", later, "--vkey", &vkey],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let outside = v["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["reason"] == "outside the period asked for")
        .count();
    assert_eq!(outside, 4, "{v}");
    assert!(!python_zip_contains(later, "Fourteen messages").0);
    let (s, _) = app
        .api_post(
            &exports,
            &owner,
            json!({"format": "bundle", "from": "soon"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The export is in the access audit.
    let (_, audit) = app
        .api_get(&format!("/api/v1/cases/{case}/audit"), &owner)
        .await;
    assert!(audit.to_string().contains("viewed export"), "{audit}");
}

fn python_zip_contains(path: &str, needle: &str) -> (bool, String) {
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(any(sys.argv[2].encode() in z.read(n) for n in z.namelist()))",
            path,
            needle,
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    (out == "True", out)
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_owner_downloads_the_pack_and_the_bundle_from_the_case_page(#[case] engine: Engine) {
    let app = spawn_app_waiting_for_exports(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let r = app
        .log_contact_page(
            &case,
            &[
                ("channel", "email"),
                ("when", "now"),
                ("what_happened", "Wrote again"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = format!("/cases/{case}");
    let (_, html) = app.get_html(&page).await;
    assert!(
        html.contains("Evidence for the police or your defence body"),
        "{html}"
    );
    for (format, media_type, ending) in [
        ("pdf", "application/pdf", ".pdf\""),
        ("bundle", "application/zip", ".zip\""),
    ] {
        let r = app
            .submit(
                &page,
                &format!("/cases/{case}/exports"),
                &[("format", format)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{format}");
        assert_eq!(r.headers()["content-type"], media_type);
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(ending));
    }
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/exports"),
            &[("format", "pdf"), ("from", "soon")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
