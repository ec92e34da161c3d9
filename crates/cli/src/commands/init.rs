//! `boundary init`: the data folder, its keys, and the schema.

use crate::args::Global;
use crate::context::{self, MASTER_KEY_ENV};
use crate::user_error;
use boundary_store::data_folder::{DataFolder, DataFolderError};
use boundary_store::{Claim, Store};

/// Creates keys that do not exist yet; with `refuse_existing`, existing keys are an error.
/// The folder is created private (0700) and claimed before any key is written in it.
pub(crate) async fn prepare(g: &Global, refuse_existing: bool) -> anyhow::Result<Store> {
    let folder = DataFolder::new(&g.data);
    folder.create().map_err(anyhow::Error::new)?;
    let lock = context::lock_folder(&folder, Claim::Shared)?;
    // Settings that cannot work are refused before any key is made.
    let files = context::blobs(g, &folder).await?;
    let created = !folder.has_keys() || refuse_existing;
    if created {
        let write_master = std::env::var(MASTER_KEY_ENV).is_err();
        folder.init(write_master).map_err(|e| match e {
            DataFolderError::KeyExists(_) => user_error(e.to_string()),
            other => anyhow::Error::new(other),
        })?;
    }
    match context::open_store(g, &folder, files, lock, Claim::Shared).await {
        Ok(store) => Ok(store),
        Err(e) => {
            // New keys for a database that already has a log, or that is not this one's to
            // use, are worse than none: take them back.
            if created {
                let _ = std::fs::remove_file(folder.signing_key_path());
                if std::env::var(MASTER_KEY_ENV).is_err() {
                    let _ = std::fs::remove_file(folder.master_key_path());
                }
            }
            Err(e)
        }
    }
}

pub(crate) async fn run(g: &Global) -> anyhow::Result<()> {
    let store = prepare(g, true).await?;
    store.close().await;
    if let Some(why) = context::exposure(g, &DataFolder::new(&g.data)) {
        eprintln!("boundary: warning: {why}");
    }
    eprintln!("Created the data folder {} with its keys (keep a copy of master.key somewhere safe: without it nothing can be read).", g.data.display());
    crate::commands::emit(g.json, "data", &g.data.display().to_string());
    Ok(())
}
