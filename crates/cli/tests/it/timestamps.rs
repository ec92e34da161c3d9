//! Trusted timestamps against a real TSA (`openssl ts` behind a tiny HTTP endpoint).

use crate::helpers::{boundary, last_line, stderr};
use crate::tsa_support::{make_tsa, openssl, set_mode, HttpTsa};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn run(data: &str, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut all = vec!["--data", data];
    all.extend_from_slice(args);
    boundary(&all, stdin)
}

async fn ledger(http: &reqwest::Client, base: &str, token: &str) -> Value {
    http.get(format!("{base}/api/v1/ledger"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Polls the ledger status until `done` holds, for at most 30 seconds.
async fn until(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let v = ledger(http, base, token).await;
        if done(&v) {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn checkpoints_are_timestamped_and_a_failing_tsa_never_blocks_logging() {
    let (_keep, tsa_dir) = make_tsa("timeStamping");
    let tsa = HttpTsa::start(&tsa_dir);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert!(run(data, &["init"], None).status.success());
    let org = last_line(&run(data, &["org", "add", "Riverside Surgery"], None));
    for (email, role) in [
        ("ada@example.nhs.uk", "clinician"),
        ("cat@example.nhs.uk", "auditor"),
    ] {
        assert!(run(
            data,
            &[
                "user",
                "add",
                "--email",
                email,
                "--name",
                email,
                "--org",
                &org,
                "--role",
                role,
                "--password-stdin"
            ],
            Some("a long enough password")
        )
        .status
        .success());
    }
    let clinician = last_line(&run(
        data,
        &["token", "create", "--email", "ada@example.nhs.uk"],
        None,
    ));
    let auditor = last_line(&run(
        data,
        &["token", "create", "--email", "cat@example.nhs.uk"],
        None,
    ));

    let cert = tsa_dir.join("tsa.pem");
    let server = crate::helpers::serve(
        &["--data", data],
        &[
            "--tsa-url",
            &tsa.url,
            "--tsa-cert",
            cert.to_str().unwrap(),
            "--tsa-interval",
            "1",
        ],
    );
    let base = server.base.clone();

    let http = reqwest::Client::new();
    let case: Value = http
        .post(format!("{base}/api/v1/cases"))
        .bearer_auth(&clinician)
        .json(&json!({"person": {"label": "Patient A"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case = case["id"].as_str().unwrap().to_owned();
    let log = |n: usize| {
        let (http, base, clinician, case) =
            (http.clone(), base.clone(), clinician.clone(), case.clone());
        async move {
            let r = http
                .post(format!("{base}/api/v1/cases/{case}/entries"))
                .bearer_auth(&clinician)
                .json(&json!({"channel": "email", "what_happened": format!("Message {n}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                reqwest::StatusCode::CREATED,
                "logging never waits for the TSA"
            );
        }
    };
    log(1).await;
    log(2).await;

    let v = until(
        &http,
        &base,
        &auditor,
        "a timestamp on the latest checkpoint",
        |v| v["tsa"]["timestamped_size"] == 4,
    )
    .await;
    assert_eq!(v["tsa"]["configured"], true);
    assert!(v["tsa"]["last_error"].is_null());

    // OpenSSL accepts the token Boundary kept, for the checkpoint's exact text.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{data}/boundary.db"))
        .await
        .unwrap();
    let row: (Vec<u8>, String) =
        sqlx::query_as("SELECT tsa_token, note FROM checkpoints WHERE tree_size = 4")
            .fetch_one(&pool)
            .await
            .unwrap();
    let body = format!("{}\n", row.1.split_once("\n\n").unwrap().0);
    std::fs::write(tsa_dir.join("token.der"), &row.0).unwrap();
    std::fs::write(tsa_dir.join("body.txt"), &body).unwrap();
    openssl(
        &tsa_dir,
        &[
            "ts",
            "-verify",
            "-in",
            "token.der",
            "-token_in",
            "-data",
            "body.txt",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "tsa.pem",
        ],
    );

    // The TSA goes down, then answers garbage: logging goes on, the ledger says so.
    set_mode(&tsa_dir, "down");
    log(3).await;
    let v = until(&http, &base, &auditor, "a TSA failure", |v| {
        v["tsa"]["last_error"].is_string()
    })
    .await;
    assert!(
        v["tsa"]["last_error"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{v}"
    );
    set_mode(&tsa_dir, "garbage");
    log(4).await;
    until(&http, &base, &auditor, "the garbage to be refused", |v| {
        v["tsa"]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("not a timestamp response"))
    })
    .await;
    assert_eq!(
        ledger(&http, &base, &auditor).await["tsa"]["timestamped_size"],
        4
    );

    // Back again: it is retried and the newest checkpoint gets its stamp.
    set_mode(&tsa_dir, "ok");
    let v = until(&http, &base, &auditor, "the retry", |v| {
        v["tsa"]["timestamped_size"] == 6
    })
    .await;
    assert!(v["tsa"]["last_error"].is_null());

    let o = run(data, &["verify"], None);
    assert_eq!(o.status.code(), Some(0), "{}", last_line(&o));

    // The case's bundle carries the newest stamped checkpoint, its token and the TSA's
    // certificate, with the proof that the log grew from it; both verifiers check them.
    let r = http
        .post(format!("{base}/api/v1/cases/{case}/exports"))
        .bearer_auth(&clinician)
        .json(&json!({"format": "bundle"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let bundle = tsa_dir.join("bundle.zip");
    std::fs::write(&bundle, r.bytes().await.unwrap()).unwrap();
    let bundle = bundle.to_str().unwrap();
    // The certificate the bundle carries is the exporter's choice: the timestamp checks
    // out against it, but both verifiers say whose it is and that it is not trusted; with
    // the authority's own certificate it is, and with another authority's it fails.
    let vkey = last_line(&run(data, &["checkpoint", "--vkey"], None));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/verifier/verify_bundle.py");
    let python = |extra: &[&str]| {
        std::process::Command::new("python3")
            .arg(&script)
            .arg(bundle)
            .args(["--vkey", &vkey])
            .args(extra)
            .output()
            .unwrap()
    };
    let rust = |extra: &[&str]| {
        boundary(
            &[&["verify", "--bundle", bundle, "--vkey", &vkey], extra].concat(),
            None,
        )
    };
    let (_other_keep, other_tsa) = make_tsa("timeStamping");
    let own = tsa_dir.join("tsa.pem");
    let other = other_tsa.join("tsa.pem");
    let whose = "(subject CN=Boundary test TSA, issuer CN=Boundary test TSA CA)";
    for (extra, code, says) in [
        (
            vec![],
            0,
            format!("according to a token checked against the certificate the bundle carries {whose}, not one you trust"),
        ),
        (
            vec!["--tsa-cert", own.to_str().unwrap()],
            0,
            format!("by the token of the timestamping authority whose certificate you gave {whose}"),
        ),
        (
            vec!["--tsa-cert", other.to_str().unwrap()],
            1,
            "FAILED: the timestamp was not made by the authority whose certificate you trust".to_owned(),
        ),
    ] {
        for (who, o) in [("boundary", rust(&extra)), ("python", python(&extra))] {
            let out = String::from_utf8_lossy(&o.stdout).into_owned();
            assert_eq!(o.status.code(), Some(code), "{who} {extra:?}: {out}{}", stderr(&o));
            assert!(out.contains(&says), "{who} {extra:?}: {out}");
            if code == 0 {
                assert!(out.contains("timestamp: the log of"), "{who}: {out}");
            }
        }
    }

    // A token changed in the database is caught by verify.
    let mut token = row.0.clone();
    let at = token.len() - 20;
    token[at] ^= 1;
    sqlx::query("UPDATE checkpoints SET tsa_token = $1 WHERE tree_size = 4")
        .bind(token)
        .execute(&pool)
        .await
        .unwrap();
    let o = run(data, &["verify"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        last_line(&o).contains("trusted timestamp on the checkpoint for tree size 4"),
        "{}",
        last_line(&o)
    );
}
