//! A file attached to a case — a screenshot, a photo, a voice note, an e-mail, a PDF, a
//! letter — as the ledger records it: its SHA-256, its type (decided from its bytes,
//! never its name), its size and the name it came with. The bytes themselves are stored
//! sealed with the case key; the hash in the event is what the ledger covers.

use crate::{text, EntryId, FieldErrors};
use serde::{Deserialize, Serialize};

/// Largest file, and largest total for one entry.
pub const FILE_MAX: u64 = 20 * 1024 * 1024;
pub const ENTRY_MAX: u64 = 50 * 1024 * 1024;
pub const NAME_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    /// The file's name as it was uploaded, cleaned.
    pub name: String,
    /// The entry it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryId>,
    /// What a photo says of itself (EXIF): when it was taken, on what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<PhotoFacts>,
}

/// A photo's own record of when and on what it was taken. It can be wrong or edited;
/// it is shown beside the time the doctor gave, never instead of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoFacts {
    /// As the camera wrote it, e.g. `2026-11-27 23:10:04`, with its offset when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<String>,
    /// Maker and model, e.g. `Apple iPhone 12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

impl PhotoFacts {
    /// In words, saying whose account it is.
    #[must_use]
    pub fn words(&self) -> String {
        let mut s = String::from("By the photo's own data: taken");
        if let Some(t) = &self.taken {
            s.push_str(&format!(" {t}"));
        }
        if let Some(d) = &self.device {
            s.push_str(&format!(" on {d}"));
        }
        s
    }
}

/// A copy of a picture (JPEG, PNG or WebP) without its EXIF data — the time, the device
/// and often the place it was taken — for a doctor who asks before sending it on. The
/// original, whose hash the ledger holds, is unchanged.
#[must_use]
pub fn without_photo_data(bytes: &[u8]) -> Option<Vec<u8>> {
    use img_parts::{Bytes, DynImage, ImageEXIF};
    let mut image = DynImage::from_bytes(Bytes::copy_from_slice(bytes)).ok()??;
    image.set_exif(None);
    Some(image.encoder().bytes().to_vec())
}

/// Reads a photo's EXIF time taken and device, if it has them.
#[must_use]
pub fn photo_facts(bytes: &[u8]) -> Option<PhotoFacts> {
    use exif::{In, Tag, Value};
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()?;
    let ascii = |tag: Tag| -> Option<String> {
        match &exif.get_field(tag, In::PRIMARY)?.value {
            Value::Ascii(v) => v
                .first()
                .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                .filter(|s| !s.is_empty() && !s.chars().any(char::is_control)),
            _ => None,
        }
    };
    let taken = ascii(Tag::DateTimeOriginal).map(|t| {
        // EXIF writes dates with colons: 2026:11:27 23:10:04.
        let t = t.replacen(':', "-", 2);
        match ascii(Tag::OffsetTimeOriginal) {
            Some(offset) => format!("{t} {offset}"),
            None => t,
        }
    });
    let device = match (ascii(Tag::Make), ascii(Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (one, other) => one.or(other),
    };
    (taken.is_some() || device.is_some()).then_some(PhotoFacts { taken, device })
}

mod document;

/// The types Boundary keeps, as decided from the bytes: pictures, PDFs, sound and video
/// recordings (and e-mails and documents, told apart otherwise).
const ALLOWED: [&str; 13] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heif",
    "application/pdf",
    "audio/mpeg",
    "audio/m4a",
    "audio/ogg",
    "audio/x-wav",
    "audio/aac",
    "video/mp4",
    "video/quicktime",
];

/// Whether a kept file is a picture a browser shows in place (HEIC is kept, not shown).
#[must_use]
pub fn is_picture(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg" | "image/png" | "image/gif" | "image/webp"
    )
}

