//! `boundary init`: the data folder, its keys, and the schema.

use crate::args::Global;
use crate::context::{database_url, master_key, MASTER_KEY_ENV};
use crate::user_error;
use anyhow::Context;
use boundary_store::data_folder::{DataFolder, DataFolderError};
use boundary_store::Store;

/// Creates keys that do not exist yet; with `refuse_existing`, existing keys are an error.
pub(crate) async fn prepare(g: &Global, refuse_existing: bool) -> anyhow::Result<Store> {
    let folder = DataFolder::new(&g.data);
    let blobs = crate::context::blobs(g, &folder).await?;
    let created = !folder.has_keys() || refuse_existing;
    if created {
        let write_master = std::env::var(MASTER_KEY_ENV).is_err();
        folder.init(write_master).map_err(|e| match e {
            DataFolderError::KeyExists(_) => user_error(e.to_string()),
            other => anyhow::Error::new(other),
        })?;
    }
    let url = database_url(g)?;
    let store = Store::open(&url, master_key(&folder)?, crate::context::signer(&folder)?)
        .await
        .with_context(|| format!("could not open the database {}", url.redacted()))?
        .with_blobs(blobs);
    if let Err(e) = crate::context::bind_keys(&store).await {
        // New keys for a database that already has a log are worse than none: take them back.
        if created {
            let _ = std::fs::remove_file(folder.signing_key_path());
            if std::env::var(MASTER_KEY_ENV).is_err() {
                let _ = std::fs::remove_file(folder.master_key_path());
            }
        }
        return Err(e);
    }
    Ok(store)
}

pub(crate) async fn run(g: &Global) -> anyhow::Result<()> {
    let store = prepare(g, true).await?;
    store.close().await;
    if let Some(why) = crate::context::exposure(g, &DataFolder::new(&g.data)) {
        eprintln!("boundary: warning: {why}");
    }
    eprintln!("Created the data folder {} with its keys (keep a copy of master.key somewhere safe: without it nothing can be read).", g.data.display());
    crate::commands::emit(g.json, "data", &g.data.display().to_string());
    Ok(())
}
