//! Exports made in the background from the case page (the progress page, the file
//! offered for an hour, a job whose server went away) and from the command line.

use crate::helpers::*;
use boundary_store::Engine;
use reqwest::StatusCode;
use rstest::rstest;

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_large_export_shows_its_progress_and_can_be_downloaded_later(#[case] engine: Engine) {
    // The page waits no time at all, so every export is treated as a large one.
    let app = spawn_app_with(
        engine,
        Setup {
            export_wait: Some(std::time::Duration::ZERO),
            ..Setup::default()
        },
    )
    .await;
    app.set_up("ada@example.nhs.uk").await;
    let case = app.open_case_page("Patient A").await;
    for i in 0..3 {
        let what = format!("Message {i}");
        let r = app
            .log_contact_page(
                &case,
                &[
                    ("channel", "email"),
                    ("when", "now"),
                    ("what_happened", &what),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let page = format!("/cases/{case}");
    let (_, html) = app.get_html(&page).await;
    assert!(html.contains("name=\"access_records\""), "{html}");
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/exports"),
            &[("format", "bundle")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let progress = location(&r);
    assert!(progress.starts_with("/exports/"), "{progress}");

    // While the bundle is made the page says how far it has got and offers to look again
    // (its script looks by itself), then offers the file.
    let mut html = String::new();
    for _ in 0..300 {
        html = app.get_html(&progress).await.1;
        if html.contains("It is ready") {
            break;
        }
        assert!(
            html.contains("Being made")
                && html.contains("data-boundary-poll=\"working\"")
                && html.contains(&format!("href=\"{progress}\">Look again now")),
            "{html}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        html.contains("Your verifiable bundle") && html.contains("It is ready"),
        "{html}"
    );
    assert!(html.contains("data-boundary-poll=\"ready\""), "{html}");
    // The case page leads back to it.
    let (_, html) = app.get_html(&page).await;
    assert!(html.contains(&format!("href=\"{progress}\"")), "{html}");
    assert!(html.contains("ready to download"), "{html}");
    // Each download is a look at the case, recorded as the export was.
    let before = app.store.event_count().await.unwrap();
    let r = app.get(&format!("{progress}/file")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert_eq!(app.store.event_count().await.unwrap(), before + 1);
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.zip");
    std::fs::write(&bundle, r.bytes().await.unwrap()).unwrap();
    let vkey = app.store.signer().verifier().vkey();
    let o = boundary(
        &[
            "verify",
            "--bundle",
            bundle.to_str().unwrap(),
            "--vkey",
            &vkey,
        ],
        None,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && out.contains("3 withheld"), "{out}");
    // Kept sealed, not as the zip it is, while it waits to be downloaded.
    let job = progress.trim_start_matches("/exports/");
    let kept = std::fs::read(app.db.dir.path().join("attachments/exports").join(job)).unwrap();
    assert!(
        zip::ZipArchive::new(std::io::Cursor::new(kept)).is_err(),
        "kept unsealed"
    );

    // An export whose server went away says so instead of spinning for ever.
    app.sql(&format!(
        "UPDATE export_jobs SET state = 'working', updated_at = updated_at - 600 WHERE id = '{job}'"
    ))
    .await;
    let (_, html) = app.get_html(&progress).await;
    assert!(
        html.contains("It stopped") && !html.contains("http-equiv"),
        "{html}"
    );
    let r = app.get(&format!("{progress}/file")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A mistake in the form is shown at once; nothing is started.
    let r = app
        .submit(
            &page,
            &format!("/cases/{case}/exports"),
            &[("format", "pdf"), ("from", "soon")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_command_line_exports_a_case_as_its_owner_and_says_so_in_the_audit(
    #[case] engine: Engine,
) {
    let app = spawn_app(engine).await;
    let owner = app.owner_token().await;
    let (case, _) = app.logged_contacts(&owner, 2).await;
    let data = app.db.dir.path().to_str().unwrap().to_owned();
    let mut target = vec!["--data".to_owned(), data];
    if app.db.postgres_name().is_some() {
        target.extend(["--database".to_owned(), app.db.url.expose().to_owned()]);
    }
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("case.zip");
    let export = |extra: &[&str]| {
        let mut args: Vec<&str> = target.iter().map(String::as_str).collect();
        args.extend_from_slice(&["export", "--case", &case]);
        args.extend_from_slice(extra);
        boundary(&args, None)
    };
    let o = export(&["--format", "bundle", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(last_line(&o), out.to_str().unwrap());
    let vkey = app.store.signer().verifier().vkey();
    let o = boundary(
        &["verify", "--bundle", out.to_str().unwrap(), "--vkey", &vkey],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let (_, audit) = app
        .api_get(&format!("/api/v1/cases/{case}/audit"), &owner)
        .await;
    assert!(
        audit.to_string().contains("command line (boundary export)"),
        "{audit}"
    );

    // Refused, each in one sentence, and nothing overwritten or recorded.
    let fresh = |name: &str| out_dir.path().join(name).to_str().unwrap().to_owned();
    let kept = std::fs::read(&out).unwrap();
    let events = app.store.event_count().await.unwrap();
    for (extra, says) in [
        (
            vec!["--format", "bundle", "--out", out.to_str().unwrap()],
            "already exists",
        ),
        (
            vec!["--format", "docx", "--out", &fresh("x.docx")],
            "format:",
        ),
        (
            vec![
                "--format",
                "pdf",
                "--from",
                "soon",
                "--out",
                &fresh("x.pdf"),
            ],
            "from:",
        ),
        (
            vec!["--format", "pdf", "--out", "/no/such/folder/x.pdf"],
            "does not exist",
        ),
    ] {
        let o = export(&extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read(&out).unwrap(), kept);
    assert_eq!(app.store.event_count().await.unwrap(), events);
}
