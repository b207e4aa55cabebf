//! `POST /order-management/v1/images` bodies: `{imageId, src, type: "base64"}`. The spec: PNG or
//! JPEG, base64 (not a URL), at most 2 MB, at least 167 px high. The simulator reads the image
//! header to check the format and the height (PNG `IHDR`, JPEG start-of-frame marker).

use crate::validate::{Checker, FieldError, Need};
use base64::Engine;
use serde_json::{Map, Value};

/// "max file size is 2MB", read as 2 MiB of decoded bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
pub const MIN_HEIGHT: u32 = 167;

#[derive(Clone, Debug)]
pub struct Image {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// `^[0-9A-Za-z-_\.]+$` (imageId, orderId).
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The validated upload: (imageId, image).
pub fn check_upload(body: &Map<String, Value>) -> Result<(String, Image), Vec<FieldError>> {
    let mut c = Checker::camel();
    let id = c.string_matching(
        body,
        "",
        "imageId",
        Need::Required,
        1,
        128,
        is_id,
        "^[0-9A-Za-z-_\\.]+$",
    );
    c.one_of(body, "", "type", Need::Required, &["base64"]);
    let src = c.string(body, "", "src", Need::Required, 1, usize::MAX);
    let image = src.and_then(|s| match decode(s) {
        Ok(image) => Some(image),
        Err(reason) => {
            c.fail("src", reason);
            None
        }
    });
    match (id, image) {
        (Some(id), Some(image)) if c.is_ok() => Ok((id.to_string(), image)),
        _ => Err(c.errors),
    }
}

fn decode(src: &str) -> Result<Image, String> {
    // A base64 string of n characters holds about 3n/4 bytes: refuse the oversized early.
    if src.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(format!(
            "The image is larger than {MAX_IMAGE_BYTES} bytes (2 MB)."
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(src)
        .map_err(|_| {
            "The src field must be the image as a base64 string (not a URL).".to_string()
        })?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!(
            "The image is larger than {MAX_IMAGE_BYTES} bytes (2 MB)."
        ));
    }
    let (content_type, height) = if let Some(h) = png_height(&bytes) {
        ("image/png", h)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        (
            "image/jpeg",
            jpeg_height(&bytes).ok_or("The JPEG image has no readable frame header.")?,
        )
    } else {
        return Err("The image must be a PNG or JPEG.".into());
    };
    if height < MIN_HEIGHT {
        return Err(format!(
            "The image is {height} px high; the minimum height is {MIN_HEIGHT} px."
        ));
    }
    Ok(Image {
        content_type,
        bytes,
    })
}

/// PNG: the signature, then the `IHDR` chunk whose data holds width and height (big-endian).
fn png_height(b: &[u8]) -> Option<u32> {
    const SIG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if b.len() < 24 || b[..8] != SIG || &b[12..16] != b"IHDR" {
        return None;
    }
    Some(u32::from_be_bytes([b[20], b[21], b[22], b[23]]))
}

/// JPEG: walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG, DAC),
/// whose data is precision, height, width.
fn jpeg_height(b: &[u8]) -> Option<u32> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let is_sof = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let h = b.get(i + 5..i + 7)?;
            return Some(u16::from_be_bytes([h[0], h[1]]) as u32);
        }
        if marker == 0xDA || len < 2 {
            return None; // image data before any frame header
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A PNG header (signature + IHDR) of the given size; enough for the checks above.
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    fn jpeg(height: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&[0x00, 0xC8, 0x01, 0x01, 0x11, 0x00]);
        b
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn reads_png_and_jpeg_heights() {
        assert_eq!(png_height(&png(200, 300)), Some(300));
        assert_eq!(jpeg_height(&jpeg(400)), Some(400));
        assert_eq!(
            decode(&b64(&png(10, 167))).unwrap().content_type,
            "image/png"
        );
        assert_eq!(decode(&b64(&jpeg(200))).unwrap().content_type, "image/jpeg");
    }

    #[test]
    fn refuses_bad_base64_other_formats_small_and_large_images() {
        assert!(decode("not base64!").unwrap_err().contains("base64"));
        assert!(decode(&b64(b"GIF89a......"))
            .unwrap_err()
            .contains("PNG or JPEG"));
        assert!(decode(&b64(&png(10, 166))).unwrap_err().contains("166 px"));
        let mut big = png(10, 200);
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert!(decode(&b64(&big)).unwrap_err().contains("larger"));
        assert!(is_id("socks-orange_1.2") && !is_id("a/b") && !is_id(""));
    }
}
