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
    if !folder.has_keys() || refuse_existing {
        let write_master = std::env::var(MASTER_KEY_ENV).is_err();
        folder.init(write_master).map_err(|e| match e {
            DataFolderError::KeyExists(_) => user_error(e.to_string()),
            other => anyhow::Error::new(other),
        })?;
    }
    let url = database_url(g)?;
    Store::open(&url, master_key(&folder)?, crate::context::signer(&folder)?)
        .await
        .with_context(|| format!("could not open the database {}", url.redacted()))
}

pub(crate) async fn run(g: &Global) -> anyhow::Result<()> {
    let store = prepare(g, true).await?;
    store.close().await;
    eprintln!("Created the data folder {} with its keys (keep a copy of master.key somewhere safe: without it nothing can be read).", g.data.display());
    crate::commands::emit(g.json, "data", &g.data.display().to_string());
    Ok(())
}
