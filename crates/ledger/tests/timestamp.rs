//! RFC 3161 against a real timestamping authority: OpenSSL's `openssl ts`, with its own
//! CA and a TSA certificate for timeStamping, made fresh for the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use boundary_ledger::timestamp::{
    request, token_from_response, verify, TimestampError, TsaCertificate,
};

#[path = "../../../tests/support/tsa.rs"]
mod support;

use support::{make_tsa as tsa, openssl, stamp};

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
