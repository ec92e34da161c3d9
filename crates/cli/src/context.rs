//! Opening the data folder and the database the flags name.

use crate::args::Global;
use crate::user_error;
use anyhow::Context;
use boundary_app::App;
use boundary_store::blobs::{Blobs, S3Settings};
use boundary_store::data_folder::{DataFolder, DataFolderError, FolderLock};
use boundary_store::{Claim, DatabaseUrl, MasterKey, Store};

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

/// Opens an existing deployment alongside any servers; a missing data folder is the
/// user's mistake.
pub(crate) async fn open(g: &Global) -> anyhow::Result<App> {
    let folder = existing_folder(g)?;
    if let Some(why) = exposure(g, &folder) {
        eprintln!("boundary: warning: {why}");
    }
    let lock = lock_folder(&folder, Claim::Shared)?;
    let files = blobs(g, &folder).await?;
    Ok(App::new(
        open_store(g, &folder, files, lock, Claim::Shared).await?,
    ))
}

/// The data folder, which must exist.
pub(crate) fn existing_folder(g: &Global) -> anyhow::Result<DataFolder> {
    let folder = DataFolder::new(&g.data);
    if !folder.path().is_dir() {
        return Err(user_error(format!(
            "the data folder {} does not exist: run `boundary init` first, or point --data at it",
            folder.path().display()
        )));
    }
    Ok(folder)
}

/// Connects with the deployment's keys, claims it (holding `lock` with the claim), finishes
/// a key rotation that was interrupted, and checks that the keys are this database's.
pub(crate) async fn open_store(
    g: &Global,
    folder: &DataFolder,
    files: Blobs,
    lock: FolderLock,
    claim: Claim,
) -> anyhow::Result<Store> {
    let key = master_key(folder)?;
    let key_id = key.id();
    let url = database_url(g)?;
    let store = Store::open(&url, key, signer(folder)?)
        .await
        .with_context(|| format!("could not open the database {}", url.redacted()))?
        .with_blobs(files)
        .claim(
            claim,
            Some(lock),
            &describe(std::process::id(), &this_process()),
        )
        .await
        .map_err(|e| match e {
            boundary_store::StoreError::InUse(who) => {
                user_error(in_use(claim, "the database", &who))
            }
            other => anyhow::Error::new(other),
        })?;
    let store = finish_interrupted_rotation(folder, store, &key_id).await?;
    bind_keys(&store).await?;
    Ok(store)
}

/// A rotation commits the new key to the database before it renames `master.key.new`
/// over `master.key`; a crash between the two leaves the database wrapped under the key
/// in `master.key.new`. The database names its key, so the start that finds this finishes
/// the rename. Nothing else is adopted: a `master.key.new` the database does not name is
/// from a rotation that never committed, and stays for the next rotation to clear.
async fn finish_interrupted_rotation(
    folder: &DataFolder,
    store: Store,
    key_id: &str,
) -> anyhow::Result<Store> {
    if std::env::var(MASTER_KEY_ENV).is_ok() {
        return Ok(store);
    }
    let Some(pending) = folder.read_pending_master_key() else {
        return Ok(store);
    };
    let live = store.live_master_key_id().await?;
    if pending.id() == key_id || live.as_deref() != Some(pending.id().as_str()) {
        return Ok(store);
    }
    if let Err(e) = folder.adopt_pending_master_key() {
        // Another process starting at the same moment may have renamed it first.
        let adopted = folder
            .read_master_key()
            .is_ok_and(|k| k.id() == pending.id());
        if !adopted {
            return Err(anyhow::Error::new(e).context(
                "the database's keys are wrapped under the key in master.key.new, which could not be moved over master.key; move it there yourself",
            ));
        }
    }
    eprintln!(
        "Finished a master key rotation that was interrupted: the database had taken the key in master.key.new, which is now {}.",
        folder.master_key_path().display()
    );
    Ok(store.with_master_key(pending))
}

/// Takes the data folder's lock, refusing with who holds it.
pub(crate) fn lock_folder(folder: &DataFolder, claim: Claim) -> anyhow::Result<FolderLock> {
    folder.lock(claim == Claim::Exclusive).map_err(|e| match e {
        DataFolderError::InUse { folder, holders } => {
            let names: Vec<String> = holders.iter().map(|h| describe(h.pid, &h.args)).collect();
            let who = if names.is_empty() {
                "another Boundary process".to_owned()
            } else {
                names.join(", ")
            };
            user_error(in_use(
                claim,
                &format!("the data folder {}", folder.display()),
                &who,
            ))
        }
        other => anyhow::Error::new(other),
    })
}

fn in_use(claim: Claim, what: &str, who: &str) -> String {
    match claim {
        Claim::Exclusive => format!(
            "{what} is in use by {who}: stop every Boundary server and command using it, then rotate the master key"
        ),
        Claim::Shared => format!(
            "{what} is held alone by {who}, a master key rotation: start again when it has finished"
        ),
    }
}

fn this_process() -> Vec<String> {
    std::env::args().collect()
}

/// A process as a person recognises it — `boundary serve (pid 4242)` — from its command
/// line: the program and its subcommand only, since a flag's value can be a password.
pub(crate) fn describe(pid: u32, args: &[String]) -> String {
    const COMMANDS: [&str; 12] = [
        "serve",
        "init",
        "org",
        "user",
        "token",
        "verify",
        "checkpoint",
        "rebuild",
        "keys",
        "export",
        "import",
        "bench",
    ];
    let program = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map_or_else(
            || "a process".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
    let mut words = vec![program];
    if let Some(i) = args.iter().position(|a| COMMANDS.contains(&a.as_str())) {
        words.push(args[i].clone());
        if let Some(next) = args.get(i + 1) {
            if ["org", "user", "token", "keys"].contains(&args[i].as_str())
                && next.chars().all(|c| c.is_ascii_lowercase())
            {
                words.push(next.clone());
            }
        }
    }
    format!("{} (pid {pid})", words.join(" "))
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