/// An e-mail saved as a file (.eml) has no magic number: it is text whose first lines
/// are headers, with at least one that every e-mail has.
fn looks_like_email(bytes: &[u8]) -> bool {
    let Ok(head) = std::str::from_utf8(&bytes[..bytes.len().min(8192)]) else {
        return false;
    };
    let mut headers = 0;
    let mut known = false;
    for line in head.lines().take(200) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        headers += 1;
        known |= [
            "from",
            "date",
            "subject",
            "received",
            "message-id",
            "return-path",
        ]
        .contains(&name.to_ascii_lowercase().as_str());
    }
    headers >= 2 && known
}

/// The file's type from its bytes.
///
/// # Errors
/// A sentence for a file whose type is not kept.
pub fn media_type(bytes: &[u8]) -> Result<&'static str, String> {
    // Every zip — which infer may call a zip, a .docx, an .epub… — is opened and told
    // apart by what it holds, so that none is kept without its unpacked size checked.
    if bytes.starts_with(b"PK\x03\x04") {
        return document::zipped_document(bytes)?.ok_or_else(not_kept);
    }
    if let Some(kind) = infer::get(bytes) {
        if let Some(allowed) = ALLOWED.iter().find(|a| **a == kind.mime_type()) {
            if document::ends_like_a_zip(bytes) {
                document::check_carried_zip(bytes)?;
            }
            return Ok(allowed);
        }
    }
    if looks_like_email(bytes) {
        return Ok("message/rfc822");
    }
    Err(not_kept())
}

fn not_kept() -> String {
    "This kind of file cannot be kept: attach a photo or screenshot (JPEG, PNG, GIF, WebP, HEIC), a PDF, a document (Word .docx, OpenDocument .odt), a sound or video recording (MP3, M4A, OGG, WAV, AAC, MP4, MOV), or an e-mail saved as .eml".into()
}

/// A file's name as shown and exported: no folders, no control characters.
///
/// # Errors
/// A sentence for a name that cannot be kept.
pub fn clean_name(raw: &str) -> Result<String, String> {
    if raw.contains(['/', '\\']) || raw.split('.').all(str::is_empty) {
        return Err("The file's name cannot contain / or \\ or be only dots".into());
    }
    // Line breaks, tabs and right-to-left overrides could make a name read as another.
    if raw
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return Err("The file's name contains characters that cannot be kept".into());
    }
    text::required(raw, NAME_MAX, "The file needs a name").map_err(|e| e.to_string())
}

impl Attachment {
    /// Checks an uploaded file: not empty, not too large, of a kept type, with a usable
    /// name; `sha256` is its hash as computed on arrival.
    ///
    /// # Errors
    /// Field errors under `file`.
    pub fn check(
        bytes: &[u8],
        sha256: String,
        name: &str,
        entry: Option<EntryId>,
    ) -> Result<Self, FieldErrors> {
        let size = bytes.len() as u64;
        let fail = |m: String| FieldErrors::one("file", m);
        if bytes.is_empty() {
            return Err(fail("The file is empty".into()));
        }
        if size > FILE_MAX {
            return Err(fail(format!(
                "The file is {} MB; the most one file may be is {} MB",
                size.div_ceil(1024 * 1024),
                FILE_MAX / (1024 * 1024)
            )));
        }
        let media_type = media_type(bytes).map_err(fail)?;
        let name = clean_name(name).map_err(fail)?;
        Ok(Self {
            sha256,
            photo: media_type
                .starts_with("image/")
                .then(|| photo_facts(bytes))
                .flatten(),
            media_type: media_type.to_owned(),
            size,
            name,
            entry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0; 32]);
        b
    }

