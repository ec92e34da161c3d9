//! Checking a bundle from its bytes alone, step by step as `docs/bundle-format.md`
//! describes, naming the first thing that is wrong.

use super::archive::{files, hash, text, KNOWN};
use super::period::{self, Period};
use super::stamp::{self, Stamp};
use super::{attachment_file, event_file, manifest_statement, Manifest, FORMAT, FORMAT_1};
use boundary_domain::Event;
use boundary_domain::EventBody;
use boundary_ledger::note::LogVerifier;
use boundary_ledger::verify::verify_inclusion;
use boundary_ledger::{leaf_hash, Hash};
use std::collections::BTreeSet;

/// What the reader holds from outside the bundle. A bundle can only show that it is
/// consistent with the key it carries; anyone can make a key and call it by a log's name,
/// so where a bundle comes from is established only by a key the reader obtained
/// separately — here, or through a checkpoint or receipt they hold ([`super::check_held`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Trust<'a> {
    /// The log's verifier key (C2SP vkey), obtained separately.
    pub vkey: Option<&'a str>,
    /// The timestamping authority's own certificate (PEM).
    pub tsa_cert: Option<&'a str>,
}

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
    /// What a timestamping authority's token says, and against whose certificate.
    pub timestamped: Option<Stamp>,
    /// The verifier key used, in full: the bundle's own, unless one was given.
    pub vkey: String,
    /// Whether that key is one the reader gave (`Trust::vkey`), not the bundle's.
    pub key_trusted: bool,
    /// The manifest's format.
    pub format: String,
    /// The period asked for, in words; `None` for a format 1 bundle, which does not
    /// record it (so events withheld as outside it could not be checked).
    pub period: Option<String>,
    /// Every checkpoint shown to be an earlier state of the same log: the bundle's own,
    /// the timestamped one and the receipts' — (size, root).
    pub linked: Vec<(u64, Hash)>,
    /// Each listed event's leaf hash, withheld or not: (sequence number, hash).
    pub leaves: Vec<(u64, Hash)>,
    /// How many receipt checkpoints the log was shown to have grown from.
    pub receipts: usize,
}

/// Checks a bundle: the signatures on its checkpoint and manifest, and every event's
/// hash, inclusion proof and case. With `trust.vkey`, the signatures must be by that key;
/// without, by the key the bundle carries — which shows the bundle hangs together, not
/// where it comes from (the report says which). Likewise the timestamp, with
/// `trust.tsa_cert`.
///
/// # Errors
/// The first thing that is wrong, in a sentence. Text from the bundle in it may hold
/// anything: print it through [`boundary_domain::text::printable`].
pub fn verify(bytes: &[u8], trust: &Trust<'_>) -> Result<BundleReport, String> {
    let files = files(bytes)?;
    let carried = text(&files, "vkey.txt")?.trim().to_owned();
    let vkey = trust.vkey.map_or(carried.clone(), |k| k.trim().to_owned());
    if trust.vkey.is_some() && carried != vkey {
        return Err("the bundle's verifier key is not the one you trust".into());
    }
    let verifier = LogVerifier::from_vkey(&vkey).map_err(|e| format!("vkey.txt: {e}"))?;

    let manifest_bytes = files
        .get("manifest.json")
        .ok_or("manifest.json is missing from the bundle")?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| format!("manifest.json is not a bundle manifest ({e})"))?;
    // Format 2 signs the period asked for; format 1 had none. Each format's manifest is
    // signed under its own name, so one cannot be passed off as the other.
    let period = match (manifest.format.as_str(), &manifest.period) {
        (FORMAT, Some(p)) => Some(Period::read(p)?),
        (FORMAT, None) => return Err("manifest.json does not say what period was asked for".into()),
        (FORMAT_1, None) => None,
        (FORMAT_1, Some(_)) => {
            return Err(format!(
                "manifest.json is in the format {FORMAT_1}, which has no period"
            ))
        }
        (other, _) => {
            return Err(format!(
                "manifest.json is in the format {other:?}, not {FORMAT} (or {FORMAT_1})"
            ))
        }
    };
    let statement = verifier
        .open(text(&files, "manifest.sig")?)
        .map_err(|e| format!("manifest.sig: {e}"))?;
    let expected = manifest_statement(
        &manifest.format,
        &manifest.case,
        manifest.tree_size,
        manifest_bytes,
    );
    if statement != expected {
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
        period::check_event(period, e)?;
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
            let (stamp, link) = stamp::check(&files, t, &verifier, &checkpoint, trust.tsa_cert)?;
            linked.push(link);
            for name in [
                "timestamp/checkpoint.txt",
                "timestamp/token.tsr",
                "timestamp/tsa.pem",
            ] {
                listed.push(name.to_owned());
            }
            Some(stamp)
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
        key_trusted: trust.vkey.is_some(),
        format: manifest.format,
        period: period.map(Period::words),
        linked,
        leaves,
        receipts,
    })
}
