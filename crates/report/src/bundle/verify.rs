//! Checking a bundle from its bytes alone, step by step as `docs/bundle-format.md`
//! describes, naming the first thing that is wrong.

use super::{
    attachment_file, event_file, manifest_statement, Manifest, FORMAT, MAX_FILES, MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
};
use boundary_domain::Event;
use boundary_domain::EventBody;
use boundary_ledger::note::LogVerifier;
use boundary_ledger::verify::verify_inclusion;
use boundary_ledger::{leaf_hash, Hash};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::io::Read;

/// What a bundle that checks out holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    pub case: String,
    /// The log the checkpoint and manifest are signed by.
    pub origin: String,
    pub tree_size: u64,
    /// Events whose content is in the bundle and checked.
    pub events: usize,
    /// Attached files in the bundle, each checked against the hash its event records.
    pub attachments: usize,
    /// Events withheld by whoever exported it: (sequence number, reason).
    pub withheld: Vec<(u64, String)>,
    /// Attached files withheld: (SHA-256, reason).
    pub withheld_files: Vec<(String, String)>,
    /// The tree size a timestamping authority stamped, and the time it gives.
    pub timestamped: Option<(u64, String)>,
    /// The verifier key used: the bundle's own, unless one was given.
    pub vkey: String,
    /// Every checkpoint shown to be an earlier state of the same log: the bundle's own,
    /// the timestamped one and the receipts' — (size, root).
    pub linked: Vec<(u64, Hash)>,
    /// Each listed event's leaf hash, withheld or not: (sequence number, hash).
    pub leaves: Vec<(u64, Hash)>,
    /// How many receipt checkpoints the log was shown to have grown from.
    pub receipts: usize,
}

const KNOWN: [&str; 6] = [
    "README.txt",
    "evidence.pdf",
    "manifest.json",
    "manifest.sig",
    "checkpoint.txt",
    "vkey.txt",
];

fn files(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("the file is not a readable zip archive ({e})"))?;
    // The zip reader keeps one entry per name; a second with the same name would be
    // silently skipped, so a bundle that has one is refused outright.
    if zip.has_duplicate_names() {
        return Err("the archive holds two files with the same name".into());
    }
    if zip.len() > MAX_FILES {
        return Err(format!("the archive holds more than {MAX_FILES} files"));
    }
    let mut out = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| format!("file {i} of the archive cannot be read ({e})"))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|e| format!("file {i} of the archive has a name that cannot be read ({e})"))?
            .into_owned();
        // The declared size can lie; the read is bounded whatever it says.
        let mut content = Vec::new();
        (&mut f)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{name} cannot be read from the archive ({e})"))?;
        if content.len() as u64 > MAX_FILE_BYTES {
            return Err(format!("{name} is larger than {MAX_FILE_BYTES} bytes"));
        }
        total += content.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "the archive unpacks to more than {MAX_TOTAL_BYTES} bytes"
            ));
        }
        if out.insert(name.clone(), content).is_some() {
            return Err(format!("the archive holds {name} twice"));
        }
    }
    Ok(out)
}

fn text<'a>(files: &'a BTreeMap<String, Vec<u8>>, name: &str) -> Result<&'a str, String> {
    let bytes = files
        .get(name)
        .ok_or_else(|| format!("{name} is missing from the bundle"))?;
    std::str::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))
}

pub(super) fn hash(hex: &str, what: &str) -> Result<Hash, String> {
    Hash::from_hex(hex).map_err(|_| format!("{what} is not a SHA-256 hash in hex"))
}

