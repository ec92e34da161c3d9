//! The real `boundary` binary.

use boundary_store::testing::TestDb;
use boundary_store::Engine;
use rstest::rstest;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

fn boundary(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boundary"))
        .args(args)
        .env_remove("BOUNDARY_MASTER_KEY")
        .env_remove("BOUNDARY_DATABASE_URL")
        .env_remove("BOUNDARY_DATA")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn last_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--data DIR` and, for PostgreSQL, `--database URL`.
fn target(db: &TestDb, data: &str) -> Vec<String> {
    let mut v = vec!["--data".to_owned(), data.to_owned()];
    if db.postgres_name().is_some() {
        v.push("--database".into());
        v.push(db.url.expose().to_owned());
    }
    v
}

#[test]
fn mistakes_get_one_sentence_and_status_2() {
    let o = boundary(&["--no-such-flag"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let o = boundary(
        &["--data", missing.to_str().unwrap(), "org", "add", "X"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);

    let o = boundary(
        &[
            "--data",
            dir.path().to_str().unwrap(),
            "--database",
            "mysql://x",
            "init",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("panicked"));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn init_org_user_token_and_rebuild(#[case] engine: Engine) {
    let db = TestDb::new(engine).await.unwrap();
    let data = db.dir.path().join("data");
    let data = data.to_str().unwrap();
    let t = target(&db, data);
    let run = |extra: &[&str], stdin: Option<&str>| {
        let mut args: Vec<&str> = t.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        boundary(&args, stdin)
    };

    let o = run(&["init"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    #[cfg(unix)]
    for f in ["master.key", "signing.key"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(std::path::Path::new(data).join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    let o = run(&["init"], None);
    assert_eq!(o.status.code(), Some(2), "init refuses to overwrite keys");
    assert!(stderr(&o).contains("will not overwrite"));

    let o = run(&["org", "add", "Riverside Surgery"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let org = last_line(&o);
    assert_eq!(org.len(), 36, "prints the organisation's id: {org}");

    let o = run(
        &[
            "user",
            "add",
            "--email",
            "ada@example.nhs.uk",
            "--name",
            "Dr Ada",
            "--org",
            &org,
            "--role",
            "clinician",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(last_line(&o).len(), 36);

    let o = run(
        &[
            "user",
            "add",
            "--email",
            "ben@example.nhs.uk",
            "--name",
            "Ben",
            "--org",
            "Riverside Surgery",
            "--role",
            "manager",
        ],
        None,
    );
    assert!(o.status.success());
    assert!(
        last_line(&o).contains("/password/"),
        "without a password, a one-time link"
    );

    let o = run(
        &[
            "user",
            "add",
            "--email",
            "ada@example.nhs.uk",
            "--name",
            "Dr Ada",
            "--org",
            &org,
            "--role",
            "clinician",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "already a member");
    let o = run(
        &[
            "user",
            "add",
            "--email",
            "x@example.nhs.uk",
            "--name",
            "X",
            "--org",
            "Nowhere",
            "--role",
            "clinician",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));

    let o = run(
        &["token", "create", "--email", "ada@example.nhs.uk", "--json"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&last_line(&o)).unwrap();
    assert!(v["token"].as_str().unwrap().starts_with("bnd_"));

    let o = run(&["rebuild"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(last_line(&o), "0");
}

#[tokio::test]
async fn serve_sets_itself_up_and_prints_a_setup_link() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh");
    let mut child = Command::new(env!("CARGO_BIN_EXE_boundary"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("BOUNDARY_MASTER_KEY")
        .env_remove("BOUNDARY_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let link = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let listening = err
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.contains("listening on"))
        .unwrap();
    assert!(link.contains("/setup/"), "{link}");
    assert!(listening.contains("127.0.0.1:"));
    for f in ["master.key", "signing.key", "boundary.db"] {
        assert!(data.join(f).exists(), "{f} created on first start");
    }
    let r = reqwest::get(&link).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Set up Boundary"));
    child.kill().unwrap();
    let _ = child.wait();
}
