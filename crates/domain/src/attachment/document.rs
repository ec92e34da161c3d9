//! Documents that are zip archives inside (.docx, .odt) are opened before they are kept,
//! so that a "document bomb" — a small file that unpacks to gigabytes, which would stall
//! whoever opens it — is refused at the door. Every part is unpacked and counted, so a
//! part that claims to be small and is not is caught too.

use std::io::Read;

/// More than any real letter or report unpacks to, even one full of photographs.
pub(crate) const UNPACKED_MAX: u64 = 100 * 1024 * 1024;
const PARTS_MAX: usize = 5_000;

pub(super) const ZIPPED: [&str; 2] = [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
];

const BOMB: &str = "This document unpacks to far more than any real document (over 100 MB): it cannot be kept. Save it as a PDF and attach that";
const MACROS: &str = "This document contains macros (small programs) and cannot be kept: save it as a .docx without macros, or as a PDF, and attach that";
const DAMAGED: &str = "This file is damaged and cannot be opened: if it is a document, save it again, or as a PDF, and attach that";

/// What document a zip archive is — Word (.docx) or OpenDocument text (.odt) — told from
/// the parts inside it, and checked to unpack to a sane size; `None` for any other zip.
///
/// # Errors
/// A sentence saying why the file cannot be kept: damaged, or a bomb.
pub(super) fn zipped_document(bytes: &[u8]) -> Result<Option<&'static str>, String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| DAMAGED.to_owned())?;
    let has = |archive: &mut zip::ZipArchive<_>, name| archive.by_name(name).is_ok();
    let kind = if has(&mut archive, "[Content_Types].xml") && has(&mut archive, "word/document.xml")
    {
        ZIPPED[0]
    } else if odf_mimetype(&mut archive).as_deref() == Some(ZIPPED[1]) {
        ZIPPED[1]
    } else {
        return Ok(None);
    };
    // Word keeps macros in vbaProject.bin, OpenDocument under Basic/ or Scripts/.
    let names = archive
        .file_names()
        .map(|n| n.map(std::borrow::Cow::into_owned))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| DAMAGED.to_owned())?;
    let has_macros = names.iter().map(|n| n.to_ascii_lowercase()).any(|n| {
        n.ends_with("vbaproject.bin") || n.starts_with("basic/") || n.starts_with("scripts/")
    });
    if has_macros || declares_macros(&mut archive, &names) {
        return Err(MACROS.into());
    }
    check_unpacked_size(&mut archive)?;
    Ok(Some(kind))
}

/// Whether a file of another type also ends like a zip (its directory within the last
/// 64 KB), as a picture with an archive stuck on can: programs that read zips from the
/// end would open it as one.
pub(super) fn ends_like_a_zip(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024 + 22)..];
    tail.windows(4).any(|w| w == b"PK\x05\x06")
}

/// Refuses a file of another type that carries a zip which unpacks to too much. A
/// signature there by chance, that opens as no zip, is nothing.
pub(super) fn check_carried_zip(bytes: &[u8]) -> Result<(), String> {
    match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(mut archive) => check_unpacked_size(&mut archive),
        Err(_) => Ok(()),
    }
}

/// Word finds its macros, and a template fetched from elsewhere, through the parts'
/// declared types and relationships, whatever the parts are called.
fn declares_macros(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    names: &[String],
) -> bool {
    names
        .iter()
        .filter(|n| {
            n.eq_ignore_ascii_case("[Content_Types].xml")
                || n.to_ascii_lowercase().ends_with(".rels")
        })
        .any(|n| {
            let Ok(part) = archive.by_name(n) else {
                return false;
            };
            let mut text = String::new();
            let _ = part.take(1024 * 1024).read_to_string(&mut text);
            let text = text.to_ascii_lowercase();
            ["vbaproject", "macroenabled", "attachedtemplate"]
                .iter()
                .any(|word| text.contains(word))
        })
}

