//! Which processes are using a data folder. Every `boundary` process holds the advisory
//! lock on `boundary.lock` in the folder for as long as it runs — shared, so that many
//! servers and commands run side by side — and `keys rotate` holds it exclusively, so
//! that no process keeps wrapping case keys under a master key that rotation retires.
//!
//! The lock is `flock(2)` (std's `File::lock`): the kernel drops it when its process
//! ends, however it ends, so a crash never leaves a stale lock behind.

use super::{DataFolder, DataFolderError};
use std::fs::{File, TryLockError};

pub(super) const LOCK_FILE: &str = "boundary.lock";

/// Held for as long as this value lives.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

/// A process holding the lock, as far as the system says (Linux's `/proc/locks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// Its command line; it may hold secrets (a database URL), so show only what is safe.
    pub args: Vec<String>,
}

impl DataFolder {
    /// Takes the folder's lock, shared or (with `exclusive`) alone, without waiting.
    ///
    /// # Errors
    /// `InUse` naming the holders when another process's lock excludes this one; IO errors.
    pub fn lock(&self, exclusive: bool) -> Result<FolderLock, DataFolderError> {
        let path = self.path.join(LOCK_FILE);
        let io = |source| DataFolderError::Io {
            path: path.clone(),
            source,
        };
        let mut o = std::fs::OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let file = o.open(&path).map_err(io)?;
        let taken = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match taken {
            Ok(()) => Ok(FolderLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(DataFolderError::InUse {
                folder: self.path.clone(),
                holders: holders(&file),
            }),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

/// The other processes with a lock on `file`. Best effort: where the system does not say,
/// none are named and the message says only that the folder is in use.
#[cfg(target_os = "linux")]
fn holders(file: &File) -> Vec<Holder> {
    use std::os::unix::fs::MetadataExt;
    let (Ok(meta), Ok(locks)) = (file.metadata(), std::fs::read_to_string("/proc/locks")) else {
        return Vec::new();
    };
    // "1: FLOCK  ADVISORY  WRITE 16323 fe:00:5464457 0 EOF": pid, then device:inode. The
    // inode alone names the file; a clash with another device's only mislabels a message.
    let inode = format!(":{}", meta.ino());
    let me = std::process::id();
    let mut pids: Vec<u32> = locks
        .lines()
        .filter(|l| l.contains("FLOCK") && !l.contains("->"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (pid, dev_inode) = (f.get(4)?, f.get(5)?);
            if !dev_inode.ends_with(&inode) {
                return None;
            }
            pid.parse().ok()
        })
        .filter(|pid| *pid != me)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids.into_iter()
        .map(|pid| Holder {
            pid,
            args: std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|b| {
                    b.split(|c| *c == 0)
                        .filter(|a| !a.is_empty())
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn holders(_file: &File) -> Vec<Holder> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_locks_exclude_an_exclusive_one_and_go_with_their_holder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = DataFolder::new(dir.path());
        let a = folder.lock(false).unwrap();
        let b = folder.lock(false).unwrap();
        assert!(matches!(
            folder.lock(true),
            Err(DataFolderError::InUse { .. })
        ));
        drop((a, b));
        let only = folder.lock(true).unwrap();
        assert!(matches!(
            folder.lock(false),
            Err(DataFolderError::InUse { .. })
        ));
        drop(only);
        folder.lock(false).unwrap();
    }
}
