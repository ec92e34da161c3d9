//! Who else on the machine can read the data folder. The folder holds people's names
//! and addresses, who read which case and from where, and the keys that open the rest:
//! it is made mode 0700 and its files 0600, and a folder or file that others can read
//! or write is found at start.

use super::{DataFolder, DataFolderError, MASTER_KEY_FILE, PENDING_MASTER_KEY_FILE};
use std::path::{Path, PathBuf};

/// A path in or of the data folder that the group or others may use, and its mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposed {
    pub path: PathBuf,
    pub mode: u32,
}

impl DataFolder {
    /// Creates the folder, mode 0700, if it does not exist; an existing folder is left
    /// as it is (and [`DataFolder::exposed`] reports it if others can read it).
    ///
    /// # Errors
    /// IO errors.
    pub fn create(&self) -> Result<(), DataFolderError> {
        create_private_dir(&self.path).map_err(|source| DataFolderError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// The folder itself, its keys, its lock, its `attachments/` folder and the database
    /// files named in `database` (`boundary.db` and its `-wal` and `-shm`), wherever one of
    /// them lets the group or others in. Each attached file is not looked at: it is sealed,
    /// and out of reach of others when its folders are 0700.
    #[must_use]
    pub fn exposed(&self, database: Option<&Path>) -> Vec<Exposed> {
        let mut paths = vec![self.path.clone()];
        for name in [
            MASTER_KEY_FILE,
            PENDING_MASTER_KEY_FILE,
            super::SIGNING_KEY_FILE,
            super::lock::LOCK_FILE,
            "attachments",
        ] {
            paths.push(self.path.join(name));
        }
        if let Some(db) = database {
            paths.push(db.to_owned());
            for suffix in ["-wal", "-shm"] {
                let mut p = db.as_os_str().to_owned();
                p.push(suffix);
                paths.push(PathBuf::from(p));
            }
        }
        paths.into_iter().filter_map(exposed).collect()
    }
}

#[cfg(unix)]
fn exposed(path: PathBuf) -> Option<Exposed> {
    use std::os::unix::fs::PermissionsExt;
    // Following links: what others can read is the file a link leads to.
    let mode = std::fs::metadata(&path).ok()?.permissions().mode() & 0o7777;
    (mode & 0o077 != 0).then_some(Exposed { path, mode })
}

#[cfg(not(unix))]
fn exposed(_path: PathBuf) -> Option<Exposed> {
    None
}

/// Creates a folder and any missing parents, each mode 0700.
pub(crate) fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(path)
}

/// Creates `path` empty, mode 0600, if it does not exist, so that whatever writes into it
/// next (SQLite, which gives its `-wal` and `-shm` the database file's mode) does not make
/// it readable by others under a permissive umask.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map(drop)
}
