//! `boundary verify` and `boundary checkpoint`.

use crate::args::Global;
use crate::{context, user_error};
use boundary_app::ledger::Receipt;
use std::path::Path;

pub(super) fn read(path: &Path, what: &str) -> anyhow::Result<String> {
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
    let report = app
        .run_verification(against.as_deref(), receipt.as_ref())
        .await?;
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

pub(super) fn read_receipt(path: &Path) -> anyhow::Result<Receipt> {
    serde_json::from_str(&read(path, "receipt")?)
        .map_err(|e| user_error(format!("{} is not a Boundary receipt: {e}", path.display())))
}

pub(crate) async fn checkpoint(g: &Global, vkey: bool) -> anyhow::Result<()> {
    let app = context::open(g).await?;
    if vkey {
        crate::commands::emit(g.json, "vkey", &app.verifier_key());
        return Ok(());
    }
    match app.latest_checkpoint().await? {
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
