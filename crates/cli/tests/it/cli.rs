//! The real `boundary` binary.

use boundary_store::testing::TestDb;
use boundary_store::Engine;
use rstest::rstest;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::helpers::{boundary, last_line, stderr};

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

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn verify_and_checkpoint_on_the_command_line(#[case] engine: Engine) {
    let app = crate::helpers::spawn_app(engine).await;
    let token = app.owner_token().await;
    let (_, logged) = app.logged_contacts(&token, 4).await;
    let data = app.db.dir.path().to_str().unwrap().to_owned();
    let t = target(&app.db, &data);
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = t.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        boundary(&args, None)
    };

    let o = run(&["verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        last_line(&o).starts_with("ok: 6 events, tree size 6, root "),
        "{}",
        last_line(&o)
    );

    let o = run(&["checkpoint"]);
    let note = String::from_utf8(o.stdout).unwrap();
    let vkey = last_line(&run(&["checkpoint", "--vkey"]));
    let as_json: serde_json::Value =
        serde_json::from_str(&last_line(&run(&["checkpoint", "--json"]))).unwrap();
    assert_eq!(
        as_json["checkpoint"].as_str(),
        Some(note.as_str()),
        "--json gives one object"
    );
    assert_eq!(as_json["tree_size"], 6);
    let checkpoint = boundary_ledger::LogVerifier::from_vkey(&vkey)
        .unwrap()
        .open_checkpoint(&note)
        .unwrap();
    assert_eq!(checkpoint.size, 6);

    let held = app.db.dir.path().join("held.note");
    std::fs::write(&held, &note).unwrap();
    let receipt = app.db.dir.path().join("receipt.json");
    std::fs::write(&receipt, logged[3]["receipt"].to_string()).unwrap();
    let o = run(&[
        "verify",
        "--against",
        held.to_str().unwrap(),
        "--receipt",
        receipt.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stderr(&o), last_line(&o));

    // Remove the last event with everything that vouches for it.
    app.sql("DELETE FROM events WHERE seq = 6").await;
    app.sql(&format!(
        "DELETE FROM tree_hashes WHERE idx >= {}",
        boundary_ledger::tree::stored_hash_count(5)
    ))
    .await;
    app.sql("DELETE FROM checkpoints WHERE tree_size = 6").await;
    // The tables pages read still show it: verify says so.
    let o = run(&["verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        last_line(&o).contains("tables pages read"),
        "{}",
        last_line(&o)
    );
    // Rebuilt from the shortened log, it is consistent with itself...
    assert!(run(&["rebuild"]).status.success());
    assert_eq!(
        run(&["verify"]).status.code(),
        Some(0),
        "consistent with itself"
    );
    let o = run(&["verify", "--receipt", receipt.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        last_line(&o).starts_with("FAILED: event 6: missing"),
        "{}",
        last_line(&o)
    );
    let o = run(&["verify", "--against", held.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&last_line(&o)).unwrap();
    assert_eq!(v["ok"], false);

    let o = run(&["verify", "--receipt", "/nonexistent/receipt.json"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a missing file is the user's mistake"
    );
}

/// Two `boundary serve` processes on one PostgreSQL database take 1,000 concurrent
/// appends between them: one gapless sequence, a log that verifies, and receipts that
/// all check out against the final checkpoint.
#[tokio::test]
async fn two_servers_one_log() {
    let db = TestDb::new(Engine::Postgres).await.unwrap();
    let data = db.dir.path().join("data");
    let data = data.to_str().unwrap().to_owned();
    let t = target(&db, &data);
    let run = |extra: &[&str], stdin: Option<&str>| {
        let mut args: Vec<&str> = t.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        boundary(&args, stdin)
    };
    assert!(run(&["init"], None).status.success());
    let org = last_line(&run(&["org", "add", "Riverside Surgery"], None));
    run(
        &[
            "user",
            "add",
            "--email",
            "ada@example.nhs.uk",
            "--name",
            "Ada",
            "--org",
            &org,
            "--role",
            "clinician",
            "--password-stdin",
        ],
        Some("a long enough password"),
    );
    let token = last_line(&run(
        &["token", "create", "--email", "ada@example.nhs.uk"],
        None,
    ));

    let args: Vec<&str> = t.iter().map(String::as_str).collect();
    let servers = [
        crate::helpers::serve(&args, &[]),
        crate::helpers::serve(&args, &[]),
    ];
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();

    let http = reqwest::Client::new();
    let case: serde_json::Value = http
        .post(format!("{}/api/v1/cases", bases[0]))
        .bearer_auth(&token)
        .json(&serde_json::json!({"person": {"label": "Patient A"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case = case["id"].as_str().unwrap().to_owned();

    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (http, token, case, limit) = (http.clone(), token.clone(), case.clone(), limit.clone());
        let base = bases[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let r = http
                .post(format!("{base}/api/v1/cases/{case}/entries"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"channel": "text_message", "what_happened": format!("Message {i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), reqwest::StatusCode::CREATED);
            r.json::<serde_json::Value>().await.unwrap()
        }));
    }
    let mut receipts = Vec::new();
    for t in tasks {
        receipts.push(t.await.unwrap()["receipt"].clone());
    }

    let mut seqs: Vec<u64> = receipts
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (3..=1002).collect::<Vec<u64>>(),
        "one sequence, no gaps, no duplicates"
    );

    let o = run(&["verify"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        last_line(&o).starts_with("ok: 1002 events"),
        "{}",
        last_line(&o)
    );

    let vkey = last_line(&run(&["checkpoint", "--vkey"], None));
    let verifier = boundary_ledger::LogVerifier::from_vkey(&vkey).unwrap();
    let note = http
        .get(format!("{}/api/v1/checkpoint", bases[1]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let last = verifier.open_checkpoint(&note).unwrap();
    assert_eq!(last.size, 1002);
    for (i, r) in receipts.iter().enumerate() {
        let then = verifier
            .open_checkpoint(r["checkpoint"].as_str().unwrap())
            .unwrap();
        let index = r["leaf_index"].as_u64().unwrap();
        let leaf = boundary_ledger::Hash::from_hex(r["leaf_hash"].as_str().unwrap()).unwrap();
        let base = &bases[i % 2];
        let inc: serde_json::Value = http
            .get(format!(
                "{base}/api/v1/proof/inclusion?index={index}&size={}",
                last.size
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let proof: Vec<_> = inc["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| boundary_ledger::Hash::from_hex(h.as_str().unwrap()).unwrap())
            .collect();
        boundary_ledger::verify_inclusion(index, last.size, &leaf, &proof, &last.root).unwrap();
        let con: serde_json::Value = http
            .get(format!(
                "{base}/api/v1/proof/consistency?from={}&size={}",
                then.size, last.size
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let proof: Vec<_> = con["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| boundary_ledger::Hash::from_hex(h.as_str().unwrap()).unwrap())
            .collect();
        boundary_ledger::verify_consistency(then.size, last.size, &then.root, &last.root, &proof)
            .unwrap();
    }
    drop(servers);
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_server_with_other_keys_refuses_an_existing_log(#[case] engine: Engine) {
    let app = crate::helpers::spawn_app(engine).await;
    let token = app.owner_token().await;
    app.logged_contacts(&token, 1).await;
    // A second server whose data folder has no keys, pointed at the same database.
    let elsewhere = tempfile::tempdir().unwrap();
    let fresh = elsewhere.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&fresh, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    if app.db.postgres_name().is_none() {
        // SQLite lives in the data folder: copy the database, not the keys.
        for f in ["boundary.db", "boundary.db-wal", "boundary.db-shm"] {
            let _ = std::fs::copy(app.db.dir.path().join(f), fresh.join(f));
        }
    }
    let mut args = target(&app.db, fresh.to_str().unwrap());
    args.extend(["serve".into(), "--listen".into(), "127.0.0.1:0".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = boundary(&args, None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("signing.key"), "{}", stderr(&o));
    assert!(
        !fresh.join("signing.key").exists() && !fresh.join("master.key").exists(),
        "no stray keys left behind"
    );
}

/// SQLite: the database file is swapped for a real copy taken earlier; only a checkpoint
/// held elsewhere shows it.
#[tokio::test]
async fn an_older_backup_file_is_caught_against_a_held_checkpoint() {
    let app = crate::helpers::spawn_app(Engine::Sqlite).await;
    let token = app.owner_token().await;
    app.logged_contacts(&token, 2).await;
    let old = tempfile::tempdir().unwrap();
    let backup = old.path().join("boundary.db");
    app.sql(&format!("VACUUM INTO '{}'", backup.display()))
        .await;
    for key in ["master.key", "signing.key"] {
        std::fs::copy(app.db.dir.path().join(key), old.path().join(key)).unwrap();
    }
    let (case, _) = app.logged_contacts(&token, 3).await;
    assert!(!case.is_empty());
    let held = app.store.latest_checkpoint().await.unwrap().unwrap().note;
    let note = old.path().join("held.note");
    std::fs::write(&note, held).unwrap();

    let data = old.path().to_str().unwrap();
    let o = boundary(&["--data", data, "verify"], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the old copy is consistent with itself: {}",
        last_line(&o)
    );
    assert!(
        last_line(&o).starts_with("ok: 4 events"),
        "{}",
        last_line(&o)
    );
    let o = boundary(
        &[
            "--data",
            data,
            "verify",
            "--against",
            note.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(last_line(&o).contains("older copy"), "{}", last_line(&o));
}

#[test]
fn session_lengths_outside_sense_are_refused_before_serving() {
    for (flag, value) in [
        ("--session-idle-minutes", "0"),
        ("--session-idle-minutes", "2000"),
        ("--session-max-hours", "200"),
        ("--session-max-hours", "twelve"),
    ] {
        let o = crate::helpers::boundary(&["serve", flag, value], None);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(
            stderr(&o).contains(flag),
            "the message names the setting: {}",
            stderr(&o)
        );
    }
}

/// Sign-ins, failures and refusals are logged as security events, with who and from
/// where, and never with a password, a token, a session id or an e-mail address.
#[tokio::test]
async fn security_events_are_logged_without_secrets() {
    let db = TestDb::new(Engine::Sqlite).await.unwrap();
    let data = db.dir.path().join("data");
    let data = data.to_str().unwrap().to_owned();
    let t = target(&db, &data);
    let run = |extra: &[&str], stdin: Option<&str>| {
        let mut args: Vec<&str> = t.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        boundary(&args, stdin)
    };
    assert!(run(&["init"], None).status.success());
    run(&["org", "add", "Riverside Surgery"], None);
    let password = "plum orchard in winter";
    let member = last_line(&run(
        &[
            "user",
            "add",
            "--email",
            "ada@example.nhs.uk",
            "--name",
            "Ada",
            "--org",
            "Riverside Surgery",
            "--role",
            "clinician",
            "--password-stdin",
        ],
        Some(password),
    ));
    let token = last_line(&run(
        &["token", "create", "--email", "ada@example.nhs.uk"],
        None,
    ));
    let args: Vec<&str> = t.iter().map(String::as_str).collect();
    let server = crate::helpers::serve_logging(&args, &[], "info");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = |pw: &'static str| {
        let (http, base) = (http.clone(), server.base.clone());
        async move {
            let form = "ab".repeat(32);
            http.post(format!("{base}/sign-in"))
                .header("cookie", format!("boundary_form={form}"))
                .form(&[
                    ("email", "ada@example.nhs.uk"),
                    ("password", pw),
                    ("csrf", &form),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(sign_in("not the password at all").await.status(), 422);
    let ok = sign_in("plum orchard in winter").await;
    assert_eq!(ok.status(), 303);
    let session = ok.headers()["set-cookie"].to_str().unwrap().to_owned();
    let r = http
        .get(format!(
            "{}/api/v1/cases/00000000-0000-4000-8000-000000000000",
            server.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .post(format!("{}/cases", server.base))
        .header("cookie", session.split(';').next().unwrap())
        .form(&[("label", "X"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let log = || server.log.lock().unwrap().join("\n");
    for _ in 0..50 {
        if log().contains("CSRF") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let log = log();
    assert!(log.contains("sign-in failed"), "{log}");
    assert!(
        log.contains("signed in") && log.contains(&member),
        "who signed in: {log}"
    );
    assert!(
        log.contains("refused: not found, or not permitted")
            && log.contains(&format!("member={member}")),
        "a refusal names who asked: {log}"
    );
    assert!(log.contains("CSRF"), "{log}");
    let secret = session
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap();
    // Nor a plain hash of the account that guesses could be checked against.
    let plain = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b"account:ada@example.nhs.uk"))[..12].to_owned()
    };
    for never in [
        password,
        "not the password at all",
        &token,
        secret,
        "ada@example.nhs.uk",
        &plain,
    ] {
        assert!(
            !log.contains(never),
            "the log holds a secret or an address: {never}"
        );
    }
}
