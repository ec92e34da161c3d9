//! `spawn_app()` and a `TestApp` with one method per thing a user does.

#![allow(dead_code)]

use boundary_app::{App, Clock};
use boundary_domain::Timestamp;
use boundary_store::blobs::Blobs;
use boundary_store::data_folder::DataFolder;
use boundary_store::testing::TestDb;
use boundary_store::{Engine, Store};
use boundary_web::{AppState, WebConfig};
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use reqwest::{redirect, Response, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// A clock the test can move; it starts at the real time.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    pub fn advance(&self, seconds: i64) {
        let mut t = self.0.lock().unwrap();
        *t = t.plus_seconds(seconds);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub base: String,
    pub app: App,
    /// The same database as the app's, for tests that look beneath it (a tampered row,
    /// a count of events): the server itself never reaches past the app.
    pub store: Store,
    pub clock: Arc<TestClock>,
    pub db: TestDb,
    pub http: reqwest::Client,
    /// The browser's cookies.
    pub cookies: Mutex<BTreeMap<String, String>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub server: Option<tokio::task::JoinHandle<()>>,
}

pub const PASSWORD: &str = "correct horse battery staple";

/// [`PASSWORD`] as the app takes a password.
pub fn password() -> boundary_app::SecretString {
    boundary_app::SecretString::from(PASSWORD.to_owned())
}

pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_at(engine, None).await
}

/// The server, told that people reach it at `public_url` (for example behind a TLS proxy).
pub async fn spawn_app_at(engine: Engine, public_url: Option<&str>) -> TestApp {
    spawn_app_with(
        engine,
        Setup {
            public_url,
            ..Setup::default()
        },
    )
    .await
}

/// A server whose case page waits as long as an export takes, for tests that expect
/// the file itself from the page.
pub async fn spawn_app_waiting_for_exports(engine: Engine) -> TestApp {
    spawn_app_with(
        engine,
        Setup {
            export_wait: Some(std::time::Duration::from_secs(300)),
            ..Setup::default()
        },
    )
    .await
}

/// What a test server is given beyond the defaults.
#[derive(Default)]
pub struct Setup<'a> {
    /// Where people reach it, for example behind a TLS proxy.
    pub public_url: Option<&'a str>,
    /// Where attached files go (a bucket, say) instead of the data folder's `attachments/`.
    pub files: Option<Blobs>,
    /// How long the case page waits for an export before showing its progress.
    pub export_wait: Option<std::time::Duration>,
}

