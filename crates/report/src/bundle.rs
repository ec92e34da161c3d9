//! The verifiable bundle: a case's events exactly as the ledger hashed them, each with
//! its inclusion proof to one signed checkpoint, the checkpoint and the log's verifier
//! key, and a manifest signed by the same key so that nothing can be left out unseen.
//! The format is documented in `docs/bundle-format.md`; [`verify`] checks a bundle from
//! its bytes alone — no database, no network — and says whose key and whose timestamp it
//! was checked against: only a key the reader holds establishes where a bundle comes from.

mod archive;
mod held;
mod holder;
mod period;
mod stamp;
mod verify;

pub use held::BundleReceipt;
pub use holder::check_held;
pub use period::{shown_reason, ACCESS_RECORDS, NO_REASON_GIVEN, OUTSIDE_PERIOD};
pub use stamp::Stamp;
pub use verify::{verify, BundleReport, Trust};

use boundary_domain::CaseId;
use boundary_ledger::note::LogSigner;
use boundary_ledger::Hash;
use serde::{Deserialize, Serialize};
use std::io::Write;
use time::Date;
use zip::write::SimpleFileOptions;

/// The format's name, the first line of the manifest's signed statement. Format 2 adds
/// the period asked for and the day of each contact withheld as outside it; verifiers
/// still read format 1, which has neither.
pub const FORMAT: &str = "boundary-bundle/2";

/// The first format, still read.
pub const FORMAT_1: &str = "boundary-bundle/1";

/// Limits when reading a bundle, so that a crafted zip cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
pub const MAX_FILES: usize = 200_000;

/// One event of the case: its content, or — withheld — only its leaf hash.
#[derive(Debug, Clone)]
pub struct BundleEvent {
    pub seq: u64,
    pub leaf_hash: Hash,
    pub proof: Vec<Hash>,
    /// The event's canonical bytes, unless it is withheld.
    pub content: Option<Vec<u8>>,
    /// Why it is withheld, when it is.
    pub withheld: Option<String>,
    /// The day of the contact, for an event withheld as [`OUTSIDE_PERIOD`].
    pub occurred_on: Option<Date>,
}

/// An attached file named by an event in the bundle: its bytes, or why they are withheld.
#[derive(Debug, Clone)]
pub struct BundleAttachment {
    /// The SHA-256 its event records, lower-case hex.
    pub sha256: String,
    pub content: Option<Vec<u8>>,
    pub withheld: Option<String>,
}

/// A checkpoint a timestamping authority stamped (RFC 3161), earlier than or the same as
/// the bundle's, with the proof that the bundle's log grew from it.
#[derive(Debug, Clone)]
pub struct BundleTimestamp {
    /// The stamped checkpoint, exactly as signed.
    pub checkpoint: String,
    pub tree_size: u64,
    /// The token (DER), over the checkpoint's text.
    pub token: Vec<u8>,
    /// The authority's certificate (PEM).
    pub tsa_cert_pem: String,
    /// Consistency proof from `tree_size` to the bundle's tree size.
    pub consistency: Vec<Hash>,
}

/// What a bundle is made from.
#[derive(Debug)]
pub struct BundleInput<'a> {
    pub case: CaseId,
    /// RFC 3339, when the bundle was made.
    pub made_at: String,
    /// The signed checkpoint every proof leads to, exactly as signed.
    pub checkpoint: &'a str,
    pub tree_size: u64,
    pub signer: &'a LogSigner,
    /// Oldest first.
    pub events: Vec<BundleEvent>,
    /// One for each `attachment_added` event whose content is in the bundle.
    pub attachments: Vec<BundleAttachment>,
    /// The evidence pack made with the bundle, for people to read.
    pub pdf: Option<Vec<u8>>,
    pub timestamp: Option<BundleTimestamp>,
    /// The checkpoints on the case's entries' receipts, smallest first.
    pub receipts: Vec<BundleReceipt>,
    /// The period asked for: the first and last day of contacts, either open.
    pub period: (Option<Date>, Option<Date>),
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: String,
    pub case: String,
    pub made_at: String,
    pub tree_size: u64,
    /// The period asked for (format 2 on): signed with the rest, so that an event withheld
    /// as outside it can be checked to be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<ManifestPeriod>,
    /// SHA-256 of README.txt and of evidence.pdf, so that neither can be swapped.
    pub readme_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_sha256: Option<String>,
    pub events: Vec<ManifestEvent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ManifestAttachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<ManifestTimestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<ManifestReceipt>,
}

