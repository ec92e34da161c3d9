//! `boundary keys rotate` through the real binary: a rotation that cannot store its new
//! key changes nothing, one that would run beside a server is refused, and one cut short
//! after its commit is finished at the next start. After each, `boundary verify` is ok
//! and a server started afresh reads the cases.

use boundary_store::testing::TestDb;
use boundary_store::Engine;
use rstest::rstest;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::helpers::{boundary, last_line, practice, serve, stderr};

/// A deployment made through the binary: `init`, a practice, and one case with entries.
struct Deployment {
    db: TestDb,
    data: PathBuf,
    token: String,
    case: String,
}

impl Deployment {
    async fn new(engine: Engine) -> Self {
        let db = TestDb::new(engine).await.unwrap();
        let data = db.dir.path().join("data");
        let mut d = Self {
            db,
            data,
            token: String::new(),
            case: String::new(),
        };
        let target = d.target();
        let target: Vec<&str> = target.iter().map(String::as_str).collect();
        d.token = practice(&target).0;
        let server = serve(&target, &[]);
        let http = reqwest::Client::new();
        let case: serde_json::Value = http
            .post(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&d.token)
            .json(&serde_json::json!({"person": {"label": "Patient A"}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        d.case = case["id"].as_str().unwrap().to_owned();
        for i in 0..2 {
            let r = http
                .post(format!("{}/api/v1/cases/{}/entries", server.base, d.case))
                .bearer_auth(&d.token)
                .json(&serde_json::json!({"channel": "text_message", "what_happened": format!("Message {i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        }
        d
    }

    /// `--data DIR` and, for PostgreSQL, `--database URL`.
    fn target(&self) -> Vec<String> {
        let mut v = vec!["--data".to_owned(), self.data.display().to_string()];
        if self.db.postgres_name().is_some() {
            v.extend(["--database".to_owned(), self.db.url.expose().to_owned()]);
        }
        v
    }

    fn run(&self, extra: &[&str]) -> Output {
        let mut args = self.target();
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        boundary(&args, None)
    }

    /// `boundary verify` passes.
    fn verifies(&self) {
        let o = self.run(&["verify"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(last_line(&o).starts_with("ok: "), "{}", last_line(&o));
    }

    /// What a server started now shows of the case's entries.
    async fn entries(&self) -> Vec<String> {
        let target = self.target();
        let target: Vec<&str> = target.iter().map(String::as_str).collect();
        let server = serve(&target, &[]);
        let v: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/cases/{}/entries",
                server.base, self.case
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v.as_array()
            .unwrap_or_else(|| panic!("entries: {v}"))
            .iter()
            .map(|e| e["original"]["what_happened"].as_str().unwrap().to_owned())
            .collect()
    }

    fn key(&self, name: &str) -> String {
        std::fs::read_to_string(self.data.join(name)).unwrap()
    }

    /// Rotates, waiting for PostgreSQL to notice that a server just stopped has gone.
    fn rotate(&self) -> Output {
        for _ in 0..50 {
            let o = self.run(&["keys", "rotate"]);
            if !stderr(&o).contains("in use by") {
                return o;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.run(&["keys", "rotate"])
    }
}

fn messages() -> Vec<String> {
    vec!["Message 0".to_owned(), "Message 1".to_owned()]
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_new_key_that_cannot_be_written_changes_nothing(#[case] engine: Engine) {
    let d = Deployment::new(engine).await;
    let old = d.key("master.key");
    // Where the new key goes, something that is not a file: as a full disk, it cannot be
    // written.
    private_dir(&d.data.join("master.key.new"));

    let o = d.rotate();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("master.key.new") && stderr(&o).contains("nothing was changed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(d.key("master.key"), old);
    d.verifies();
    assert_eq!(d.entries().await, messages());

    // Once the way is clear, the rotation goes through and the cases still read.
    std::fs::remove_dir(d.data.join("master.key.new")).unwrap();
    let o = d.rotate();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(d.key("master.key"), old);
    assert!(!d.data.join("master.key.new").exists());
    d.verifies();
    assert_eq!(d.entries().await, messages());
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_running_server_stops_a_rotation(#[case] engine: Engine) {
    let d = Deployment::new(engine).await;
    let old = d.key("master.key");
    let target = d.target();
    let target: Vec<&str> = target.iter().map(String::as_str).collect();
    let server = serve(&target, &[]);

    let o = d.run(&["keys", "rotate"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("in use by boundary serve (pid "),
        "names the server: {}",
        stderr(&o)
    );
    assert_eq!(d.key("master.key"), old);
    d.verifies();
    drop(server);
    assert_eq!(d.entries().await, messages());
}

/// PostgreSQL: a server with a data folder of its own (another machine's, say) on the same
/// database stops a rotation too, and a server is refused while a rotation holds the database.
#[tokio::test]
async fn a_server_elsewhere_on_the_same_database_stops_a_rotation() {
    let d = Deployment::new(Engine::Postgres).await;
    let old = d.key("master.key");
    let elsewhere = d.db.dir.path().join("elsewhere");
    private_dir(&elsewhere);
    for key in ["master.key", "signing.key"] {
        std::fs::copy(d.data.join(key), elsewhere.join(key)).unwrap();
    }
    let other = [
        "--data",
        elsewhere.to_str().unwrap(),
        "--database",
        d.db.url.expose(),
    ];
    let server = serve(&other, &[]);
    let o = d.run(&["keys", "rotate"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the database is in use by boundary serve (pid "),
        "{}",
        stderr(&o)
    );
    assert_eq!(d.key("master.key"), old);
    drop(server);
    d.verifies();
    assert_eq!(d.entries().await, messages());

    // While something holds the database alone (as a rotation does), no server starts.
    sqlx::any::install_default_drivers();
    let mut holder = <sqlx::AnyConnection as sqlx::Connection>::connect(d.db.url.expose())
        .await
        .unwrap();
    sqlx::query("SELECT set_config('application_name', 'boundary keys rotate (pid 7)', false)")
        .execute(&mut holder)
        .await
        .unwrap();
    sqlx::query("SELECT pg_advisory_lock(1114600814, 1801812339)")
        .execute(&mut holder)
        .await
        .unwrap();
    let mut args = other.to_vec();
    args.extend(["serve", "--listen", "127.0.0.1:0"]);
    let o = boundary(&args, None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("held alone by boundary keys rotate (pid 7)"),
        "{}",
        stderr(&o)
    );
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn a_rotation_cut_short_after_its_commit_is_finished_at_the_next_start(
    #[case] engine: Engine,
) {
    let d = Deployment::new(engine).await;
    let old = d.key("master.key");
    let o = d.rotate();
    assert!(o.status.success(), "{}", stderr(&o));
    let new = d.key("master.key");
    // The state a crash between the commit and the rename leaves: the database under the
    // key in master.key.new, master.key still the old one.
    std::fs::rename(d.data.join("master.key"), d.data.join("master.key.new")).unwrap();
    write_key(&d.data.join("master.key"), &old);

    let o = d.run(&["verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("interrupted"),
        "says what it did: {}",
        stderr(&o)
    );
    assert_eq!(d.key("master.key"), new);
    assert!(!d.data.join("master.key.new").exists());
    assert_eq!(d.entries().await, messages());

    // A rotation that died before its commit leaves a key the database does not name:
    // it is not adopted, and the next rotation clears it.
    let stray = boundary_store::MasterKey::generate().to_hex();
    write_key(&d.data.join("master.key.new"), &stray);
    d.verifies();
    assert_eq!(d.key("master.key"), new);
    let o = d.rotate();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!d.data.join("master.key.new").exists());
    assert_ne!(d.key("master.key").trim(), stray);
    assert_eq!(d.entries().await, messages());
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn with_the_key_in_the_environment_a_key_that_cannot_be_printed_changes_nothing(
    #[case] engine: Engine,
) {
    let d = Deployment::new(engine).await;
    let old = d.key("master.key").trim().to_owned();
    // The key comes from the environment; the data folder holds none.
    std::fs::remove_file(d.data.join("master.key")).unwrap();
    let run = |key: &str, extra: &[&str], stdout: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_boundary"))
            .args(d.target())
            .args(extra)
            .env("BOUNDARY_MASTER_KEY", key)
            .env_remove("BOUNDARY_DATABASE_URL")
            .env_remove("BOUNDARY_DATA")
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };

    // Standard output on a full disk: the new key cannot be handed over.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = run(&old, &["keys", "rotate"], Stdio::from(full));
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was changed"), "{}", stderr(&o));
    let o = run(&old, &["verify"], Stdio::piped());
    assert_eq!(
        o.status.code(),
        Some(0),
        "the old key still opens everything: {}",
        stderr(&o)
    );

    let o = run(&old, &["keys", "rotate"], Stdio::piped());
    assert!(o.status.success(), "{}", stderr(&o));
    let new = last_line(&o);
    assert_eq!(new.len(), 64);
    assert_eq!(
        run(&new, &["verify"], Stdio::piped()).status.code(),
        Some(0)
    );
    let o = run(&old, &["verify"], Stdio::piped());
    assert!(stderr(&o).contains("another master key"), "{}", stderr(&o));
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn rotating_the_master_key_leaves_the_data_and_retires_the_old_key(#[case] engine: Engine) {
    let app = crate::helpers::spawn_app(engine).await;
    let token = app.owner_token().await;
    app.logged_contacts(&token, 3).await;
    let data = app.db.dir.path().to_str().unwrap().to_owned();
    let mut t = vec!["--data".to_owned(), data.clone()];
    if let Some(url) = app
        .db
        .postgres_name()
        .map(|_| app.db.url.expose().to_owned())
    {
        t.extend(["--database".to_owned(), url]);
    }
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = t.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        boundary(&args, None)
    };
    let before = last_line(&run(&["verify"]));
    assert!(before.starts_with("ok: 5 events"), "{before}");
    let key_file = app.db.dir.path().join("master.key");
    let old = std::fs::read_to_string(&key_file).unwrap();

    let o = run(&["keys", "rotate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(last_line(&o), "1", "the one case's key re-wrapped");
    let new = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(old.trim(), new.trim());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // The same log, unchanged, opened with the new key.
    assert_eq!(last_line(&run(&["verify"])), before);

    // A server that ran through the rotation without a claim (this one, in the test's own
    // process) still holds the old key: it may not wrap a new case's key under it.
    let (s, v) = app
        .api_post(
            "/api/v1/cases",
            &token,
            serde_json::json!({"person": {"label": "Patient B"}}),
        )
        .await;
    assert!(s.is_server_error(), "{s} {v}");
    assert_eq!(last_line(&run(&["verify"])), before);

    // The old key opens no case key any more.
    let stored = app
        .store
        .events_from(boundary_domain::Seq::first(), 1)
        .await
        .unwrap()
        .remove(0);
    let signer = boundary_store::data_folder::DataFolder::new(app.db.dir.path())
        .read_signer()
        .unwrap();
    let with_old = boundary_store::Store::open(
        &app.db.url,
        boundary_store::MasterKey::from_hex(&old).unwrap(),
        signer,
    )
    .await
    .unwrap();
    assert!(with_old.data_key(stored.key).await.is_err());
    let o = Command::new(env!("CARGO_BIN_EXE_boundary"))
        .args(&t)
        .arg("verify")
        .env("BOUNDARY_MASTER_KEY", old.trim())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("another master key"), "{}", stderr(&o));
}

fn private_dir(path: &Path) {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(path).unwrap();
}

fn write_key(path: &Path, text: &str) {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).unwrap().write_all(text.as_bytes()).unwrap();
}
