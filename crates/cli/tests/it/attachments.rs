//! Attachments: uploaded through the API, typed from their bytes, refused when they
//! should be (nothing stored), sealed at rest, read back whole, and carried in the bundle
//! where the independent verifier checks each against the hash its event records.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::{json, Value};
use std::path::Path;

fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(b"IHDR a screenshot of fourteen messages");
    b
}

const EML: &[u8] = b"Return-Path: <pat@example.com>\r\nFrom: Pat <pat@example.com>\r\nSubject: You again\r\nDate: Fri, 27 Nov 2026 23:10:00 +0000\r\n\r\nI know where you live. MARKER-EML-7731\r\n";

async fn upload(
    app: &TestApp,
    token: &str,
    case: &str,
    name: &str,
    bytes: Vec<u8>,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    for (k, v) in extra {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let r = app
        .http
        .post(format!("{}/api/v1/cases/{case}/attachments", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// An attached file as the API gives it back.
async fn download(app: &TestApp, token: &str, attached: &Value, query: &str) -> reqwest::Response {
    app.http
        .get(format!(
            "{}/api/v1/attachments/{}{query}",
            app.base,
            attached["id"].as_str().unwrap()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// A Word document whose text part is `text`.
fn docx(text: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in [
        (
            "[Content_Types].xml",
            &b"<?xml version=\"1.0\"?><Types/>"[..],
        ),
        ("word/document.xml", text),
    ] {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn files_are_typed_from_their_bytes_sealed_and_carried_in_the_bundle(#[case] engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (case, logged) = app.logged_contacts(&owner, 1).await;
    let entry = logged[0]["id"].as_str().unwrap().to_owned();
    let events_before = app.store.event_count().await.unwrap();

    // Refused, each with a reason, and nothing stored.
    let wrong_hash = "0".repeat(64);
    for (name, bytes, extra, status, field, says) in [
        (
            "empty.png",
            Vec::new(),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "empty",
        ),
        (
            "tool.png",
            b"MZ\x90\x00\x03\x00\x00\x00".to_vec(),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "cannot be kept",
        ),
        (
            "../../etc/passwd.png",
            png(),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "cannot contain",
        ),
        (
            "cut.png",
            png(),
            vec![("sha256", wrong_hash.as_str())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "sha256",
            "did not arrive as sent",
        ),
        (
            "x.png",
            png(),
            vec![("entry_id", "00000000-0000-4000-8000-000000000000")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "entry_id",
            "not part of this case",
        ),
        (
            "letter.docx",
            docx(&vec![b'A'; 101 * 1024 * 1024]),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "unpacks to far more than any real document",
        ),
        (
            "archive.zip",
            b"PK\x03\x04 a zip that is not a document".to_vec(),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "damaged",
        ),
        (
            "big.png",
            [png(), vec![0; 20 * 1024 * 1024]].concat(),
            vec![],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            "the most one file may be is 20 MB",
        ),
    ] {
        let (s, b) = upload(&app, &owner, &case, name, bytes, &extra).await;
        assert_eq!(s, status, "{name}: {b}");
        assert!(
            b["errors"][field]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{name}: {b}"
        );
    }
    let (s, _) = upload(
        &app,
        &owner,
        &case,
        "huge.png",
        vec![0; 22 * 1024 * 1024],
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.store.event_count().await.unwrap(), events_before);

    // Kept: the type from the bytes (the name says .jpg), the hash checked on arrival.
    let shot = png();
    let (s, a) = upload(
        &app,
        &owner,
        &case,
        "screenshot.jpg",
        shot.clone(),
        &[("entry_id", entry.as_str()), ("sha256", &sha256_hex(&shot))],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["media_type"], "image/png");
    assert_eq!(a["sha256"], sha256_hex(&shot));
    let (s, mail) = upload(&app, &owner, &case, "message.eml", EML.to_vec(), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{mail}");
    assert_eq!(mail["media_type"], "message/rfc822");
    // A letter as a Word document.
    let (s, b) = upload(
        &app,
        &owner,
        &case,
        "letter.docx",
        docx(b"<w:t>Dear Dr</w:t>"),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        b["media_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );

    // E-mails that real mail programs saved are recognised too.
    let samples =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples/imports/email");
    for name in [
        "mail-parser--thirdparty-019-thunderbird-related-attachment.eml",
        "mail-parser--legacy-008-outlook-mixed-qp-base64.eml",
    ] {
        let bytes =
            std::fs::read(samples.join(name)).expect("../shared/samples beside the repository");
        let (s, b) = upload(&app, &owner, &case, name, bytes, &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {b}");
        assert_eq!(b["media_type"], "message/rfc822", "{name}");
    }

    // Sealed at rest, kept by content under a name made with the case's key (no file is
    // named by its hash), and the e-mail's words are in none of them.
    let dir = app.db.dir.path().join("attachments").join(&case);
    let eml_name = app.kept_name(&case, &sha256_hex(EML)).await;
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    let names: Vec<String> = kept
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&eml_name), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with(&sha256_hex(EML))));
    for path in kept {
        // A thumbnail being written just now may have moved from its temporary name.
        let Ok(raw) = std::fs::read(path) else {
            continue;
        };
        assert!(
            !raw.windows(15).any(|w| w == b"MARKER-EML-7731"),
            "a file is stored in the clear"
        );
    }

    // A file kept before files were kept by content (named by its id) is still found.
    let legacy = app
        .db
        .dir
        .path()
        .join("attachments")
        .join(mail["id"].as_str().unwrap());
    std::fs::rename(dir.join(&eml_name), &legacy).unwrap();
    let r = download(&app, &owner, &mail, "").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), EML);

    // Read back whole, by those who may see the case, and recorded in the audit.
    let r = download(&app, &owner, &a, "").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("screenshot.jpg"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), shot);
    // A copy to send on, without the picture's own data; the original stays as it was.
    let real = hex::decode("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082").unwrap();
    let (_, pic) = upload(&app, &owner, &case, "dot.png", real.clone(), &[]).await;
    let r = download(&app, &owner, &pic, "?without_photo_data=true").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("copy of dot.png"));
    assert!(r.bytes().await.unwrap().starts_with(&real[..8]));
    let other = app.clinician_with_token("other@example.nhs.uk").await;
    let (s, _) = app
        .api_get(
            &format!("/api/v1/attachments/{}", a["id"].as_str().unwrap()),
            &other,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = upload(&app, &other, &case, "x.png", png(), &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let listings = |audit: &serde_json::Value| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "viewed attachment list")
            .count()
    };
    let (_, before) = app
        .api_get(&format!("/api/v1/cases/{case}/audit"), &owner)
        .await;
    let (_, list) = app
        .api_get(&format!("/api/v1/cases/{case}/attachments"), &owner)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 6);
    let (_, audit) = app
        .api_get(&format!("/api/v1/cases/{case}/audit"), &owner)
        .await;
    assert!(audit.to_string().contains("viewed attachment"), "{audit}");
    // Listing the files' names and hashes is a look at the case too (issue 18, finding 10).
    assert_eq!(listings(&audit), listings(&before) + 1, "{audit}");

    // In the bundle, checked against their events' hashes; one withheld by its id.
    let r = app
        .http
        .post(format!("{}/api/v1/cases/{case}/exports", app.base))
        .bearer_auth(&owner)
        .json(&json!({"format": "bundle", "withhold": [mail["id"]], "reason": "private e-mail"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bundle.zip");
    std::fs::write(&path, r.bytes().await.unwrap()).unwrap();
    let path = path.to_str().unwrap();
    let vkey = app.store.signer().verifier().vkey();
    let o = boundary(&["verify", "--bundle", path, "--vkey", &vkey], None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{out}");
    assert!(out.contains("and 5 attached files checked"), "{out}");
    assert!(
        out.contains("withheld: event") && out.contains("private e-mail"),
        "{out}"
    );
    let verifier = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/verifier");
    for (script, args) in [
        ("verify_bundle.py", vec![path, "--vkey", &vkey]),
        ("tamper.py", vec![path, tmp.path().to_str().unwrap()]),
    ] {
        let o = std::process::Command::new("python3")
            .arg(verifier.join(script))
            .args(&args)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{script}: {out}");
        if script == "tamper.py" {
            assert!(out.contains("caught: a swapped attachment"), "{out}");
        }
    }
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn files_come_with_a_contact_from_the_log_form(#[case] engine: Engine) {
    let app = spawn_app_waiting_for_exports(engine).await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    let (_, page) = app.get_html(&format!("/cases/{case}/log")).await;
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("type=\"file\""));
    let csrf = csrf_in(&page);
    let post = |files: Vec<(&'static str, Vec<u8>)>, what: &'static str| {
        let mut form = Form::new()
            .text("csrf", csrf.clone())
            .text("channel", "text_message")
            .text("when", "now")
            .text("what_happened", what);
        for (name, bytes) in files {
            form = form.part("file", Part::bytes(bytes).file_name(name));
        }
        let (app, case) = (&app, case.clone());
        async move {
            app.post_multipart(&format!("/cases/{case}/entries"), form)
                .await
        }
    };

    // A file that cannot be kept: nothing is logged, the words come back.
    let before = app.store.event_count().await.unwrap();
    let r = post(vec![("run.png", b"MZ\x90\x00".to_vec())], "Sent a program").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("run.png: This kind of file cannot be kept"),
        "{html}"
    );
    assert!(html.contains("Sent a program"));
    assert_eq!(app.store.event_count().await.unwrap(), before);

    // Two files with the entry: on its page, the picture shown small, both downloadable.
    let photo = photo(1200, 900);
    let r = post(
        vec![("shot.png", photo.clone()), ("mail.eml", EML.to_vec())],
        "Fourteen messages and an e-mail",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let logged = location(&r);
    let entry = logged.split("logged=").nth(1).unwrap().to_owned();
    let (_, html) = app.get_html(&format!("/entries/{entry}")).await;
    let title = html.split("</title>").next().unwrap();
    assert!(
        !title.contains("Attached files"),
        "the files are in the page, not its title"
    );
    let main = html.split("<main").nth(1).unwrap();
    assert!(
        main.contains("Attached files") && main.contains("mail.eml") && main.contains("e-mail"),
        "{html}"
    );
    assert_eq!(thumbnail_sizes(&html), [(320, 240)], "{html}");
    assert!(html.contains(&sha256_hex(&photo)));
    // Made when it was attached, kept sealed beside the file, and not made again.
    let kept = app.db.dir.path().join(format!(
        "attachments/{case}/{}.thumbnail",
        app.kept_name(&case, &sha256_hex(&photo)).await
    ));
    let sealed = std::fs::read(&kept).unwrap();
    assert!(!sealed.starts_with(&[0xFF, 0xD8]));
    // The timeline shows it too, and the page's view is one look in the audit, not one
    // per picture.
    let before = app.store.event_count().await.unwrap();
    let (_, html) = app.get_html(&format!("/cases/{case}")).await;
    assert_eq!(thumbnail_sizes(&html), [(320, 240)]);
    assert_eq!(app.store.event_count().await.unwrap(), before + 1);
    assert_eq!(std::fs::read(&kept).unwrap(), sealed, "made again");
    // A damaged one is made again, not shown broken.
    std::fs::write(&kept, b"damaged").unwrap();
    let (_, html) = app.get_html(&format!("/cases/{case}")).await;
    assert_eq!(thumbnail_sizes(&html), [(320, 240)]);
    assert_ne!(std::fs::read(&kept).unwrap(), b"damaged");
    // The evidence pack draws the picture (the e-mail is listed, not drawn).
    let page = format!("/cases/{case}");
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/exports"),
            &[("format", "pdf")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("pack.pdf");
    std::fs::write(&pdf, r.bytes().await.unwrap()).unwrap();
    let o = std::process::Command::new("pdfimages")
        .args(["-list", pdf.to_str().unwrap()])
        .output()
        .expect("pdfimages (poppler-utils)");
    let listed = String::from_utf8_lossy(&o.stdout);
    let images: Vec<Vec<&str>> = listed
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(images.len(), 1, "{listed}");
    // Drawn as a JPEG, its shape kept, sharp enough to print (printpdf may make it
    // smaller than the 1,200 pixels it is given).
    let (w, h): (u32, u32) = (images[0][3].parse().unwrap(), images[0][4].parse().unwrap());
    assert_eq!(images[0][8], "jpeg", "{listed}");
    assert!(w >= 900 && (w * 3).abs_diff(h * 4) <= 4, "{listed}");
    let id = html
        .split("/attachments/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = app.get(&format!("/attachments/{id}?view=1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), photo);
}

/// The width and height of each thumbnail drawn in a page.
fn thumbnail_sizes(html: &str) -> Vec<(u32, u32)> {
    use base64::Engine;
    html.split("src=\"data:image/jpeg;base64,")
        .skip(1)
        .map(|rest| {
            let b64 = rest
                .split('"')
                .next()
                .unwrap()
                .replace("&#x2f;", "/")
                .replace("&#43;", "+");
            let jpeg = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
            let picture = image::load_from_memory(&jpeg).unwrap();
            (picture.width(), picture.height())
        })
        .collect()
}