/// The first and last day of contacts asked for, `YYYY-MM-DD`; `null` is open.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ManifestPeriod {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ManifestReceipt {
    pub tree_size: u64,
    pub checkpoint: String,
    pub consistency: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ManifestTimestamp {
    pub tree_size: u64,
    pub consistency: Vec<String>,
    /// SHA-256 of `timestamp/tsa.pem`, so the certificate cannot be swapped.
    pub tsa_cert_sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ManifestAttachment {
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ManifestEvent {
    pub seq: u64,
    pub leaf_index: u64,
    pub leaf_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
    /// The day of the contact, `YYYY-MM-DD`, for an event withheld as outside the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<String>,
    pub proof: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("the bundle could not be written: {0}")]
    Write(String),
}

/// The statement the log's key signs about a manifest: its format, case, tree size and
/// the SHA-256 of the manifest's exact bytes.
pub(crate) fn manifest_statement(
    format: &str,
    case: &str,
    tree_size: u64,
    manifest: &[u8],
) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "{format}\ncase {case}\ntree {tree_size}\nmanifest {}\n",
        hex::encode(Sha256::digest(manifest))
    )
}

pub(crate) fn event_file(seq: u64) -> String {
    format!("events/{seq:012}.json")
}

/// The same file attached twice is one file in the bundle.
fn distinct(all: &[BundleAttachment]) -> Vec<&BundleAttachment> {
    let mut seen = std::collections::BTreeSet::new();
    all.iter()
        .filter(|a| seen.insert(a.sha256.as_str()))
        .collect()
}

pub(crate) fn attachment_file(sha256: &str) -> String {
    format!("attachments/{sha256}")
}

const README: &str = include_str!("bundle/README.txt");

fn day(d: Date) -> String {
    boundary_domain::occurred::iso_date::format(d)
}

/// Writes the bundle as a zip.
///
/// # Errors
/// Only if the zip cannot be written, which in memory it can.
pub fn write(input: &BundleInput<'_>) -> Result<Vec<u8>, BundleError> {
    use sha2::{Digest, Sha256};
    let manifest = Manifest {
        format: FORMAT.into(),
        case: input.case.to_string(),
        made_at: input.made_at.clone(),
        tree_size: input.tree_size,
        period: Some(ManifestPeriod {
            from: input.period.0.map(day),
            to: input.period.1.map(day),
        }),
        readme_sha256: hex::encode(Sha256::digest(README.as_bytes())),
        pdf_sha256: input.pdf.as_ref().map(|p| hex::encode(Sha256::digest(p))),
        events: input
            .events
            .iter()
            .map(|e| ManifestEvent {
                seq: e.seq,
                leaf_index: e.seq - 1,
                leaf_hash: e.leaf_hash.to_hex(),
                file: e.content.as_ref().map(|_| event_file(e.seq)),
                withheld: e.withheld.clone(),
                occurred_on: e.occurred_on.map(day),
                proof: e.proof.iter().map(Hash::to_hex).collect(),
            })
            .collect(),
        attachments: distinct(&input.attachments)
            .into_iter()
            .map(|a| ManifestAttachment {
                sha256: a.sha256.clone(),
                file: a.content.as_ref().map(|_| attachment_file(&a.sha256)),
                withheld: a.withheld.clone(),
            })
            .collect(),
        timestamp: input.timestamp.as_ref().map(|t| ManifestTimestamp {
            tree_size: t.tree_size,
            consistency: t.consistency.iter().map(Hash::to_hex).collect(),
            tsa_cert_sha256: hex::encode(Sha256::digest(t.tsa_cert_pem.as_bytes())),
        }),
        receipts: input.receipts.iter().map(ManifestReceipt::from).collect(),
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| BundleError::Write(e.to_string()))?;
    let statement = manifest_statement(FORMAT, &manifest.case, input.tree_size, &manifest_bytes);
    let signed = input.signer.sign(&statement);

    let err = |e: zip::result::ZipError| BundleError::Write(e.to_string());
    let io = |e: std::io::Error| BundleError::Write(e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), BundleError> {
        zip.start_file(name, options).map_err(err)?;
        zip.write_all(bytes).map_err(io)
    };
    put("README.txt", README.as_bytes())?;
    put("manifest.json", &manifest_bytes)?;
    put("manifest.sig", signed.as_bytes())?;
    put("checkpoint.txt", input.checkpoint.as_bytes())?;
    put(
        "vkey.txt",
        format!("{}\n", input.signer.verifier().vkey()).as_bytes(),
    )?;
    if let Some(pdf) = &input.pdf {
        put("evidence.pdf", pdf)?;
    }
    if let Some(t) = &input.timestamp {
        put("timestamp/checkpoint.txt", t.checkpoint.as_bytes())?;
        put("timestamp/token.tsr", &t.token)?;
        put("timestamp/tsa.pem", t.tsa_cert_pem.as_bytes())?;
    }
    for e in &input.events {
        if let Some(content) = &e.content {
            put(&event_file(e.seq), content)?;
        }
    }
    for a in distinct(&input.attachments) {
        if let Some(content) = &a.content {
            put(&attachment_file(&a.sha256), content)?;
        }
    }
    Ok(zip.finish().map_err(err)?.into_inner())
}

#[cfg(test)]
mod held_tests;
#[cfg(test)]
mod period_tests;
#[cfg(test)]
mod tests;