/// Checks a bundle: the signatures on its checkpoint and manifest, and every event's
/// hash, inclusion proof and case. With `trusted_vkey`, the signatures must be by that
/// key; without, by the key the bundle carries (the report says which).
///
/// # Errors
/// The first thing that is wrong, in a sentence.
pub fn verify(bytes: &[u8], trusted_vkey: Option<&str>) -> Result<BundleReport, String> {
    let files = files(bytes)?;
    let carried = text(&files, "vkey.txt")?.trim().to_owned();
    let vkey = trusted_vkey.map_or(carried.clone(), |k| k.trim().to_owned());
    if trusted_vkey.is_some() && carried != vkey {
        return Err("the bundle's verifier key is not the one you trust".into());
    }
    let verifier = LogVerifier::from_vkey(&vkey).map_err(|e| format!("vkey.txt: {e}"))?;

    let manifest_bytes = files
        .get("manifest.json")
        .ok_or("manifest.json is missing from the bundle")?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| format!("manifest.json is not a bundle manifest ({e})"))?;
    if manifest.format != FORMAT {
        return Err(format!(
            "manifest.json is in the format {:?}, not {FORMAT}",
            manifest.format
        ));
    }
    let statement = verifier
        .open(text(&files, "manifest.sig")?)
        .map_err(|e| format!("manifest.sig: {e}"))?;
    if statement != manifest_statement(&manifest.case, manifest.tree_size, manifest_bytes) {
        return Err("manifest.json is not the manifest the log signed: an event was added, removed or changed in it".into());
    }

    for (name, signed) in [
        ("README.txt", Some(&manifest.readme_sha256)),
        ("evidence.pdf", manifest.pdf_sha256.as_ref()),
    ] {
        use sha2::{Digest, Sha256};
        match (files.get(name), signed) {
            (Some(bytes), Some(hash)) if hex::encode(Sha256::digest(bytes)) == *hash => {}
            (None, None) => {}
            (Some(_), Some(_)) => {
                return Err(format!(
                    "{name} is not the one the manifest names — it was changed"
                ))
            }
            (None, Some(_)) => return Err(format!("{name} is missing from the bundle")),
            (Some(_), None) => {
                return Err(format!(
                    "the bundle holds {name}, which the manifest does not list"
                ))
            }
        }
    }
    let checkpoint = verifier
        .open_checkpoint(text(&files, "checkpoint.txt")?)
        .map_err(|e| format!("checkpoint.txt: {e}"))?;
    if checkpoint.size != manifest.tree_size {
        return Err(format!(
            "the checkpoint is for a log of {} events, the manifest says {}",
            checkpoint.size, manifest.tree_size
        ));
    }

    let mut linked = vec![(checkpoint.size, checkpoint.root)];
    linked.extend(super::held::check_receipts(
        &manifest,
        &verifier,
        &checkpoint,
    )?);
    let receipts = manifest.receipts.len();
    let mut leaves = Vec::new();
    let mut withheld = Vec::new();
    let mut recorded_files = BTreeSet::new();
    let mut checked = 0;
    let mut last = 0;
    let mut listed: Vec<String> = KNOWN.iter().map(|s| (*s).to_owned()).collect();
    for e in &manifest.events {
        let seq = e.seq;
        if seq <= last {
            return Err(format!("event {seq} is out of order in the manifest"));
        }
        last = seq;
        if e.leaf_index != seq - 1 {
            return Err(format!("event {seq}: its leaf index must be {}", seq - 1));
        }
        let leaf = hash(&e.leaf_hash, &format!("event {seq}'s leaf hash"))?;
        let proof = e
            .proof
            .iter()
            .map(|p| hash(p, &format!("a hash in event {seq}'s proof")))
            .collect::<Result<Vec<_>, _>>()?;
        verify_inclusion(
            e.leaf_index,
            checkpoint.size,
            &leaf,
            &proof,
            &checkpoint.root,
        )
        .map_err(|err| format!("event {seq} is not in the signed log: {err}"))?;
        leaves.push((seq, leaf));
        match (&e.file, &e.withheld) {
            (None, Some(reason)) if !reason.trim().is_empty() => {
                withheld.push((seq, reason.clone()));
            }
            (Some(file), None) => {
                if *file != event_file(seq) {
                    return Err(format!("event {seq}: its file must be {}", event_file(seq)));
                }
                let content = files
                    .get(file)
                    .ok_or_else(|| format!("event {seq}: {file} is missing from the bundle"))?;
                if leaf_hash(content) != leaf {
                    return Err(format!(
                        "event {seq}: {file} does not match its leaf hash — it was edited"
                    ));
                }
                let event = Event::from_canonical_bytes(content)
                    .map_err(|err| format!("event {seq}: {file} is not an event ({err})"))?;
                if event.case.map(|c| c.to_string()).as_deref() != Some(manifest.case.as_str()) {
                    return Err(format!("event {seq} belongs to another case"));
                }
                if let EventBody::AttachmentAdded { record, .. } = &event.body {
                    recorded_files.insert(record.sha256.clone());
                }
                listed.push(file.clone());
                checked += 1;
            }
            _ => {
                return Err(format!(
                    "event {seq}: it must have either a file or a reason for withholding it"
                ))
            }
        }
    }
    let mut attachments = 0;
    let mut withheld_files = Vec::new();
    for a in &manifest.attachments {
        if !recorded_files.remove(&a.sha256) {
            return Err(format!(
                "the manifest lists attachment {} twice, or one no event records",
                a.sha256
            ));
        }
        // recorded_files is a set: the same file attached twice needs one member.
        match (&a.file, &a.withheld) {
            (None, Some(reason)) if !reason.trim().is_empty() => {
                withheld_files.push((a.sha256.clone(), reason.clone()));
            }
            (Some(file), None) if *file == attachment_file(&a.sha256) => {
                let content = files
                    .get(file)
                    .ok_or_else(|| format!("{file} is missing from the bundle"))?;
                use sha2::{Digest, Sha256};
                if hex::encode(Sha256::digest(content)) != a.sha256 {
                    return Err(format!(
                        "{file} is not the file its event records — it was swapped or changed"
                    ));
                }
                listed.push(file.clone());
                attachments += 1;
            }
            _ => {
                return Err(format!(
                    "attachment {}: it must have either its file or a reason for withholding it",
                    a.sha256
                ))
            }
        }
    }
    if let Some(missing) = recorded_files.first() {
        return Err(format!(
            "attachment {missing} is recorded by an event but the manifest does not account for it"
        ));
    }
    let timestamped = match &manifest.timestamp {
        None => None,
        Some(t) => {
            use sha2::{Digest, Sha256};
            let stamped = verifier
                .open_checkpoint(text(&files, "timestamp/checkpoint.txt")?)
                .map_err(|e| format!("timestamp/checkpoint.txt: {e}"))?;
            if stamped.size != t.tree_size {
                return Err("the timestamped checkpoint is not the one the manifest names".into());
            }
            let proof = t
                .consistency
                .iter()
                .map(|p| hash(p, "a hash in the timestamp's consistency proof"))
                .collect::<Result<Vec<_>, _>>()?;
            super::held::grew_from(&stamped, &checkpoint, &proof).map_err(|e| {
                format!("the log did not grow from the timestamped checkpoint: {e}")
            })?;
            linked.push((stamped.size, stamped.root));
            let pem = text(&files, "timestamp/tsa.pem")?;
            if hex::encode(Sha256::digest(pem.as_bytes())) != t.tsa_cert_sha256 {
                return Err("timestamp/tsa.pem is not the certificate the manifest names".into());
            }
            let cert = boundary_ledger::timestamp::TsaCertificate::from_pem(pem)
                .map_err(|e| format!("timestamp/tsa.pem: {e}"))?;
            let token = files
                .get("timestamp/token.tsr")
                .ok_or("timestamp/token.tsr is missing from the bundle")?;
            let time = boundary_ledger::timestamp::verify(token, stamped.body().as_bytes(), &cert)
                .map_err(|e| format!("timestamp/token.tsr: {e}"))?;
            for name in [
                "timestamp/checkpoint.txt",
                "timestamp/token.tsr",
                "timestamp/tsa.pem",
            ] {
                listed.push(name.to_owned());
            }
            Some((stamped.size, time))
        }
    };
    if let Some(extra) = files.keys().find(|name| !listed.contains(name)) {
        return Err(format!(
            "the bundle holds {extra}, which the manifest does not list"
        ));
    }
    Ok(BundleReport {
        case: manifest.case,
        origin: checkpoint.origin,
        tree_size: checkpoint.size,
        events: checked,
        attachments,
        withheld,
        withheld_files,
        timestamped,
        vkey,
        linked,
        leaves,
        receipts,
    })
}
