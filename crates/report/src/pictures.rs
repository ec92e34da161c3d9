//! Pictures made small: thumbnails for the timeline and the entry page, and the copies
//! drawn in the evidence pack. Decoding is bounded by the size the picture declares
//! (pixels and bytes) before anything is unpacked, so a picture made to unpack to
//! gigabytes is refused instead of filling memory; the small copies are upright (the
//! camera's orientation applied), on white where the original was transparent, and
//! carry none of the original's metadata.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// The longest side of a thumbnail on the pages, in pixels: sharp at twice the 96 CSS
/// pixels it is shown at, with room to spare.
pub const THUMBNAIL_SIDE: u32 = 320;

/// The longest side of a picture drawn in the evidence pack: sharp enough to read a
/// screenshot's text when printed at half a page.
pub const PACK_SIDE: u32 = 1200;

/// Larger than any phone's camera or screen; a picture declaring more is not decoded.
const MAX_SIDE: u32 = 16_384;
/// 50 megapixels: the largest phone photos. A picture can be made to declare far more
/// in a small file (a plain colour compresses to almost nothing).
pub const MAX_PIXELS: u64 = 50_000_000;
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// The picture decoded and turned upright, or `None` when it is not a picture this can
/// read (HEIC, a damaged file) or one that would unpack to more than the limits.
#[must_use]
pub fn decode(bytes: &[u8]) -> Option<DynamicImage> {
    decode_within(bytes, MAX_PIXELS)
}

fn decode_within(bytes: &[u8], max_pixels: u64) -> Option<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    // The decoder takes what the header declares; the limits above bound only the
    // sides, so the size it would unpack to is checked here, before anything is taken.
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > max_pixels || decoder.total_bytes() > MAX_DECODED_BYTES {
        return None;
    }
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(o) = orientation {
        picture.apply_orientation(o);
    }
    Some(picture)
}

/// At most `side` pixels each way, in RGB, transparent parts made white.
#[must_use]
pub fn smaller(picture: &DynamicImage, side: u32) -> RgbImage {
    let small = if picture.width() > side || picture.height() > side {
        picture.thumbnail(side, side)
    } else {
        picture.clone()
    };
    if !small.color().has_alpha() {
        return small.to_rgb8();
    }
    let rgba = small.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let on_white = |c: u8| {
            let c = u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a));
            u8::try_from(c / 255).unwrap_or(u8::MAX)
        };
        image::Rgb([on_white(r), on_white(g), on_white(b)])
    })
}

/// A JPEG of the picture at most `side` pixels each way, or `None` when it cannot be read.
#[must_use]
pub fn thumbnail(bytes: &[u8], side: u32) -> Option<Vec<u8>> {
    let small = smaller(&decode(bytes)?, side);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgba, RgbaImage};

    fn encoded(picture: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_picture_becomes_a_small_jpeg_of_the_same_shape() {
        let big =
            DynamicImage::ImageRgb8(RgbImage::from_pixel(2000, 1000, image::Rgb([200, 10, 10])));
        let small = thumbnail(&encoded(&big, ImageFormat::Png), THUMBNAIL_SIDE).unwrap();
        assert_eq!(&small[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
        let back = decode(&small).unwrap();
        assert_eq!((back.width(), back.height()), (320, 160));
        let [r, g, b] = back.to_rgb8().get_pixel(10, 10).0;
        assert!(r > 180 && g < 40 && b < 40, "still red: {r} {g} {b}");
    }

    #[test]
    fn a_small_picture_keeps_its_size_and_transparency_turns_white() {
        let mut icon = RgbaImage::from_pixel(40, 30, Rgba([0, 0, 0, 0]));
        icon.put_pixel(0, 0, Rgba([0, 0, 255, 255]));
        let small = smaller(
            &decode(&encoded(&DynamicImage::ImageRgba8(icon), ImageFormat::Png)).unwrap(),
            THUMBNAIL_SIDE,
        );
        assert_eq!(small.dimensions(), (40, 30));
        assert_eq!(small.get_pixel(5, 5).0, [255, 255, 255]);
        assert_eq!(small.get_pixel(0, 0).0, [0, 0, 255]);
    }

    #[test]
    fn a_picture_declaring_more_pixels_than_allowed_is_not_decoded() {
        let picture =
            DynamicImage::ImageRgb8(RgbImage::from_pixel(200, 150, image::Rgb([1, 2, 3])));
        let png = encoded(&picture, ImageFormat::Png);
        assert!(decode_within(&png, 30_000).is_some());
        assert!(decode_within(&png, 29_999).is_none());
    }

    #[test]
    fn what_is_not_a_readable_picture_gets_none() {
        assert!(thumbnail(b"not a picture at all", THUMBNAIL_SIDE).is_none());
        // A PNG header declaring 100,000 × 100,000 pixels: refused before any memory is
        // taken for it.
        let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32fast::hash(&bomb[12..]);
        bomb.extend_from_slice(&crc.to_be_bytes());
        assert!(decode(&bomb).is_none());
    }
}
