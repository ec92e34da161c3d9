//! Attached files in S3-compatible object storage, against a real S3 server (moto's,
//! which `.ci/run` installs): kept sealed and by content, read back whole, carried in
//! the bundle, refused when an object is swapped, nothing half kept when the bucket is
//! down — and shared by two servers on one PostgreSQL database, each with its own folder.

use crate::helpers::*;
use boundary_store::blobs::{Blobs, S3Settings};
use boundary_store::testing::TestDb;
use boundary_store::Engine;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use rstest::rstest;
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ACCESS_KEY: &str = "boundary-test";
const SECRET_KEY: &str = "boundary-test-secret";

/// moto's S3 server on a free port, stopped however the test ends.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let program = std::env::var("BOUNDARY_TEST_MOTO").unwrap_or_else(|_| "moto_server".into());
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program} ({e}): `pip install 'moto[server]'` (`.ci/run` does)"
                )
            });
        let endpoint = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto_server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, endpoint }
    }

    async fn create_bucket(&self, bucket: &str) {
        let r = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    /// The bucket as an S3 client signed in sees it.
    fn client(&self, bucket: &str) -> impl ObjectStore {
        AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_region("eu-west-2")
            .with_access_key_id(ACCESS_KEY)
            .with_secret_access_key(SECRET_KEY)
            .build()
            .unwrap()
    }

    /// Every object's key in the bucket.
    async fn keys(&self, bucket: &str) -> Vec<String> {
        let listed = self.client(bucket).list_with_delimiter(None).await.unwrap();
        let mut keys = Vec::new();
        let mut folders = listed.common_prefixes;
        while let Some(folder) = folders.pop() {
            let inside = self
                .client(bucket)
                .list_with_delimiter(Some(&folder))
                .await
                .unwrap();
            folders.extend(inside.common_prefixes);
            keys.extend(inside.objects.into_iter().map(|o| o.location.to_string()));
        }
        keys.extend(listed.objects.into_iter().map(|o| o.location.to_string()));
        keys.sort();
        keys
    }

    async fn object(&self, bucket: &str, key: &str) -> Vec<u8> {
        let got = self
            .client(bucket)
            .get(&ObjectPath::from(key))
            .await
            .unwrap();
        got.bytes().await.unwrap().to_vec()
    }

    async fn replace(&self, bucket: &str, key: &str, bytes: Vec<u8>) {
        self.client(bucket)
            .put(&ObjectPath::from(key), bytes.into())
            .await
            .unwrap();
    }

    fn settings(&self, bucket: &str, prefix: Option<&str>) -> S3Settings {
        S3Settings {
            bucket: bucket.to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: Some("eu-west-2".into()),
            prefix: prefix.map(str::to_owned),
            credentials: Some((ACCESS_KEY.into(), SECRET_KEY.to_owned().into())),
        }
    }
}

fn png(marker: &str) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(format!("IHDR {marker}").as_bytes());
    b
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

async fn upload(base: &str, token: &str, case: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("screenshot.png"));
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/cases/{case}/attachments"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn download(base: &str, token: &str, id: &str) -> (StatusCode, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/attachments/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

