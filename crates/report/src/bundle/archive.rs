//! Reading a bundle's archive: every file by name, bounded so that a crafted zip cannot
//! exhaust memory, and refused outright when a name appears twice.

use super::{MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use boundary_ledger::Hash;
use std::collections::BTreeMap;
use std::io::Read;

pub(super) const KNOWN: [&str; 6] = [
    "README.txt",
    "evidence.pdf",
    "manifest.json",
    "manifest.sig",
    "checkpoint.txt",
    "vkey.txt",
];

pub(super) fn files(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("the file is not a readable zip archive ({e})"))?;
    // The zip reader keeps one entry per name; a second with the same name would be
    // silently skipped, so a bundle that has one is refused outright.
    if zip.has_duplicate_names() {
        return Err("the archive holds two files with the same name".into());
    }
    if zip.len() > MAX_FILES {
        return Err(format!("the archive holds more than {MAX_FILES} files"));
    }
    let mut out = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| format!("file {i} of the archive cannot be read ({e})"))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|e| format!("file {i} of the archive has a name that cannot be read ({e})"))?
            .into_owned();
        // The declared size can lie; the read is bounded whatever it says.
        let mut content = Vec::new();
        (&mut f)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{name} cannot be read from the archive ({e})"))?;
        if content.len() as u64 > MAX_FILE_BYTES {
            return Err(format!("{name} is larger than {MAX_FILE_BYTES} bytes"));
        }
        total += content.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "the archive unpacks to more than {MAX_TOTAL_BYTES} bytes"
            ));
        }
        if out.insert(name.clone(), content).is_some() {
            return Err(format!("the archive holds {name} twice"));
        }
    }
    Ok(out)
}

pub(super) fn text<'a>(
    files: &'a BTreeMap<String, Vec<u8>>,
    name: &str,
) -> Result<&'a str, String> {
    let bytes = files
        .get(name)
        .ok_or_else(|| format!("{name} is missing from the bundle"))?;
    std::str::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))
}

pub(super) fn hash(hex: &str, what: &str) -> Result<Hash, String> {
    Hash::from_hex(hex).map_err(|_| format!("{what} is not a SHA-256 hash in hex"))
}
