//! `boundary keys rotate`: every data key re-wrapped under a new master key.
//!
//! The order is what keeps the data readable whatever fails: the new key is stored
//! first (synced to disk, or printed and flushed), then the database commits the
//! re-wrapped keys, then the key file is replaced. A failure before the commit leaves
//! everything under the old key; a crash after it leaves the new key whole in
//! `master.key.new`, which the next start adopts because the database names it. No other
//! process may hold the deployment meanwhile: it would keep wrapping new case keys under
//! the old key (see `boundary_store::claim`).

use crate::args::Global;
use crate::context::{self, MASTER_KEY_ENV};
use anyhow::Context;
use boundary_store::data_folder::DataFolder;
use boundary_store::{Claim, MasterKey, Store};
use std::io::Write;

pub(crate) async fn rotate(g: &Global) -> anyhow::Result<()> {
    let folder = context::existing_folder(g)?;
    let lock = context::lock_folder(&folder, Claim::Exclusive)?;
    // Opening finishes an earlier rotation that was interrupted after its commit.
    let files = context::blobs(g, &folder).await?;
    let store = context::open_store(g, &folder, files, lock, Claim::Exclusive).await?;
    let new = MasterKey::generate();
    let outcome = if std::env::var(MASTER_KEY_ENV).is_ok() {
        to_environment(g, &store, &new).await
    } else {
        to_key_file(g, &folder, &store, &new).await
    };
    store.close().await;
    outcome
}

/// With the key in the environment, the person is the only place the new key can be
/// kept: it is printed, and the database changed only once the printing has succeeded.
async fn to_environment(g: &Global, store: &Store, new: &MasterKey) -> anyhow::Result<()> {
    eprintln!("BOUNDARY_MASTER_KEY is set, so the new master key is printed once below: put it where BOUNDARY_MASTER_KEY comes from.");
    print_last_line(g.json, "master_key", &new.to_hex()).context(
        "the new master key could not be printed, so it was not put to use: nothing was changed, and BOUNDARY_MASTER_KEY still opens everything",
    )?;
    let n = store.rewrap_data_keys(new).await.context(
        "the data keys could not be re-wrapped, so the key printed above is not in use: BOUNDARY_MASTER_KEY still opens everything (should the database say otherwise, it took the change as the connection failed, and the printed key is the one)",
    )?;
    eprintln!("Re-wrapped {n} data keys (of cases and two-factor secrets) under the key printed above; the old key opens nothing any more.");
    Ok(())
}

async fn to_key_file(
    g: &Global,
    folder: &DataFolder,
    store: &Store,
    new: &MasterKey,
) -> anyhow::Result<()> {
    // A master.key.new left by a rotation that never committed: opening the store showed
    // that the database is under master.key, so the key in it wraps nothing.
    folder.discard_pending_master_key()?;
    let pending = folder.pending_master_key_path();
    folder.write_pending_master_key(new).map_err(|e| {
        crate::user_error(format!(
            "the new master key could not be written to {} ({}), so nothing was changed: master.key still opens everything",
            pending.display(),
            io_reason(&e)
        ))
    })?;
    let n = store.rewrap_data_keys(new).await.with_context(|| {
        format!(
            "the data keys could not be re-wrapped, so master.key still opens everything; {} is left in case the database took the change as the connection failed (the next start uses whichever key the database names)",
            pending.display()
        )
    })?;
    folder.adopt_pending_master_key().with_context(|| {
        format!(
            "the data keys are re-wrapped under the new master key, which is whole in {}, but it could not replace master.key; the next start of Boundary moves it there (or move it yourself)",
            pending.display()
        )
    })?;
    eprintln!("Re-wrapped {n} data keys (of cases and two-factor secrets) under a new master key in {}; the old key opens nothing any more. Replace any copy you keep elsewhere.", folder.master_key_path().display());
    print_last_line(g.json, "data_keys", &n.to_string())?;
    Ok(())
}

/// What went wrong with a file, without repeating its path.
fn io_reason(e: &boundary_store::data_folder::DataFolderError) -> String {
    match e {
        boundary_store::data_folder::DataFolderError::Io { source, .. }
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            "something other than a key file already stands there".to_owned()
        }
        boundary_store::data_folder::DataFolderError::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// As `emit`, but an error if the line did not get out (a closed pipe, a full disk).
fn print_last_line(json: bool, key: &str, value: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::json!({ key: value }))?;
    } else {
        writeln!(out, "{value}")?;
    }
    out.flush()
}