pub async fn spawn_app_with(engine: Engine, setup: Setup<'_>) -> TestApp {
    let Setup {
        public_url,
        files,
        export_wait,
    } = setup;
    let db = TestDb::new(engine).await.expect("test database");
    let folder = DataFolder::new(db.dir.path());
    folder.init(true).expect("data folder");
    let store = Store::open(
        &db.url,
        folder.read_master_key().unwrap(),
        folder.read_signer().unwrap(),
    )
    .await
    .expect("store")
    .with_blobs(files.unwrap_or_else(|| Blobs::Folder(db.dir.path().join("attachments"))));
    store.bind_keys().await.expect("keys bound");
    let clock = Arc::new(TestClock(Mutex::new(boundary_app::SystemClock.now())));
    let app = App::new(store.clone()).with_clock(clock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        app: app.clone(),
        config: Arc::new({
            let mut config = WebConfig::new(public_url.unwrap_or(&base));
            if let Some(wait) = export_wait {
                config.export_wait = wait;
            }
            config
        }),
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        boundary_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    TestApp {
        base,
        app,
        store,
        clock,
        db,
        http: reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .build()
            .unwrap(),
        cookies: Mutex::new(BTreeMap::new()),
        shutdown: Some(tx),
        server: Some(server),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The value of the hidden `csrf` field in a page (masked afresh on every page).
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a csrf token") + marker.len();
    let len = html[start..].find('"').expect("the token's closing quote");
    html[start..start + len].to_owned()
}

/// The invitation link shown on the admin's page after inviting someone: its path.
pub fn invite_link_in(html: &str) -> String {
    let start = html
        .find("/password/")
        .expect("an invitation link on the page");
    html[start..start + "/password/".len() + 64].to_owned()
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    fn remember_cookies(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().unwrap();
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if v.contains("Max-Age=0") {
                jar.remove(k);
            } else {
                jar.insert(k.to_owned(), val.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        let jar = self.cookies.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn forget_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookies
            .lock()
            .unwrap()
            .get("boundary_session")
            .cloned()
    }

    pub fn set_session_cookie(&self, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert("boundary_session".into(), value.into());
    }

    /// A browser GET.
    pub async fn get(&self, path: &str) -> Response {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.remember_cookies(r.headers());
        r
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// A browser form post.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(fields)
            .send()
            .await
            .unwrap();
        self.remember_cookies(r.headers());
        r
    }

    /// A browser form post from the page at `from` (a path here), which a browser names
    /// in `Referer` under Boundary's `same-origin` referrer policy.
    pub async fn post_form_from(
        &self,
        path: &str,
        from: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header(reqwest::header::REFERER, format!("{}{from}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        self.remember_cookies(r.headers());
        r
    }

    /// A browser form post with files (multipart).
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Response {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.remember_cookies(r.headers());
        r
    }

    /// Loads the form page at `page` and posts `fields` to `action` with its token.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let (status, html) = self.get_html(page).await;
        assert_eq!(status, StatusCode::OK, "form page {page}: {html}");
        let csrf = csrf_in(&html);
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post_form(action, &all).await
    }

    /// Sets up the organisation through the one-time link, as a new deployment's first user does.
    pub async fn set_up(&self, email: &str) -> Response {
        let link = self
            .app
            .setup_link_if_empty()
            .await
            .unwrap()
            .expect("empty store");
        self.submit(
            &format!("/setup/{link}"),
            &format!("/setup/{link}"),
            &[
                ("org_name", "Riverside Surgery"),
                ("name", "Dr Ada Patel"),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await
    }

    /// Invites someone from the People page as the admin signed in in this test browser;
    /// returns the invitation link's path.
    pub async fn invite_on_page(&self, email: &str, name: &str, role: &str) -> String {
        invite_link_in(&self.invitation_page(email, name, role).await)
    }

    /// The People page as it stands after inviting someone.
    pub async fn invitation_page(&self, email: &str, name: &str, role: &str) -> String {
        let r = self
            .submit(
                "/admin/members",
                "/admin/members",
                &[("email", email), ("name", name), ("role", role)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        r.text().await.unwrap()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.submit(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Opens a case through the page; returns its id.
    pub async fn open_case_page(&self, label: &str) -> String {
        let r = self
            .submit("/cases/new", "/cases", &[("label", label)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        location(&r).trim_start_matches("/cases/").to_owned()
    }

    /// Logs a contact through the one-screen form.
    /// Logs a contact through the page: "just now" unless `fields` say when.
    pub async fn log_contact_page(&self, case: &str, fields: &[(&str, &str)]) -> Response {
        let mut fields = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "when") {
            fields.push(("when", "now"));
        }
        self.submit(
            &format!("/cases/{case}/log"),
            &format!("/cases/{case}/entries"),
            &fields,
        )
        .await
    }

    /// Adds a clinician with a password and returns an API token for them.
    pub async fn clinician_with_token(&self, email: &str) -> String {
        let added = self
            .app
            .add_member(
                "Riverside Surgery",
                email,
                "Dr Other",
                "clinician",
                Some(&crate::helpers::password()),
            )
            .await
            .unwrap();
        self.app
            .create_token(added.member, Some("test"), None)
            .await
            .unwrap()
            .secret
    }

    /// The first user, set up, with an API token.
    pub async fn owner_token(&self) -> String {
        self.set_up("ada@example.nhs.uk").await;
        let member = self
            .app
            .member_by_email("ada@example.nhs.uk")
            .await
            .unwrap();
        self.app
            .create_token(member, None, None)
            .await
            .unwrap()
            .secret
    }

    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn api_get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.api(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn api_post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.api(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    /// Runs SQL on the database behind Boundary's back, as an intruder with database access would.
    pub async fn sql(&self, statement: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(self.db.url.expose()).await.unwrap();
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool.close().await;
    }

    /// Runs one SQL statement with one blob parameter (`$1`), behind Boundary's back.
    pub async fn sql_with_blob(&self, statement: &str, blob: Vec<u8>) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(self.db.url.expose()).await.unwrap();
        sqlx::query(statement)
            .bind(blob)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }

    /// Logs `n` contacts on a new case over the API; returns the case id and each answer.
    pub async fn logged_contacts(&self, token: &str, n: usize) -> (String, Vec<Value>) {
        let case = self.api_case(token, "Patient A").await;
        let mut out = Vec::new();
        for i in 0..n {
            let (s, v) = self
                .api_post(&format!("/api/v1/cases/{case}/entries"), token, serde_json::json!({"channel": "text_message", "what_happened": format!("Message {i}")}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            out.push(v);
        }
        (case, out)
    }

    /// The name an attached file with this SHA-256 is kept under in its case's folder:
    /// made with the case's key, so that it does not show the hash.
    pub async fn kept_name(&self, case: &str, sha256: &str) -> String {
        let (_, key) = self
            .store
            .case_and_key(case.parse().unwrap())
            .await
            .unwrap();
        key.name_for(sha256).unwrap()
    }

    /// Opens a case over the API; returns its id.
    pub async fn api_case(&self, token: &str, label: &str) -> String {
        let (s, v) = self
            .api_post(
                "/api/v1/cases",
                token,
                serde_json::json!({"person": {"label": label}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }
}

/// A real PNG: a gradient `width` × `height`.
pub fn photo(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Runs the real `boundary` binary with `args` (and `stdin`), without the environment's
/// Boundary settings leaking in.
pub fn boundary(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
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

/// One practice set up through the real binary at `target` (`--data DIR`, and
/// `--database URL` for PostgreSQL): Ada, a clinician, and Bea, its admin; their tokens.
pub fn practice(target: &[&str]) -> (String, String) {
    let run = |args: &[&str], stdin: Option<&str>| {
        let o = boundary(&[target, args].concat(), stdin);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        last_line(&o)
    };
    run(&["init"], None);
    let org = run(&["org", "add", "Riverside Surgery"], None);
    for (email, role) in [
        ("ada@example.nhs.uk", "clinician"),
        ("bea@example.nhs.uk", "admin"),
    ] {
        let user = [
            "user", "add", "--email", email, "--name", email, "--org", &org,
        ];
        run(
            &[&user[..], &["--role", role, "--password-stdin"]].concat(),
            Some("a long enough password"),
        );
    }
    let token = |email: &str| run(&["token", "create", "--email", email], None);
    (token("ada@example.nhs.uk"), token("bea@example.nhs.uk"))
}

/// Signs in on the sign-in page of a server started with [`serve`]; returns the cookies
/// to send as a `cookie` header.
pub async fn sign_in_at(base: &str, email: &str, password: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let r = http.get(format!("{base}/sign-in")).send().await.unwrap();
    let mut cookies = set_cookies(&r);
    let csrf = csrf_in(&r.text().await.unwrap());
    let r = http
        .post(format!("{base}/sign-in"))
        .header(COOKIE, &cookies)
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "signed in");
    cookies = format!("{cookies}; {}", set_cookies(&r));
    cookies
}

/// Invites someone on the People page of a server started with [`serve`], as the admin
/// whose cookies these are; returns the page shown after.
pub async fn invite_at(base: &str, cookies: &str, email: &str, name: &str, role: &str) -> String {
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{base}/admin/members"))
        .header(COOKIE, cookies)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = http
        .post(format!("{base}/admin/members"))
        .header(COOKIE, cookies)
        .form(&[
            ("email", email),
            ("name", name),
            ("role", role),
            ("csrf", &csrf_in(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

fn set_cookies(r: &Response) -> String {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn last_line(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A `boundary serve` process, stopped however the test ends.
pub struct Server {
    child: std::process::Child,
    pub base: String,
    /// Every line the server has written to stderr since it began listening.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `boundary ARGS serve --listen 127.0.0.1:0 EXTRA` and waits until it listens.
pub fn serve(args: &[&str], extra: &[&str]) -> Server {
    serve_logging(args, extra, "warn")
}

/// As [`serve`], with the log at `level`.
pub fn serve_logging(args: &[&str], extra: &[&str], level: &str) -> Server {
    serve_with_env(args, extra, level, &[])
}

/// As [`serve_logging`], with these environment variables set for the server.
pub fn serve_with_env(args: &[&str], extra: &[&str], level: &str, env: &[(&str, &str)]) -> Server {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_boundary"))
        .args(args)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .envs(env.iter().copied())
        .env_remove("BOUNDARY_MASTER_KEY")
        .env("BOUNDARY_LOG", level)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = err
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.contains("listening on"))
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    // Keep draining its stderr so that it never blocks on a full pipe.
    let log = Arc::new(Mutex::new(Vec::new()));
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in err.map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    Server {
        child,
        base: format!("http://{addr}"),
        log,
    }
}
