//! Opening the data folder and the database the flags name.

use crate::args::Global;
use crate::user_error;
use anyhow::Context;
use boundary_app::App;
use boundary_store::blobs::{Blobs, S3Settings};
use boundary_store::data_folder::{DataFolder, DataFolderError};
use boundary_store::{DatabaseUrl, MasterKey, Store};

pub(crate) const MASTER_KEY_ENV: &str = "BOUNDARY_MASTER_KEY";

pub(crate) fn database_url(g: &Global) -> anyhow::Result<DatabaseUrl> {
    match &g.database {
        Some(url) => DatabaseUrl::parse(url)
            .map_err(|e| user_error(format!("{e} (got --database {})", redact(url)))),
        None => Ok(DatabaseUrl::sqlite_in(&g.data)),
    }
}

fn redact(url: &str) -> String {
    DatabaseUrl::parse(url).map_or_else(
        |_| url.split('@').next_back().unwrap_or("").to_owned(),
        |u| u.redacted(),
    )
}

/// The master key: from the environment if set, else the data folder's key file.
pub(crate) fn master_key(folder: &DataFolder) -> anyhow::Result<MasterKey> {
    if let Ok(hex) = std::env::var(MASTER_KEY_ENV) {
        return MasterKey::from_hex(&hex)
            .map_err(|_| user_error(format!("{MASTER_KEY_ENV} must be 64 hexadecimal digits")));
    }
    folder.read_master_key().map_err(|e| match e {
        DataFolderError::NoMasterKey(_) | DataFolderError::BadMasterKey(_) => {
            user_error(e.to_string())
        }
        other => anyhow::Error::new(other),
    })
}

/// The log signing key from the data folder.
pub(crate) fn signer(folder: &DataFolder) -> anyhow::Result<boundary_store::LogSigner> {
    folder.read_signer().map_err(|e| {
        user_error(format!(
            "{e}: every server needs the data folder's signing.key"
        ))
    })
}

/// Refuses keys that are not the ones this database was made with.
pub(crate) async fn bind_keys(store: &Store) -> anyhow::Result<()> {
    store.bind_keys().await.map_err(|e| match e {
        boundary_store::StoreError::WrongKey(why) => user_error(why),
        other => anyhow::Error::new(other),
    })
}

/// Opens an existing deployment; a missing data folder is the user's mistake.
pub(crate) async fn open(g: &Global) -> anyhow::Result<App> {
    let folder = DataFolder::new(&g.data);
    if !folder.path().is_dir() {
        return Err(user_error(format!(
            "the data folder {} does not exist: run `boundary init` first, or point --data at it",
            folder.path().display()
        )));
    }
    if let Some(why) = exposure(g, &folder) {
        eprintln!("boundary: warning: {why}");
    }
    let key = master_key(&folder)?;
    let signer = signer(&folder)?;
    let url = database_url(g)?;
    let store = Store::open(&url, key, signer)
        .await
        .with_context(|| format!("could not open the database {}", url.redacted()))?
        .with_blobs(blobs(g, &folder).await?);
    bind_keys(&store).await?;
    Ok(App::new(store))
}

/// A sentence saying which of the data folder's files others on the machine can read,
/// and the command that stops it; `None` when the folder is private.
pub(crate) fn exposure(g: &Global, folder: &DataFolder) -> Option<String> {
    let database = database_url(g).ok().and_then(|u| u.sqlite_file());
    let exposed = folder.exposed(database.as_deref());
    if exposed.is_empty() {
        return None;
    }
    let mut fix = format!("chmod -R go-rwx {}", shell_word(folder.path()));
    for e in exposed
        .iter()
        .filter(|e| !e.path.starts_with(folder.path()))
    {
        fix.push_str(&format!(" {}", shell_word(&e.path)));
    }
    let shown: Vec<String> = exposed
        .iter()
        .take(3)
        .map(|e| format!("{} is mode {:o}", e.path.display(), e.mode))
        .collect();
    let more = match exposed.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    Some(format!(
        "other users of this machine can read Boundary's data ({}{more}): run `{fix}` and start again",
        shown.join(", ")
    ))
}

/// A path as one word for a POSIX shell.
fn shell_word(p: &std::path::Path) -> String {
    let s = p.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The data folder's `attachments/`, or the bucket the flags name, checked to answer.
pub(crate) async fn blobs(g: &Global, folder: &DataFolder) -> anyhow::Result<Blobs> {
    let Some(bucket) = &g.files.s3_bucket else {
        return Ok(Blobs::Folder(folder.path().join("attachments")));
    };
    let settings = S3Settings {
        bucket: bucket.clone(),
        endpoint: g.files.s3_endpoint.clone(),
        region: g.files.s3_region.clone(),
        prefix: g.files.s3_prefix.clone(),
        credentials: None,
    };
    Blobs::bucket(&settings).await.map_err(|e| {
        user_error(format!(
            "{e}: check --s3-bucket, --s3-endpoint and the AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY the server is given"
        ))
    })
}