    #[test]
    fn the_type_comes_from_the_bytes_not_the_name() {
        assert_eq!(media_type(&png()), Ok("image/png"));
        assert_eq!(media_type(b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(
            media_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Ok("image/jpeg")
        );
        let eml =
            b"Return-Path: <x@example.com>\r\nFrom: A <a@example.com>\r\nSubject: hi\r\n\r\nBody";
        assert_eq!(media_type(eml), Ok("message/rfc822"));
        for refused in [
            &b"MZ\x90\x00\x03\x00\x00\x00"[..],        // a Windows program
            b"\x7fELF\x02\x01\x01\x00",                // a Linux program
            b"PK\x03\x04\x14\x00\x00\x00",             // a zip archive
            b"#!/bin/sh\nrm -rf /\n",                  // a script
            b"Just some words: not an e-mail\nat all", // plain text
        ] {
            assert!(media_type(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn names_with_folders_or_control_characters_are_refused() {
        assert_eq!(
            clean_name(" screenshot 1.png ").as_deref(),
            Ok("screenshot 1.png")
        );
        for bad in [
            "../etc/passwd",
            "a\\b.png",
            "..",
            "",
            "bad\u{0}name.png",
            "bell\u{7}.png",
            "two\nlines.png",
            "tab\t.png",
            "photo\u{202E}gnp.exe",
        ] {
            assert!(clean_name(bad).is_err(), "{bad:?}");
        }
        assert!(clean_name(&"x".repeat(NAME_MAX + 1)).is_err());
    }

    /// A JPEG whose EXIF says it was taken on 27 Nov 2026 at 23:10:04 on an iPhone 12.
    fn photo() -> Vec<u8> {
        let entry = |tag: u16, kind: u16, count: u32, value: u32| {
            [
                tag.to_le_bytes().as_slice(),
                &kind.to_le_bytes(),
                &count.to_le_bytes(),
                &value.to_le_bytes(),
            ]
            .concat()
        };
        let mut tiff = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        tiff.extend(3u16.to_le_bytes());
        tiff.extend(entry(0x010F, 2, 6, 50)); // Make
        tiff.extend(entry(0x0110, 2, 10, 56)); // Model
        tiff.extend(entry(0x8769, 4, 1, 66)); // the Exif IFD
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(b"Apple\0iPhone 12\0");
        tiff.extend(1u16.to_le_bytes());
        tiff.extend(entry(0x9003, 2, 20, 84)); // DateTimeOriginal
        tiff.extend(0u32.to_le_bytes());
        tiff.extend(b"2026:11:27 23:10:04\0");
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
        jpeg.extend(b"Exif\0\0");
        jpeg.extend(tiff);
        jpeg.extend([0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn a_photo_says_when_and_on_what_it_was_taken() {
        let a = Attachment::check(&photo(), "ab".into(), "IMG_0001.JPG", None).unwrap();
        assert_eq!(a.media_type, "image/jpeg");
        assert_eq!(
            a.photo,
            Some(PhotoFacts {
                taken: Some("2026-11-27 23:10:04".into()),
                device: Some("Apple iPhone 12".into()),
            })
        );
        assert_eq!(
            Attachment::check(&png(), "ab".into(), "a.png", None)
                .unwrap()
                .photo,
            None
        );
    }

    #[test]
    fn a_copy_can_leave_without_the_photos_own_data() {
        let stripped = without_photo_data(&photo()).unwrap();
        assert_eq!(photo_facts(&stripped), None);
        assert!(stripped.starts_with(&[0xFF, 0xD8]) && stripped.len() < photo().len());
        assert!(photo_facts(&photo()).is_some(), "the original is unchanged");
        assert_eq!(without_photo_data(b"%PDF-1.7"), None, "only pictures");
    }

    #[test]
    fn an_empty_or_oversized_file_is_refused() {
        assert!(Attachment::check(&[], String::new(), "a.png", None).is_err());
        let big = vec![0u8; usize::try_from(FILE_MAX + 1).unwrap()];
        let e = Attachment::check(&big, String::new(), "a.png", None).unwrap_err();
        assert!(e
            .get("file")
            .unwrap()
            .contains("the most one file may be is 20 MB"));
        let ok = Attachment::check(&png(), "ab".into(), "a.png", None).unwrap();
        assert_eq!((ok.media_type.as_str(), ok.size), ("image/png", 40));
    }
}
