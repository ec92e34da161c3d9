//! The data folder is private to the account Boundary runs as: the folder and every folder
//! in it 0700, every file 0600, under an ordinary umask (022); and a server refuses to start
//! on a folder others can read, saying the one command that fixes it.

#![cfg(unix)]

use boundary_store::testing::TestDb;
use boundary_store::Engine;
use rstest::rstest;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{boundary, last_line, serve, stderr};

/// Every path under `dir`, `dir` included, whose mode lets the group or others in.
fn open_to_others(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(p) = todo.pop() {
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            found.push((p.clone(), mode));
        }
        if p.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
    found
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn the_data_folder_is_private_and_a_server_refuses_one_that_is_not(#[case] engine: Engine) {
    let db = TestDb::new(engine).await.unwrap();
    let data = db.dir.path().join("data");
    let mut target = vec!["--data".to_owned(), data.display().to_string()];
    if db.postgres_name().is_some() {
        target.extend(["--database".to_owned(), db.url.expose().to_owned()]);
    }
    let target: Vec<&str> = target.iter().map(String::as_str).collect();
    let run = |extra: &[&str], stdin: Option<&str>| {
        let o = boundary(&[&target[..], extra].concat(), stdin);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        last_line(&o)
    };

    // `init` under the umask most systems give: files 0644 and folders 0755 by default.
    let o = Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_boundary"))
        .args(&target)
        .arg("init")
        .env_remove("BOUNDARY_MASTER_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    if engine == Engine::Sqlite {
        assert!(data.join("boundary.db").exists());
    }
    assert_eq!(open_to_others(&data), vec![]);

    // A server that writes a case and an attached file leaves nothing others can read.
    let org = run(&["org", "add", "Riverside Surgery"], None);
    let user = [
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
    ];
    run(&user, Some("a long enough password"));
    let token = run(&["token", "create", "--email", "ada@example.nhs.uk"], None);
    let server = serve(&target, &[]);
    let http = reqwest::Client::new();
    let case: serde_json::Value = http
        .post(format!("{}/api/v1/cases", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"person": {"label": "Patient A"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::helpers::photo(8, 8)).file_name("door.png"),
    );
    let r = http
        .post(format!(
            "{}/api/v1/cases/{}/attachments",
            server.base,
            case["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    assert!(data.join("attachments").is_dir());
    if engine == Engine::Sqlite {
        assert!(data.join("boundary.db-wal").exists());
    }
    assert_eq!(open_to_others(&data), vec![]);
    drop(server);

    // A folder made readable by others (as an older Boundary left it) stops the server,
    // with one sentence naming the command that fixes it.
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o755)).unwrap();
    let mut files = vec!["master.key"];
    if engine == Engine::Sqlite {
        files.push("boundary.db");
    }
    for f in &files {
        std::fs::set_permissions(data.join(f), PermissionsExt::from_mode(0o644)).unwrap();
    }
    let o = boundary(
        &[&target[..], &["serve", "--listen", "127.0.0.1:0"]].concat(),
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = stderr(&o);
    assert_eq!(said.lines().count(), 1, "{said}");
    for f in &files {
        assert!(said.contains(&format!("{f} is mode 644")), "{said}");
    }
    let fix = said.split('`').nth(1).unwrap();
    assert_eq!(fix, format!("chmod -R go-rwx {}", data.display()));
    let o = Command::new("sh").args(["-c", fix]).output().unwrap();
    assert!(o.status.success());
    assert_eq!(open_to_others(&data), vec![]);
    let _server = serve(&target, &[]);
}
