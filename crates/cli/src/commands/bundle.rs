//! `boundary verify --bundle`: an evidence bundle checked from its bytes alone, and
//! anchored to what the reader holds. A bundle carries its own key, and anyone can make a
//! key and give it a log's name, so a bundle that checks out against its own key has an
//! origin that is *not established* (exit status 3) until the reader's own key, checkpoint
//! or receipt vouches for it (exit status 0). Everything printed passes through
//! `printable`: the bundle is the exporter's, and its text must not drive the terminal.

use super::ledger::{read, read_receipt};
use crate::args::Global;
use crate::user_error;
use boundary_domain::text::printable;
use boundary_report::bundle::{check_held, verify, BundleReport, Trust, OUTSIDE_PERIOD};
use std::path::Path;

/// What the reader gave `verify --bundle`.
pub(crate) struct BundleArgs<'a> {
    pub path: &'a Path,
    pub vkey: Option<&'a str>,
    pub against: Option<&'a Path>,
    pub receipt: Option<&'a Path>,
    pub tsa_cert: Option<&'a Path>,
}

/// Something the reader holds that vouches for the bundle's key: how, in words, and what
/// checking it showed.
type Anchor = (&'static str, Option<String>);

/// Checks the bundle. Exit status 1 when a check fails, 3 when every check passes but
/// nothing the reader holds vouches for the key, 0 otherwise.
pub(crate) fn verify_bundle(g: &Global, a: &BundleArgs<'_>) -> anyhow::Result<()> {
    let bytes = std::fs::read(a.path)
        .map_err(|e| user_error(format!("cannot read the bundle {}: {e}", a.path.display())))?;
    let against = a.against.map(|p| read(p, "checkpoint")).transpose()?;
    let receipt = a.receipt.map(read_receipt).transpose()?;
    let tsa_cert = a.tsa_cert.map(|p| read(p, "TSA certificate")).transpose()?;
    let trust = Trust {
        vkey: a.vkey,
        tsa_cert: tsa_cert.as_deref(),
    };
    let checked = verify(&bytes, &trust).and_then(|r| {
        let mut anchors: Vec<Anchor> = Vec::new();
        if a.vkey.is_some() {
            anchors.push(("the key you gave (--vkey)", None));
        }
        if let Some(note) = &against {
            let held = check_held(&r, note, None)?;
            anchors.push(("the checkpoint you hold (--against)", Some(held)));
        }
        if let Some(rc) = &receipt {
            let seq = u64::try_from(rc.seq).unwrap_or_default();
            let held = check_held(&r, &rc.checkpoint, Some((seq, &rc.leaf_hash)))?;
            anchors.push(("the receipt you hold (--receipt)", Some(held)));
        }
        Ok((r, anchors))
    });
    match checked {
        Ok((r, anchors)) => {
            if g.json {
                println!("{}", json(&r, &anchors));
            } else {
                for line in text(&r, &anchors) {
                    println!("{}", printable(&line));
                }
            }
            if anchors.is_empty() {
                Err(crate::OriginNotEstablished.into())
            } else {
                Ok(())
            }
        }
        Err(problem) => {
            let problem = printable(&problem);
            if g.json {
                println!("{}", serde_json::json!({ "ok": false, "problem": problem }));
            } else {
                println!("FAILED: {problem}");
            }
            Err(crate::VerificationFailed.into())
        }
    }
}

/// The report in lines, the same essentials in the same words as the independent
/// verifier (`tests/verifier/verify_bundle.py`).
fn text(r: &BundleReport, anchors: &[Anchor]) -> Vec<String> {
    let mut out = Vec::new();
    let counts = format!(
        "case {}: {} events and {} attached files",
        r.case, r.events, r.attachments
    );
    let tail = if r.withheld.is_empty() {
        String::new()
    } else {
        format!(
            "; {} withheld, each still proved in place",
            r.withheld.len()
        )
    };
    out.push(if anchors.is_empty() {
        format!(
            "origin not established: {counts} check out against a checkpoint signed by the key the bundle carries, under the name {} ({} events){tail}",
            r.origin, r.tree_size
        )
    } else {
        format!(
            "ok: {counts} checked against the signed checkpoint of {} ({} events){tail}",
            r.origin, r.tree_size
        )
    });
    // One line per reason: a case looked at often has many access records.
    let mut by_reason: Vec<(&str, Vec<String>)> = Vec::new();
    for (seq, why) in &r.withheld {
        match by_reason.iter_mut().find(|(w, _)| *w == why.as_str()) {
            Some((_, seqs)) => seqs.push(seq.to_string()),
            None => by_reason.push((why, vec![seq.to_string()])),
        }
    }
    for (why, seqs) in by_reason {
        let which = if seqs.len() == 1 { "event" } else { "events" };
        out.push(format!(
            "withheld: {which} {}: {}",
            seqs.join(", "),
            boundary_report::bundle::shown_reason(why)
        ));
    }
    for (sha256, why) in &r.withheld_files {
        out.push(format!(
            "withheld: attached file {sha256}: {}",
            boundary_report::bundle::shown_reason(why)
        ));
    }
    out.push(match &r.period {
        Some(p) => format!("period: {p}; each event withheld as {OUTSIDE_PERIOD} is dated outside it"),
        None => format!(
            "period: not recorded in this bundle (format {}), so events withheld as {OUTSIDE_PERIOD} cannot be checked",
            r.format
        ),
    });
    if let Some(s) = &r.timestamped {
        out.push(if s.trusted {
            format!(
                "timestamp: the log of {} events existed by {}, by the token of the timestamping authority whose certificate you gave (subject {}, issuer {})",
                s.tree_size, s.time, s.subject, s.issuer
            )
        } else {
            format!(
                "timestamp: the log of {} events existed by {} according to a token checked against the certificate the bundle carries (subject {}, issuer {}), not one you trust: pass the authority's own certificate with --tsa-cert",
                s.tree_size, s.time, s.subject, s.issuer
            )
        });
    }
    if r.receipts > 0 {
        out.push(format!(
            "receipts: the log grew, unchanged, from each of the {} checkpoints on the entries' receipts",
            r.receipts
        ));
    }
    for (_, held) in anchors {
        if let Some(line) = held {
            out.push(format!("held: {line}"));
        }
    }
    out.push(format!("key: {}", r.vkey));
    out.push(if anchors.is_empty() {
        "origin: not established: the bundle was checked with the key it carries, and anyone can make a key under any log's name. \
         Compare the key above with one obtained separately (from the practice, a receipt, an earlier pack), then pass it with --vkey, \
         or pass a checkpoint (--against) or receipt (--receipt) you hold"
            .to_owned()
    } else {
        let how: Vec<&str> = anchors.iter().map(|(how, _)| *how).collect();
        format!("origin: established, by {}", how.join(" and "))
    });
    out
}

/// The report as one JSON object. `ok` is true only when the origin is established, so
/// that a script testing it alone is not misled; text from the bundle is escaped as in
/// the text report.
fn json(r: &BundleReport, anchors: &[Anchor]) -> serde_json::Value {
    let p = |s: &str| printable(s).into_owned();
    serde_json::json!({
        "ok": !anchors.is_empty(),
        "checked": true,
        "origin_established": !anchors.is_empty(),
        "anchored_by": anchors.iter().map(|(how, _)| *how).collect::<Vec<_>>(),
        "case": p(&r.case), "log": p(&r.origin), "tree_size": r.tree_size,
        "format": p(&r.format),
        "period": r.period,
        "events": r.events,
        "attachments": r.attachments,
        "withheld": r.withheld.iter().map(|(seq, why)| serde_json::json!({"seq": seq, "reason": p(why)})).collect::<Vec<_>>(),
        "withheld_files": r.withheld_files.iter().map(|(sha, why)| serde_json::json!({"sha256": p(sha), "reason": p(why)})).collect::<Vec<_>>(),
        "timestamp": r.timestamped.as_ref().map(|s| serde_json::json!({
            "tree_size": s.tree_size, "time": p(&s.time), "subject": p(&s.subject),
            "issuer": p(&s.issuer), "trusted": s.trusted,
        })),
        "vkey": p(&r.vkey),
        "receipts": r.receipts,
        "held": anchors.iter().filter_map(|(_, held)| held.as_deref().map(p)).collect::<Vec<_>>(),
    })
}
