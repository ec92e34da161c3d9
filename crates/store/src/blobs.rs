//! Where sealed attachment files are kept: a folder (the data folder's `attachments/`)
//! or an S3-compatible bucket, so that several servers on one PostgreSQL share them.
//! Files are kept by content — `<case>/<sha256>` — so the same file attached twice to a
//! case is one object; what is kept is only ever sealed bytes.

use crate::{Result, StoreError};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{
    ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig,
};
use secrecy::{ExposeSecret, SecretString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// An S3-compatible bucket. Credentials are not here: they come from the environment
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), never a flag.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// For anything but AWS itself, e.g. `https://minio.example.org:9000`.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// A folder inside the bucket, when the bucket is shared with other things.
    pub prefix: Option<String>,
    /// An access key id and secret, instead of the environment's.
    pub credentials: Option<(String, SecretString)>,
}

#[derive(Debug, Clone)]
pub enum Blobs {
    Folder(PathBuf),
    Bucket {
        objects: Arc<dyn ObjectStore>,
        prefix: ObjectPath,
        name: String,
    },
}

/// How a put treats a name already in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Kept by content: what is there is the same file, so it stays and the first
    /// writer wins. Nothing kept this way is ever removed on an error path, since a
    /// committed event may name it.
    Create,
    /// Made from something else (a thumbnail, an export): replaced whole.
    Replace,
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Files(format!("{what}: {e}"))
}

