//! RFC 3161 against a real timestamping authority: OpenSSL's `openssl ts`, with its own
//! CA and a TSA certificate for timeStamping, made fresh for the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use boundary_ledger::timestamp::{
    request, token_from_response, verify, TimestampError, TsaCertificate,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a TSA in a fresh folder; returns the folder.
fn tsa(extended_key_usage: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/CN=Boundary test TSA CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        &d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/CN=Boundary test TSA",
        ],
    );
    std::fs::write(d.join("ext.cnf"), format!("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,{extended_key_usage}\n")).unwrap();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "3650",
            "-extfile",
            "ext.cnf",
        ],
    );
    std::fs::write(d.join("serial"), "01\n").unwrap();
    std::fs::write(
        d.join("tsa.cnf"),
        format!(
            "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\ndir = {}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
            d.display()
        ),
    )
    .unwrap();
    (dir, d)
}

fn stamp(d: &Path, req: &[u8]) -> Vec<u8> {
    std::fs::write(d.join("req.der"), req).unwrap();
    openssl(
        d,
        &[
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            "req.der",
            "-out",
            "resp.der",
        ],
    );
    std::fs::read(d.join("resp.der")).unwrap()
}

const CHECKPOINT: &str = "boundary/0a1b2c3d\n42\nq1Y4OJbbrrM8qZ/WHTkIH/ZN4Dk4bDmWKGhkpdEtBRQ=\n";

#[test]
fn a_token_from_openssl_ts_verifies_and_openssl_accepts_ours() {
    let (_keep, d) = tsa("timeStamping");
    let cert =
        TsaCertificate::from_pem(&std::fs::read_to_string(d.join("tsa.pem")).unwrap()).unwrap();
    let token = token_from_response(&stamp(
        &d,
        &request(CHECKPOINT.as_bytes(), 0xdead_beef_0bad_f00d).unwrap(),
    ))
    .unwrap();

    let when = verify(&token, CHECKPOINT.as_bytes(), &cert).unwrap();
    assert!(when.starts_with("20"), "{when}");

    // OpenSSL itself accepts the token as Boundary keeps it, for this checkpoint text.
    std::fs::write(d.join("token.der"), &token).unwrap();
    std::fs::write(d.join("checkpoint.txt"), CHECKPOINT).unwrap();
    openssl(
        &d,
        &[
            "ts",
            "-verify",
            "-in",
            "token.der",
            "-token_in",
            "-data",
            "checkpoint.txt",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "tsa.pem",
        ],
    );

    // Another checkpoint, another TSA, or a changed token: refused.
    assert_eq!(
        verify(&token, b"boundary/0a1b2c3d\n43\n", &cert),
        Err(TimestampError::WrongImprint)
    );
    let (_keep2, other) = tsa("timeStamping");
    let other_cert =
        TsaCertificate::from_pem(&std::fs::read_to_string(other.join("tsa.pem")).unwrap()).unwrap();
    assert!(matches!(
        verify(&token, CHECKPOINT.as_bytes(), &other_cert),
        Err(TimestampError::WrongSigner)
    ));
    let mut bad = token.clone();
    let last = bad.len() - 10;
    bad[last] ^= 0x01;
    assert!(verify(&bad, CHECKPOINT.as_bytes(), &cert).is_err());
}

#[test]
fn a_certificate_not_for_timestamping_is_refused() {
    let (_keep, d) = tsa("serverAuth");
    let err =
        TsaCertificate::from_pem(&std::fs::read_to_string(d.join("tsa.pem")).unwrap()).unwrap_err();
    assert!(err.to_string().contains("timeStamping"), "{err}");
}

#[test]
fn garbage_is_not_a_response() {
    assert!(matches!(
        token_from_response(b"<html>502 Bad Gateway</html>"),
        Err(TimestampError::Malformed(_))
    ));
}
