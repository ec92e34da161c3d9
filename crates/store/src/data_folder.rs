//! The data folder: the SQLite database (by default), the master key file and the log
//! signing key. The folder is made mode 0700 and every file in it 0600, since it holds
//! names, addresses and who read which case; key files are created once and never
//! overwritten. A new master key waits in `master.key.new` until it replaces the old one.

mod lock;
mod privacy;

pub use lock::{FolderLock, Holder};
pub(crate) use privacy::create_private_dir;
pub(crate) use privacy::create_private_file;
pub use privacy::Exposed;

use crate::crypto::MasterKey;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MASTER_KEY_FILE: &str = "master.key";
pub const SIGNING_KEY_FILE: &str = "signing.key";
/// Where `keys rotate` writes the new master key, durably, before any case key is
/// wrapped under it; renamed over `master.key` once the database has taken the change.
pub const PENDING_MASTER_KEY_FILE: &str = "master.key.new";

#[derive(Debug, Clone)]
pub struct DataFolder {
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum DataFolderError {
    #[error("{0} already exists; Boundary will not overwrite a key")]
    KeyExists(PathBuf),
    #[error("the data folder {0} has no {MASTER_KEY_FILE}: run `boundary init` first, or set BOUNDARY_MASTER_KEY")]
    NoMasterKey(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} does not hold a master key (64 hexadecimal digits)")]
    BadMasterKey(PathBuf),
    #[error("{0} does not hold a log signing key (64 hexadecimal digits)")]
    BadSigningKey(PathBuf),
    /// Another process holds the folder's lock in a way that excludes this one.
    #[error("the data folder {folder} is in use")]
    InUse {
        folder: PathBuf,
        holders: Vec<Holder>,
    },
}

impl DataFolder {
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    #[must_use]
    pub fn master_key_path(&self) -> PathBuf {
        self.path.join(MASTER_KEY_FILE)
    }

    #[must_use]
    pub fn signing_key_path(&self) -> PathBuf {
        self.path.join(SIGNING_KEY_FILE)
    }

    #[must_use]
    pub fn pending_master_key_path(&self) -> PathBuf {
        self.path.join(PENDING_MASTER_KEY_FILE)
    }

    /// Whether `init` has already run here.
    #[must_use]
    pub fn has_keys(&self) -> bool {
        self.master_key_path().exists() || self.signing_key_path().exists()
    }

    /// Creates the folder and both keys.
    ///
    /// # Errors
    /// `KeyExists` if either key file is already there; IO errors.
    pub fn init(&self, write_master_key: bool) -> Result<(), DataFolderError> {
        for p in [self.master_key_path(), self.signing_key_path()] {
            if p.exists() {
                return Err(DataFolderError::KeyExists(p));
            }
        }
        self.create()?;
        if write_master_key {
            write_secret_file(&self.master_key_path(), &MasterKey::generate().to_hex())?;
        }
        // An Ed25519 private key is any 32 random bytes (RFC 8032 §5.1.5).
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        let text = hex::encode(seed);
        zeroize::Zeroize::zeroize(&mut seed);
        write_secret_file(&self.signing_key_path(), &text)
    }

    /// The log signing key from its file.
    ///
    /// # Errors
    /// The file is missing or does not hold 32 bytes in hex.
    pub fn read_signer(&self) -> Result<boundary_ledger::LogSigner, DataFolderError> {
        let p = self.signing_key_path();
        let text = std::fs::read_to_string(&p).map_err(|source| DataFolderError::Io {
            path: p.clone(),
            source,
        })?;
        let mut seed = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut seed)
            .map_err(|_| DataFolderError::BadSigningKey(p))?;
        let signer = boundary_ledger::LogSigner::from_seed(&seed);
        zeroize::Zeroize::zeroize(&mut seed);
        Ok(signer)
    }

    /// Writes the next master key to `master.key.new` and makes it durable — the file
    /// and the folder entry both synced — so that nothing is ever wrapped under a key
    /// that is not safely on disk. Refuses to write over anything already there.
    ///
    /// # Errors
    /// IO errors, including something already standing at `master.key.new`.
    pub fn write_pending_master_key(&self, key: &MasterKey) -> Result<(), DataFolderError> {
        write_secret_file(&self.pending_master_key_path(), &key.to_hex())
    }

    /// The key in `master.key.new`, if it holds a whole one. A file that is missing,
    /// unreadable or not a key is `None`: such a file was never complete, and a key that
    /// was never complete was never committed to (rotation syncs it before committing).
    #[must_use]
    pub fn read_pending_master_key(&self) -> Option<MasterKey> {
        let text = std::fs::read_to_string(self.pending_master_key_path()).ok()?;
        MasterKey::from_hex(&text).ok()
    }

    /// Makes `master.key.new` the master key: an atomic rename, then the folder synced so
    /// that the rename survives a crash.
    ///
    /// # Errors
    /// IO errors; `master.key` is then unchanged.
    pub fn adopt_pending_master_key(&self) -> Result<(), DataFolderError> {
        let next = self.pending_master_key_path();
        std::fs::rename(&next, self.master_key_path())
            .map_err(|source| DataFolderError::Io { path: next, source })?;
        sync_dir(&self.path)
    }

    /// Removes a `master.key.new` left by a rotation that never committed. Only a plain
    /// file is removed: anything else standing there is left for a person to look at
    /// (and the next write refuses to go over it).
    ///
    /// The caller must have established that the database's keys are not wrapped under
    /// it; that is what makes removing a key safe.
    ///
    /// # Errors
    /// IO errors.
    pub fn discard_pending_master_key(&self) -> Result<(), DataFolderError> {
        let p = self.pending_master_key_path();
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => {
                std::fs::remove_file(&p).map_err(|source| DataFolderError::Io { path: p, source })
            }
            _ => Ok(()),
        }
    }

    /// The master key from the key file.
    ///
    /// # Errors
    /// The file is missing or does not hold a key.
    pub fn read_master_key(&self) -> Result<MasterKey, DataFolderError> {
        let p = self.master_key_path();
        let text = std::fs::read_to_string(&p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DataFolderError::NoMasterKey(self.path.clone()),
            _ => DataFolderError::Io {
                path: p.clone(),
                source: e,
            },
        })?;
        MasterKey::from_hex(&text).map_err(|_| DataFolderError::BadMasterKey(p))
    }
}

fn write_secret_file(path: &Path, text: &str) -> Result<(), DataFolderError> {
    let io = |source| DataFolderError::Io {
        path: path.to_owned(),
        source,
    };
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.write_all(b"\n").map_err(io)?;
    f.sync_all().map_err(io)?;
    // The file's name is in its folder: without this, a crash could leave no file at all.
    path.parent().map_or(Ok(()), sync_dir)
}

/// Makes the names in a folder (files created, renamed or removed) durable.
fn sync_dir(dir: &Path) -> Result<(), DataFolderError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| DataFolderError::Io {
            path: dir.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_private_keys_once() {
        let dir = tempfile::tempdir().unwrap();
        let folder = DataFolder::new(dir.path().join("data"));
        folder.init(true).unwrap();
        #[cfg(unix)]
        for p in [folder.master_key_path(), folder.signing_key_path()] {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let key = folder.read_master_key().unwrap();
        assert!(matches!(
            folder.init(true),
            Err(DataFolderError::KeyExists(_))
        ));
        assert_eq!(folder.read_master_key().unwrap().id(), key.id());
    }
}