impl Blobs {
    /// A bucket, checked by listing it and writing to it once, so that a wrong name,
    /// endpoint or credential stops the server at start instead of at a doctor's first
    /// upload.
    ///
    /// # Errors
    /// Settings the client refuses, or a bucket that does not answer.
    pub async fn bucket(s: &S3Settings) -> Result<Self> {
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(&s.bucket)
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            })
            .with_client_options(ClientOptions::new().with_timeout(Duration::from_secs(60)));
        if let Some(endpoint) = &s.endpoint {
            b = b
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some((id, secret)) = &s.credentials {
            b = b
                .with_access_key_id(id)
                .with_secret_access_key(secret.expose_secret());
        }
        if let Some(region) = &s.region {
            b = b.with_region(region);
        }
        let objects: Arc<dyn ObjectStore> =
            Arc::new(b.build().map_err(|e| unavailable("settings", e))?);
        let prefix = ObjectPath::from(s.prefix.as_deref().unwrap_or_default());
        // Listed, written and cleared once: a wrong name, endpoint or credential, or a
        // credential that may only read, shows now.
        // Written as files are (put-if-absent), under a name of its own each time.
        let probe = prefix
            .clone()
            .join(format!(".boundary-write-check-{}", std::process::id()));
        let checked = async {
            objects.list_with_delimiter(Some(&prefix)).await?;
            let create = PutOptions {
                mode: PutMode::Create,
                ..PutOptions::default()
            };
            objects
                .put_opts(&probe, PutPayload::from_static(b"ok"), create)
                .await
        }
        .await;
        checked.map_err(|e| StoreError::Files(explain(&s.bucket, &e)))?;
        if let Err(e) = objects.delete(&probe).await {
            // Files are never deleted but exports are: worth saying, not worth stopping.
            tracing::warn!("the bucket's start-up check could not be cleared away: {e}");
        }
        Ok(Self::Bucket {
            objects,
            prefix,
            name: s.bucket.clone(),
        })
    }

    /// For the server's start-up line: where files go, without credentials.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Folder(dir) => dir.display().to_string(),
            Self::Bucket { name, prefix, .. } => format!("s3://{name}/{prefix}"),
        }
    }

    fn object(prefix: &ObjectPath, key: &str) -> ObjectPath {
        key.split('/')
            .fold(prefix.clone(), |p, part| p.join(part.to_owned()))
    }

    /// Keeps `sealed` under `key`, whole or not at all. In a folder the write is synced,
    /// rename and all, before this returns.
    pub(crate) async fn put(&self, key: &str, sealed: Vec<u8>, mode: Put) -> Result<()> {
        match self {
            Self::Folder(dir) => {
                let path = dir.join(key);
                tokio::task::spawn_blocking(move || write_synced(&path, &sealed, mode))
                    .await
                    .map_err(|e| unavailable("writing", e))?
            }
            Self::Bucket {
                objects, prefix, ..
            } => {
                let opts = PutOptions {
                    mode: match mode {
                        Put::Create => PutMode::Create,
                        Put::Replace => PutMode::Overwrite,
                    },
                    ..PutOptions::default()
                };
                let at = Self::object(prefix, key);
                match objects.put_opts(&at, PutPayload::from(sealed), opts).await {
                    Ok(_) => Ok(()),
                    // S3 says so too while another write of it is still under way, which
                    // may yet fail: only a file that is there counts as kept.
                    Err(object_store::Error::AlreadyExists { .. }) => objects
                        .head(&at)
                        .await
                        .map(|_| ())
                        .map_err(|e| unavailable("writing", e)),
                    Err(e) => Err(unavailable("writing", e)),
                }
            }
        }
    }

    /// The sealed bytes under `key`, or else under `legacy` (a folder's name for files
    /// kept before files were kept by content).
    pub(crate) async fn get(&self, key: &str, legacy: Option<&str>) -> Result<Vec<u8>> {
        let missing = || unavailable(&format!("file {key} cannot be read"), "it is missing");
        match (self.get_if_kept(key).await?, self, legacy) {
            (Some(bytes), _, _) => Ok(bytes),
            (None, Self::Folder(dir), Some(legacy)) => {
                std::fs::read(dir.join(legacy)).map_err(|_| missing())
            }
            _ => Err(missing()),
        }
    }

    /// The sealed bytes under `key`, or `None` when nothing is kept there.
    pub(crate) async fn get_if_kept(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let failed =
            |e: &dyn std::fmt::Display| unavailable(&format!("file {key} cannot be read"), e);
        match self {
            Self::Folder(dir) => match std::fs::read(dir.join(key)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(failed(&e)),
            },
            Self::Bucket {
                objects, prefix, ..
            } => match objects.get(&Self::object(prefix, key)).await {
                Ok(got) => Ok(Some(got.bytes().await.map_err(|e| failed(&e))?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(failed(&e)),
            },
        }
    }

    /// Best effort: a file left behind is sealed and named by no event.
    pub(crate) async fn delete(&self, key: &str) {
        match self {
            Self::Folder(dir) => {
                let _ = std::fs::remove_file(dir.join(key));
            }
            Self::Bucket {
                objects, prefix, ..
            } => {
                let _ = objects.delete(&Self::object(prefix, key)).await;
            }
        }
    }
}

/// S3 errors carry the server's whole XML answer; a person needs the gist.
fn explain(bucket: &str, e: &object_store::Error) -> String {
    let said = e.to_string();
    let gist = [
        ("NoSuchBucket", "there is no such bucket"),
        ("InvalidAccessKeyId", "the access key is not known there"),
        ("SignatureDoesNotMatch", "the secret access key is wrong"),
        ("AccessDenied", "access is denied to these credentials"),
    ]
    .iter()
    .find(|(code, _)| said.contains(code))
    .map_or_else(
        || said.chars().take(300).collect::<String>(),
        |(_, gist)| (*gist).to_owned(),
    );
    format!("bucket {bucket}: {gist}")
}

fn write_synced(path: &Path, bytes: &[u8], mode: Put) -> Result<()> {
    let io = |e: std::io::Error| unavailable("writing", e);
    let dir = path
        .parent()
        .ok_or_else(|| unavailable("writing", "no folder"))?;
    if mode == Put::Create && path.exists() {
        return Ok(());
    }
    // 0700, as the data folder: the names in a case's folder are the case's files.
    crate::data_folder::create_private_dir(dir).map_err(io)?;
    // A temporary file of its own: two writers of one name never write into each other.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    match mode {
        Put::Create => match tmp.persist_noclobber(path) {
            Ok(_) => {}
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
            Err(e) => return Err(io(e.error)),
        },
        Put::Replace => {
            tmp.persist(path).map_err(|e| io(e.error))?;
        }
    }
    // The rename is durable only once the folder itself is synced; a new case's folder
    // is named in its parent, which is synced too.
    for d in [Some(dir), dir.parent()].into_iter().flatten() {
        std::fs::File::open(d)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
    }
    Ok(())
}