#[rstest]
#[case::sqlite(Engine::Sqlite)]
#[case::postgres(Engine::Postgres)]
#[tokio::test]
async fn files_in_a_bucket_are_sealed_kept_by_content_and_checked_when_read(
    #[case] engine: Engine,
) {
    let s3 = S3Server::start();
    s3.create_bucket("evidence").await;
    let blobs = Blobs::bucket(&s3.settings("evidence", Some("riverside")))
        .await
        .unwrap();
    let app = spawn_app_with(
        engine,
        Setup {
            files: Some(blobs),
            ..Setup::default()
        },
    )
    .await;
    let owner = app.owner_token().await;
    let (case, _) = app.logged_contacts(&owner, 1).await;
    let other_case = app.api_case(&owner, "Patient B").await;

    let screenshot = png("MARKER-S3-4471 fourteen messages tonight");
    let (s, first) = upload(&app.base, &owner, &case, screenshot.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let (s, again) = upload(&app.base, &owner, &case, screenshot.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    let picture = photo(640, 480);
    let (s, elsewhere) = upload(&app.base, &owner, &other_case, picture.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{elsewhere}");

    // Kept by content under the prefix — the same file twice in a case is one object —
    // named with the case's key, each with its thumbnail (empty for a screenshot that
    // is no real picture).
    let key = format!(
        "riverside/{case}/{}",
        app.kept_name(&case, &sha256_hex(&screenshot)).await
    );
    let other_key = format!(
        "riverside/{other_case}/{}",
        app.kept_name(&other_case, &sha256_hex(&picture)).await
    );
    // Thumbnails are made just after an upload, or by the first page that wants them.
    let actor = app.app.token_actor(&owner).await.unwrap();
    for c in [&case, &other_case] {
        app.app
            .thumbnails(
                &actor,
                c.parse().unwrap(),
                &app.app
                    .attachments_on_viewed_page(&actor, c.parse().unwrap())
                    .await
                    .unwrap(),
            )
            .await
            .unwrap();
    }
    let keys = s3.keys("evidence").await;
    let mut expected = vec![
        key.clone(),
        format!("{key}.thumbnail"),
        other_key.clone(),
        format!("{other_key}.thumbnail"),
    ];
    expected.sort();
    assert_eq!(keys, expected);
    let thumbnails = app
        .app
        .thumbnails(
            &actor,
            other_case.parse().unwrap(),
            &app.app
                .attachments_on_viewed_page(&actor, other_case.parse().unwrap())
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    let thumbnail = &thumbnails[&elsewhere["id"].as_str().unwrap().parse().unwrap()];
    assert_eq!(image::load_from_memory(thumbnail).unwrap().width(), 320);
    // Only sealed bytes reach the bucket, and nothing reaches the data folder.
    let kept = s3.object("evidence", &key).await;
    assert!(!String::from_utf8_lossy(&kept).contains("MARKER-S3-4471"));
    assert!(!app.db.dir.path().join("attachments").exists());

    for attached in [&first, &again] {
        let (s, bytes) = download(&app.base, &owner, attached["id"].as_str().unwrap()).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(bytes, screenshot);
    }

    // The bundle carries the file from the bucket, and both verifiers accept it.
    let r = app
        .http
        .post(format!("{}/api/v1/cases/{case}/exports", app.base))
        .bearer_auth(&owner)
        .json(&serde_json::json!({"format": "bundle"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
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
    assert!(o.status.success(), "{}", stderr(&o));

    // Another case's sealed file put in this one's place is refused, not shown.
    let events_before = app.store.event_count().await.unwrap();
    s3.replace("evidence", &key, s3.object("evidence", &other_key).await)
        .await;
    let (s, bytes) = download(&app.base, &owner, first["id"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!String::from_utf8_lossy(&bytes).contains("another"));
    s3.replace("evidence", &key, kept).await;

    // With the bucket down, an upload is refused and nothing is recorded.
    drop(s3);
    let (s, _) = upload(&app.base, &owner, &case, png("while the bucket is down")).await;
    assert!(s.is_server_error(), "{s}");
    assert_eq!(app.store.event_count().await.unwrap(), events_before);
    let (_, listed) = app
        .api_get(&format!("/api/v1/cases/{case}/attachments"), &owner)
        .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
}

/// `--data DIR --database URL` for the binary.
fn target(db: &TestDb, data: &std::path::Path) -> Vec<String> {
    vec![
        "--data".into(),
        data.to_str().unwrap().into(),
        "--database".into(),
        db.url.expose().to_owned(),
    ]
}

#[tokio::test]
async fn two_servers_on_one_postgres_share_files_through_the_bucket() {
    let s3 = S3Server::start();
    s3.create_bucket("shared").await;
    let db = TestDb::new(Engine::Postgres).await.unwrap();
    let (one, two) = (db.dir.path().join("one"), db.dir.path().join("two"));
    let (a1, a2) = (target(&db, &one), target(&db, &two));
    let a1: Vec<&str> = a1.iter().map(String::as_str).collect();
    let a2: Vec<&str> = a2.iter().map(String::as_str).collect();
    let (token, _) = practice(&a1);
    // The second server has its own folder holding the same keys, and no files; private,
    // as init makes one, or the server refuses it.
    std::fs::create_dir_all(&two).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&two, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    for key in ["master.key", "signing.key"] {
        std::fs::copy(one.join(key), two.join(key)).unwrap();
    }

    let flags = ["--s3-bucket", "shared", "--s3-endpoint", &s3.endpoint];
    let env = [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
    ];
    let first = serve_with_env(&a1, &flags, "info", &env);
    let second = serve_with_env(&a2, &flags, "info", &env);

    let (s, case) = reqwest::Client::new()
        .post(format!("{}/api/v1/cases", first.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"person": {"label": "Patient A"}}))
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    assert_eq!(s, StatusCode::CREATED);
    let case: Value = case.json().await.unwrap();
    let case = case["id"].as_str().unwrap();
    let photo = png("MARKER-SHARED-9020 a card left on the windscreen");
    let (s, attached) = upload(&first.base, &token, case, photo.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{attached}");

    let (s, bytes) = download(&second.base, &token, attached["id"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bytes, photo);
    assert!(!one.join("attachments").exists() && !two.join("attachments").exists());
    // The file and its thumbnail (empty: no real picture), made just after the upload;
    // the start-up checks' writes cleared away.
    let start = Instant::now();
    while s3.keys("shared").await.len() < 2 && start.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let keys = s3.keys("shared").await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    for server in [&first, &second] {
        let log = server.log.lock().unwrap().join("\n");
        assert!(
            !log.contains(SECRET_KEY),
            "the secret reached the log: {log}"
        );
    }
}

#[test]
fn a_bucket_that_does_not_answer_stops_the_server_before_it_serves() {
    let s3 = S3Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert!(boundary(&["--data", data, "init"], None).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_boundary"))
        .args(["--data", data, "--s3-bucket", "no-such-bucket"])
        .args([
            "--s3-endpoint",
            &s3.endpoint,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("the server started with a bucket that does not exist");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert_eq!(status.code(), Some(2), "{said}");
    assert!(said.contains("no-such-bucket"), "{said}");
    assert!(said.contains("--s3-bucket"), "{said}");
    assert!(!said.contains("listening on"), "{said}");
    assert!(!said.contains(SECRET_KEY), "{said}");
}
