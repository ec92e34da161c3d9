//! `boundary export`: one case's evidence pack or bundle, written to a file.

use crate::args::Global;
use crate::user_error;
use boundary_app::exports::{ExportRequest, Progress};
use boundary_domain::CaseId;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// How the access audit names an export made here.
const ADDRESS: &str = "command line (boundary export)";

pub(crate) async fn run(
    g: &Global,
    case: &str,
    request: &ExportRequest,
    out: &Path,
) -> anyhow::Result<()> {
    let id: CaseId = case
        .parse()
        .map_err(|_| user_error(format!("--case {case} is not a case id")))?;
    // Checked before anything is recorded: an export that cannot be written is not made.
    if out.exists() {
        return Err(user_error(format!(
            "{} already exists: choose another --out, so that nothing is overwritten",
            out.display()
        )));
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(user_error(format!(
            "the folder {} does not exist",
            dir.display()
        )));
    }
    let app = crate::context::open(g).await?;
    let actor = app.owner_actor(id, ADDRESS).await?;
    let prepared = app.prepare_export(&actor, id, request).await?;
    let progress = Progress::default();
    let making = app.make_export(&prepared, &progress);
    tokio::pin!(making);
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    tick.tick().await;
    let export = loop {
        tokio::select! {
            made = &mut making => break made?,
            _ = tick.tick() => {
                let (done, total) = progress.get();
                eprintln!("{done} of {total} steps done");
            }
        }
    };
    // Written whole or not at all: a half-written pack is worse than none.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(&export.bytes)?;
    file.as_file().sync_all()?;
    file.persist_noclobber(out).map_err(|e| {
        user_error(format!(
            "{} could not be written: {}",
            out.display(),
            e.error
        ))
    })?;
    app.close().await;
    eprintln!(
        "Wrote the {} of case {id} ({} bytes); making it is recorded in the case's access history.",
        prepared.format.words(),
        export.bytes.len()
    );
    crate::commands::emit(g.json, "file", &out.display().to_string());
    Ok(())
}