/// An OpenDocument file names its type in a first part called `mimetype`.
fn odf_mimetype(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Option<String> {
    let part = archive.by_name("mimetype").ok()?;
    let mut s = String::new();
    part.take(200).read_to_string(&mut s).ok()?;
    Some(s)
}

fn check_unpacked_size(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
) -> Result<(), String> {
    if archive.len() > PARTS_MAX {
        return Err(BOMB.into());
    }
    let mut total = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|_| DAMAGED.to_owned())?;
        if total.saturating_add(part.size()) > UNPACKED_MAX {
            return Err(BOMB.into());
        }
        loop {
            let n = part.read(&mut buffer).map_err(|_| DAMAGED.to_owned())?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > UNPACKED_MAX {
                return Err(BOMB.into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attachment::media_type;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// A Word document whose text part is `text`, as Word lays one out.
    pub(crate) fn docx(text: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(text.len() > u32::MAX as usize / 2);
        for (name, body) in [
            (
                "[Content_Types].xml",
                &b"<?xml version=\"1.0\"?><Types/>"[..],
            ),
            ("_rels/.rels", b"<?xml version=\"1.0\"?><Relationships/>"),
            ("word/document.xml", text),
        ] {
            w.start_file(name, deflated).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn odt() -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.text")
            .unwrap();
        w.start_file("content.xml", SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"<office:document-content/>").unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn real_documents_are_kept() {
        assert_eq!(
            media_type(&docx(b"<w:document>Dear Dr Smith</w:document>")),
            Ok(ZIPPED[0])
        );
        assert_eq!(media_type(&odt()), Ok(ZIPPED[1]));
        // Any other zip is not a document, whatever its name.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("word/document.xml", SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"no [Content_Types].xml beside it").unwrap();
        let zip = w.finish().unwrap().into_inner();
        assert!(media_type(&zip).unwrap_err().contains("cannot be kept"));
    }

    #[test]
    fn a_document_that_unpacks_to_too_much_is_refused() {
        let bomb = docx(&vec![b'A'; usize::try_from(UNPACKED_MAX).unwrap() + 1]);
        assert!(
            bomb.len() < 1024 * 1024,
            "small on the way in: {}",
            bomb.len()
        );
        let said = media_type(&bomb).unwrap_err();
        assert!(said.contains("over 100 MB"), "{said}");
        // Just under the limit is a document like any other.
        let big = docx(&vec![b'A'; usize::try_from(UNPACKED_MAX).unwrap() - 4096]);
        assert_eq!(media_type(&big), Ok(ZIPPED[0]));
    }

    #[test]
    fn a_part_that_lies_about_its_size_is_caught_by_counting() {
        // The zip's own records say the text part unpacks to 40 bytes; it unpacks to
        // 110 MB.
        let mut bomb = docx(&vec![b'A'; 110 * 1024 * 1024]);
        let real = u32::try_from(110 * 1024 * 1024).unwrap().to_le_bytes();
        let mut replaced = 0;
        for i in 0..bomb.len() - 4 {
            if bomb[i..i + 4] == real {
                bomb[i..i + 4].copy_from_slice(&40u32.to_le_bytes());
                replaced += 1;
            }
        }
        assert_eq!(replaced, 2, "the local header and the central directory");
        let said = media_type(&bomb).unwrap_err();
        assert!(
            said.contains("over 100 MB") || said.contains("damaged"),
            "{said}"
        );
    }

    #[test]
    fn a_document_declaring_macros_under_another_name_is_refused() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in [
            (
                "[Content_Types].xml",
                &br#"<Types><Override PartName="/word/x.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>"#[..],
            ),
            ("word/document.xml", b"<w:document/>"),
            ("word/x.bin", b"not called vbaProject.bin"),
        ] {
            w.start_file(name, SimpleFileOptions::default()).unwrap();
            w.write_all(body).unwrap();
        }
        let hidden = w.finish().unwrap().into_inner();
        assert!(media_type(&hidden).unwrap_err().contains("macros"));
        // An OpenDocument text with Basic macros.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(ZIPPED[1].as_bytes()).unwrap();
        w.start_file("Basic/Standard/Module1.xml", SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"Sub Main").unwrap();
        let odt = w.finish().unwrap().into_inner();
        assert!(media_type(&odt).unwrap_err().contains("macros"));
    }

    #[test]
    fn a_document_with_macros_is_refused() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for name in [
            "[Content_Types].xml",
            "word/document.xml",
            "word/vbaProject.bin",
        ] {
            w.start_file(name, SimpleFileOptions::default()).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        let docm = w.finish().unwrap().into_inner();
        assert!(media_type(&docm).unwrap_err().contains("macros"));
    }

    #[test]
    fn a_picture_carrying_a_bomb_is_refused_and_a_plain_one_kept() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
        let bomb = docx(&vec![b'A'; usize::try_from(UNPACKED_MAX).unwrap() + 1]);
        let carrying = [&jpeg[..], &bomb].concat();
        assert!(media_type(&carrying).unwrap_err().contains("over 100 MB"));
        let small = [&jpeg[..], &docx(b"<w:t>hi</w:t>")].concat();
        assert_eq!(media_type(&small), Ok("image/jpeg"));
        // The four bytes of a zip's directory by chance, in a file that is no zip.
        let chance = [&jpeg[..], b"PK\x05\x06 and then nothing like a zip"].concat();
        assert_eq!(media_type(&chance), Ok("image/jpeg"));
    }

    #[test]
    fn a_damaged_document_is_refused_as_damaged() {
        let whole = docx(b"<w:document>Dear Dr Smith</w:document>");
        let cut = &whole[..whole.len() - 30];
        let said = media_type(cut).unwrap_err();
        assert!(said.contains("damaged"), "{said}");
    }
}
