//! Images for category links: checked before the upload (PNG or JPEG, the spec's size limit and
//! minimum height), and named by their content so that an upload can be repeated.

use crate::error::Result;
use crate::json::input::Fields;
use base64::Engine;
use sha2::{Digest, Sha256};

/// "max file size is 2MB": read as 2,000,000 bytes, the stricter of the two readings, so that
/// an image this check lets through is never too large for the API.
pub(crate) const MAX_IMAGE_BYTES: usize = 2_000_000;
/// "Minimum height is 167px".
pub(crate) const MIN_HEIGHT: u32 = 167;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_START: &[u8] = b"\xff\xd8\xff";

/// The bytes of a base64 PNG or JPEG (`src`), or an `invalid_input` error naming the field.
pub(crate) fn decode(fields: &Fields, name: &str, src: &str) -> Result<Vec<u8>> {
    // Base64 grows by 4/3: refuse an oversized text before decoding it.
    if src.len() > MAX_IMAGE_BYTES / 3 * 4 + 4 {
        return Err(fields.error(
            name,
            format!("is larger than the API's limit of {MAX_IMAGE_BYTES} bytes"),
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(src.trim())
        .map_err(|e| {
            fields.error(
                name,
                format!("must be the image as base64 (not a URL or a data: URI): {e}"),
            )
        })?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(fields.error(
            name,
            format!(
                "is {} bytes, more than the API's limit of {MAX_IMAGE_BYTES}",
                bytes.len()
            ),
        ));
    }
    let height = if bytes.starts_with(PNG_SIGNATURE) {
        png_height(&bytes)
    } else if bytes.starts_with(JPEG_START) {
        jpeg_height(&bytes)
    } else {
        return Err(fields.error(name, "must be a PNG or JPEG image"));
    };
    if let Some(height) = height.filter(|h| *h < MIN_HEIGHT) {
        return Err(fields.error(
            name,
            format!("is {height} pixels high; the API needs at least {MIN_HEIGHT}"),
        ));
    }
    Ok(bytes)
}

/// The id of an image made from its content: the hex SHA-256 of its bytes (64 characters of
/// `[0-9a-f]`, within the spec's 128 characters of `^[0-9A-Za-z-_\.]+$`). The same image
/// always gets the same id, so a repeated upload is the API's 409 and not a second image.
pub(crate) fn content_id(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The height in a PNG's IHDR chunk (bytes 20 to 23), if the file is long enough.
fn png_height(bytes: &[u8]) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(20..24)?.try_into().ok()?;
    Some(u32::from_be_bytes(raw))
}

/// The height in a JPEG's first start-of-frame marker (SOF0 to SOF15, except the DHT, JPG and
/// DAC markers C4, C8 and CC). None when the file ends before one: the API then decides.
fn jpeg_height(bytes: &[u8]) -> Option<u32> {
    let mut at = 2;
    loop {
        let [0xff, marker, high, low] = *bytes.get(at..at + 4)? else {
            return None; // not a marker: the API decides
        };
        if marker == 0xff {
            at += 1; // fill byte
            continue;
        }
        let is_frame = (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker);
        if is_frame {
            let &[high, low] = bytes.get(at + 5..at + 7)? else {
                return None;
            };
            return Some(u32::from(u16::from_be_bytes([high, low])));
        }
        let length = usize::from(u16::from_be_bytes([high, low]));
        if marker == 0xda || length < 2 {
            return None; // image data starts: no frame header before it
        }
        at += 2 + length;
    }
}

/// A minimal PNG of `width` × `height` (signature and IHDR only), for tests here and in the
/// integration tests.
#[cfg(test)]
pub(crate) fn test_png(width: u32, height: u32, salt: u8) -> Vec<u8> {
    let mut png = PNG_SIGNATURE.to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, salt]);
    png
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    fn check(bytes: &[u8]) -> Result<Vec<u8>> {
        let map = json!({});
        let f = Fields::new(map.as_object().unwrap(), "", ErrorKind::InvalidInput);
        let src = base64::engine::general_purpose::STANDARD.encode(bytes);
        decode(&f, "src", &src)
    }

    #[test]
    fn png_and_jpeg_pass_and_anything_else_is_refused() {
        check(&test_png(200, 200, 0)).unwrap();
        // A JPEG with an APP0 segment and then SOF0: height 300, width 400.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
        jpeg.extend_from_slice(&[0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x01, 0x90]);
        assert_eq!(jpeg_height(&jpeg), Some(300));
        check(&jpeg).unwrap();
        let error = check(b"GIF89a....").unwrap_err();
        assert_eq!(error.message, "src must be a PNG or JPEG image");
        let map = json!({});
        let f = Fields::new(map.as_object().unwrap(), "", ErrorKind::InvalidInput);
        let error = decode(&f, "src", "https://shop.example/logo.png").unwrap_err();
        assert!(
            error.message.starts_with("src must be the image as base64"),
            "{}",
            error.message
        );
    }

    #[test]
    fn the_spec_limits_are_kept() {
        let error = check(&test_png(400, 100, 0)).unwrap_err();
        assert_eq!(
            error.message,
            "src is 100 pixels high; the API needs at least 167"
        );
        check(&test_png(167, 167, 0)).unwrap();
        let mut big = test_png(500, 500, 0);
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        let error = check(&big).unwrap_err();
        assert!(
            error
                .message
                .contains("more than the API's limit of 2000000"),
            "{}",
            error.message
        );
        big.truncate(MAX_IMAGE_BYTES);
        check(&big).unwrap();
    }

    #[test]
    fn the_id_is_the_hex_sha256_of_the_bytes() {
        assert_eq!(
            content_id(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let a = content_id(&test_png(200, 200, 1));
        assert_eq!(a, content_id(&test_png(200, 200, 1)));
        assert_ne!(a, content_id(&test_png(200, 200, 2)));
        assert_eq!(a.len(), 64);
    }
}
