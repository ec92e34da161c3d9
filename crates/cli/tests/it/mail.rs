//! E-mail against a real SMTP server (Python's aiosmtpd, writing to a Maildir): the
//! invitation carries its link; a reminder carries no case content and goes once; a
//! server that cannot be reached loses nothing. Plain, STARTTLS and TLS.

use crate::helpers::{boundary, invite_at, invite_link_in, practice, serve, sign_in_at};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Python that has aiosmtpd: `.ci/run` installs Debian's python3-aiosmtpd.
fn python() -> String {
    let mut candidates: Vec<String> = std::env::var("BOUNDARY_TEST_PYTHON").into_iter().collect();
    candidates.extend(["/usr/bin/python3".to_owned(), "python3".to_owned()]);
    candidates
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import aiosmtpd"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("no python3 with aiosmtpd: install python3-aiosmtpd (`.ci/run` does)")
}

struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    /// `tls` is `None`, `Some(("--tlscert", "--tlskey", dir))` for STARTTLS, or the
    /// `--smtpscert` pair for TLS from the first byte.
    fn start(dir: &Path, tls: Option<(&str, &str, &Path)>) -> Self {
        let port = free_port();
        let maildir = dir.join(format!("maildir-{port}"));
        let mut cmd = Command::new(python());
        cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
        if let Some((cert_flag, key_flag, certs)) = tls {
            cmd.args([cert_flag, certs.join("leaf.pem").to_str().unwrap()]);
            cmd.args([key_flag, certs.join("leaf.key").to_str().unwrap()]);
        }
        cmd.args(["-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()]);
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self {
            child,
            port,
            maildir,
        }
    }

    /// Every message received, decoded by Python's own e-mail parser.
    fn messages(&self) -> Vec<Value> {
        if !self.maildir.join("new").exists() {
            return Vec::new();
        }
        let script = "import mailbox, json, sys\n\
            print(json.dumps([{'to': m['To'], 'from': m['From'], 'subject': m['Subject'], \
            'body': m.get_payload(decode=True).decode()} for m in mailbox.Maildir(sys.argv[1], create=False)]))";
        let out = Command::new(python())
            .args(["-c", script, self.maildir.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Waits up to 30 seconds for a message to `to` with `subject`.
    async fn wait_for(&self, to: &str, subject: &str) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let found: Vec<Value> = self
                .messages()
                .into_iter()
                .filter(|m| m["to"] == to && m["subject"] == subject)
                .collect();
            if !found.is_empty() {
                return found;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no {subject:?} for {to}: {:?}",
                self.messages()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

async fn post(base: &str, token: &str, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

#[tokio::test]
async fn invitations_and_reminders_are_emailed_without_case_content() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let (ada, _) = practice(&["--data", data]);
    let smtp = SmtpServer::start(dir.path(), None);
    let port = smtp.port.to_string();
    let server = serve(
        &["--data", data],
        &[
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &port,
            "--smtp-security",
            "none",
            "--smtp-from",
            "Boundary <boundary@example.nhs.uk>",
            "--reminder-interval",
            "1",
            "--public-url",
            "http://boundary.test",
        ],
    );
    let base = server.base.clone();

    // The invitation: e-mailed with the link the admin also sees, which works.
    let admin = sign_in_at(&base, "bea@example.nhs.uk", "a long enough password").await;
    let page = invite_at(&base, &admin, "new@example.nhs.uk", "Dr New", "clinician").await;
    assert!(page.contains("Boundary has e-mailed this link"), "{page}");
    let link = format!("http://boundary.test{}", invite_link_in(&page));
    let link = link.as_str();
    let mail = smtp
        .wait_for("new@example.nhs.uk", "You have been invited to Boundary")
        .await;
    let body = mail[0]["body"].as_str().unwrap();
    assert!(body.contains(link), "{body}");
    assert!(body.contains("Riverside Surgery"));
    assert_eq!(mail[0]["from"], "Boundary <boundary@example.nhs.uk>");
    let r = reqwest::get(link.replace("http://boundary.test", &base))
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the e-mailed link opens the password page");

    // An immediate removal request: its owner is reminded at once, with a link and
    // nothing from the case.
    let case = post(
        &base,
        &ada,
        "/api/v1/cases",
        json!({"person": {"label": "Patient Zebedee"}}),
    )
    .await;
    let case = case["id"].as_str().unwrap().to_owned();
    post(
        &base,
        &ada,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"channel": "at_home", "what_happened": "Waited by the blue gate"}),
    )
    .await;
    post(
        &base,
        &ada,
        &format!("/api/v1/cases/{case}/letters"),
        json!({"kind": "removal_request", "immediate": true, "text": "Please remove Zebedee at once"}),
    )
    .await;
    let mail = smtp
        .wait_for("ada@example.nhs.uk", "You have a step due in Boundary")
        .await;
    let body = mail[0]["body"].as_str().unwrap();
    assert!(
        body.contains(&format!("http://boundary.test/cases/{case}/advice")),
        "{body}"
    );
    for secret in ["Zebedee", "blue gate", "removal", "police"] {
        assert!(
            !body.to_lowercase().contains(&secret.to_lowercase()),
            "{secret} in {body}"
        );
    }
    // Sent once, however many times the loop runs.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let reminders = smtp
        .messages()
        .into_iter()
        .filter(|m| m["to"] == "ada@example.nhs.uk")
        .count();
    assert_eq!(reminders, 1);
    let log = server.log.lock().unwrap().join("\n");
    assert!(
        !log.contains("new@example.nhs.uk") && !log.contains(link),
        "{log}"
    );
}

/// A CA and a certificate for `localhost` signed by it, made with openssl.
fn certificates(dir: &Path) -> PathBuf {
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(&certs)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=Boundary test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ];
    ca.extend(ec);
    openssl(&ca);
    let mut csr = vec![
        "req",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
    ];
    csr.extend(ec);
    openssl(&csr);
    std::fs::write(
        certs.join("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        "leaf.pem",
        "-extfile",
        "leaf.ext",
    ]);
    certs
}

#[tokio::test]
async fn starttls_and_tls_are_used_and_a_failed_send_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    practice(&["--data", data]);
    let certs = certificates(dir.path());
    let ca = certs.join("ca.pem");
    let plain = SmtpServer::start(dir.path(), None);
    let starttls = SmtpServer::start(dir.path(), Some(("--tlscert", "--tlskey", &certs)));
    let tls = SmtpServer::start(dir.path(), Some(("--smtpscert", "--smtpskey", &certs)));

    for (i, (smtp, security, delivered)) in [
        (&starttls, "starttls", true),
        (&tls, "tls", true),
        // STARTTLS is required: a server that does not offer it gets nothing.
        (&plain, "starttls", false),
    ]
    .into_iter()
    .enumerate()
    {
        let port = smtp.port.to_string();
        let server = serve(
            &["--data", data],
            &[
                "--smtp-host",
                "localhost",
                "--smtp-port",
                &port,
                "--smtp-security",
                security,
                "--smtp-from",
                "boundary@example.nhs.uk",
                "--smtp-ca-file",
                ca.to_str().unwrap(),
                "--public-url",
                "http://boundary.test",
            ],
        );
        let email = format!("person{i}@example.nhs.uk");
        let admin = sign_in_at(&server.base, "bea@example.nhs.uk", "a long enough password").await;
        let page = invite_at(&server.base, &admin, &email, "Someone", "manager").await;
        assert_eq!(
            page.contains("Boundary has e-mailed this link"),
            delivered,
            "{security}: {page}"
        );
        invite_link_in(&page); // the link is shown either way
        if delivered {
            smtp.wait_for(&email, "You have been invited to Boundary")
                .await;
        } else {
            assert!(smtp.messages().is_empty());
        }
    }
}

#[test]
fn mail_settings_that_cannot_work_are_refused_before_serving() {
    let base = [
        "serve",
        "--smtp-host",
        "localhost",
        "--smtp-from",
        "b@example.nhs.uk",
    ];
    let public = ["--public-url", "https://b.example.nhs.uk"];
    for (extra, says) in [
        (vec![], "--public-url"),
        (
            [&public[..], &["--smtp-security", "ssl"]].concat(),
            "starttls, tls or none",
        ),
        (
            [&public[..], &["--smtp-user", "boundary"]].concat(),
            "BOUNDARY_SMTP_PASSWORD",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut all = vec!["--data", data.to_str().unwrap()];
        all.extend(base);
        all.extend(extra);
        let o = boundary(&all, None);
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{all:?}: {err}");
    }
}
