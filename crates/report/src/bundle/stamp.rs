//! The bundle's trusted timestamp (RFC 3161). The token is checked against a certificate;
//! which one decides what it proves. The certificate the bundle carries was put there by
//! whoever made the bundle, so it shows only that the token hangs together — a time is
//! the authority's word only when the token is checked against the authority's own
//! certificate, held by the reader (`--tsa-cert`).

use super::archive::{hash, text};
use super::ManifestTimestamp;
use boundary_ledger::note::{Checkpoint, LogVerifier};
use boundary_ledger::timestamp::{self, TsaCertificate};
use boundary_ledger::Hash;
use std::collections::BTreeMap;

/// What a timestamp that checks out says, and against whose certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The size of the log the authority stamped.
    pub tree_size: u64,
    /// The time the authority's token gives.
    pub time: String,
    /// The certificate the token was checked against: its subject and issuer (RFC 4514).
    pub subject: String,
    pub issuer: String,
    /// Whether that certificate is one the reader gave (`--tsa-cert`), not the bundle's.
    pub trusted: bool,
}

/// Checks the timestamp the manifest names: the stamped checkpoint is signed by the log
/// and grew into the bundle's, the certificate is the one the manifest names, and the
/// token stamps that checkpoint — signed by `trusted_cert` when the reader gave one, by the
/// carried certificate otherwise. Returns the stamp and the stamped (size, root).
pub(super) fn check(
    files: &BTreeMap<String, Vec<u8>>,
    t: &ManifestTimestamp,
    verifier: &LogVerifier,
    checkpoint: &Checkpoint,
    trusted_cert: Option<&str>,
) -> Result<(Stamp, (u64, Hash)), String> {
    use sha2::{Digest, Sha256};
    let stamped = verifier
        .open_checkpoint(text(files, "timestamp/checkpoint.txt")?)
        .map_err(|e| format!("timestamp/checkpoint.txt: {e}"))?;
    if stamped.size != t.tree_size {
        return Err("the timestamped checkpoint is not the one the manifest names".into());
    }
    let proof = t
        .consistency
        .iter()
        .map(|p| hash(p, "a hash in the timestamp's consistency proof"))
        .collect::<Result<Vec<_>, _>>()?;
    super::held::grew_from(&stamped, checkpoint, &proof)
        .map_err(|e| format!("the log did not grow from the timestamped checkpoint: {e}"))?;
    let pem = text(files, "timestamp/tsa.pem")?;
    if hex::encode(Sha256::digest(pem.as_bytes())) != t.tsa_cert_sha256 {
        return Err("timestamp/tsa.pem is not the certificate the manifest names".into());
    }
    let carried = TsaCertificate::from_pem(pem).map_err(|e| format!("timestamp/tsa.pem: {e}"))?;
    let cert = match trusted_cert {
        Some(p) => TsaCertificate::from_pem(p)
            .map_err(|e| format!("the TSA certificate you trust: {e}"))?,
        None => carried,
    };
    let token = files
        .get("timestamp/token.tsr")
        .ok_or("timestamp/token.tsr is missing from the bundle")?;
    let time = timestamp::verify(token, stamped.body().as_bytes(), &cert).map_err(|e| {
        if trusted_cert.is_some() {
            format!(
                "the timestamp was not made by the authority whose certificate you trust ({}): {e}",
                cert.subject()
            )
        } else {
            format!("timestamp/token.tsr: {e}")
        }
    })?;
    Ok((
        Stamp {
            tree_size: stamped.size,
            time,
            subject: cert.subject(),
            issuer: cert.issuer(),
            trusted: trusted_cert.is_some(),
        },
        (stamped.size, stamped.root),
    ))
}
