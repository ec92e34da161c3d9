//! `boundary verify` and `boundary checkpoint`.

use crate::args::Global;
use crate::{context, user_error};
use boundary_app::ledger::Receipt;
use std::path::Path;

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| user_error(format!("cannot read the {what} {}: {e}", path.display())))
}

/// Exit status 1 when verification finds a problem; 2 for a user's mistake.
pub(crate) async fn verify(
    g: &Global,
    against: Option<&Path>,
    receipt: Option<&Path>,
) -> anyhow::Result<()> {
    let against = against.map(|p| read(p, "checkpoint")).transpose()?;
    let receipt = receipt.map(read_receipt).transpose()?;
    let app = context::open(g).await?;
    eprintln!("Verifying every event, the Merkle tree and every checkpoint…");
    let report = app.verify_all(against.as_deref(), receipt.as_ref()).await?;
    let _ = app
        .store
        .record_verification(
            app.clock.now(),
            report.ok(),
            i64::try_from(report.events).unwrap_or(i64::MAX),
            &report.summary(),
        )
        .await;
    if g.json {
        println!(
            "{}",
            serde_json::json!({
                "ok": report.ok(),
                "events": report.events,
                "checkpoints": report.checkpoints,
                "root": report.root.to_hex(),
                "problem": report.problem,
            })
        );
    } else {
        println!("{}", report.summary());
    }
    if report.ok() {
        Ok(())
    } else {
        Err(crate::VerificationFailed.into())
    }
}

fn read_receipt(path: &Path) -> anyhow::Result<Receipt> {
    serde_json::from_str(&read(path, "receipt")?)
        .map_err(|e| user_error(format!("{} is not a Boundary receipt: {e}", path.display())))
}

/// Checks an evidence bundle from its bytes alone, and optionally a checkpoint or an
/// entry's receipt the reader already holds against it. Exit status 1 when it does not
/// verify.
pub(crate) fn verify_bundle(
    g: &Global,
    path: &Path,
    vkey: Option<&str>,
    against: Option<&Path>,
    receipt: Option<&Path>,
) -> anyhow::Result<()> {
    use boundary_report::bundle::check_held;
    let bytes = std::fs::read(path)
        .map_err(|e| user_error(format!("cannot read the bundle {}: {e}", path.display())))?;
    let against = against.map(|p| read(p, "checkpoint")).transpose()?;
    let receipt = receipt.map(read_receipt).transpose()?;
    let checked = boundary_report::bundle::verify(&bytes, vkey).and_then(|r| {
        let mut held = Vec::new();
        if let Some(note) = &against {
            held.push(check_held(&r, note, None)?);
        }
        if let Some(rc) = &receipt {
            let seq = u64::try_from(rc.seq).unwrap_or_default();
            held.push(check_held(&r, &rc.checkpoint, Some((seq, &rc.leaf_hash)))?);
        }
        Ok((r, held))
    });
    match checked {
        Ok((r, held)) => {
            if g.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": true, "case": r.case, "log": r.origin, "tree_size": r.tree_size,
                        "events": r.events,
                        "attachments": r.attachments,
                        "withheld": r.withheld.iter().map(|(seq, why)| serde_json::json!({"seq": seq, "reason": why})).collect::<Vec<_>>(),
                        "withheld_files": r.withheld_files.iter().map(|(sha, why)| serde_json::json!({"sha256": sha, "reason": why})).collect::<Vec<_>>(),
                        "timestamp": r.timestamped.as_ref().map(|(size, time)| serde_json::json!({"tree_size": size, "time": time})),
                        "vkey": r.vkey,
                        "receipts": r.receipts,
                        "held": held,
                    })
                );
            } else {
                println!(
                    "ok: case {}: {} events and {} attached files checked against the signed checkpoint of {} ({} events){}",
                    r.case,
                    r.events,
                    r.attachments,
                    r.origin,
                    r.tree_size,
                    if r.withheld.is_empty() {
                        String::new()
                    } else {
                        format!("; {} withheld, each still proved in place", r.withheld.len())
                    }
                );
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
                    println!("withheld: {which} {}: {why}", seqs.join(", "));
                }
                for (sha256, why) in &r.withheld_files {
                    println!("withheld: attached file {sha256}: {why}");
                }
                if let Some((size, time)) = &r.timestamped {
                    println!("timestamp: the log of {size} events existed by {time}, by the timestamping authority's token (RFC 3161) and its certificate in the bundle; check that certificate against the authority's own");
                }
                if r.receipts > 0 {
                    println!("receipts: the log grew, unchanged, from each of the {} checkpoints on the entries' receipts", r.receipts);
                }
                for line in &held {
                    println!("held: {line}");
                }
                if vkey.is_none() {
                    println!("key: checked with the key the bundle carries, {}; compare it with one you trust, or pass --vkey", r.vkey);
                }
            }
            Ok(())
        }
        Err(problem) => {
            if g.json {
                println!("{}", serde_json::json!({ "ok": false, "problem": problem }));
            } else {
                println!("FAILED: {problem}");
            }
            Err(crate::VerificationFailed.into())
        }
    }
}

pub(crate) async fn checkpoint(g: &Global, vkey: bool) -> anyhow::Result<()> {
    let app = context::open(g).await?;
    if vkey {
        crate::commands::emit(g.json, "vkey", &app.store.signer().verifier().vkey());
        return Ok(());
    }
    match app.store.latest_checkpoint().await? {
        Some(c) if g.json => println!(
            "{}",
            serde_json::json!({ "checkpoint": c.note, "tree_size": c.size })
        ),
        Some(c) => print!("{}", c.note),
        None => {
            return Err(user_error(
                "nothing has been logged yet, so there is no checkpoint",
            ))
        }
    }
    Ok(())
}
