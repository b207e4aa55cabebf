//! `userFlow: QR`: the QR code of a one-time payment (docs/api-notes.md, "User flows").
//!
//! Create answers `redirectUrl` = `GET /sim/qr/{reference}` (the image) for `IMAGE/SVG+XML`
//! (the default) and `IMAGE/PNG` (`size`×`size` pixels, default 1024), or the target URL itself
//! for `TEXT/TARGETURL`. The code encodes the target URL: the simulator's landing page of the
//! payment, standing in for the app that a scan opens. Like the real one-time QR, the image is
//! gone (404) once the payment is no longer `CREATED`.

use crate::pages::html;
use crate::payments::{Api, PaymentState};
use crate::state::Sim;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use qrcode::render::svg;
use qrcode::{Color, QrCode};
use std::sync::Arc;

/// The spec's default PNG size.
pub const DEFAULT_PNG_SIZE: u32 = 1024;
/// Modules of white border on each side (the QR standard's quiet zone).
const QUIET_ZONE: u32 = 4;

/// `qrFormat` of a QR payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QrFormat {
    TargetUrl,
    Svg,
    Png { size: u32 },
}

impl QrFormat {
    /// From the validated `qrFormat` (absent: SVG, the spec's default).
    pub fn from_request(format: Option<&str>, size: Option<i64>) -> QrFormat {
        match format {
            Some("TEXT/TARGETURL") => QrFormat::TargetUrl,
            Some("IMAGE/PNG") => QrFormat::Png {
                size: size
                    .and_then(|s| u32::try_from(s).ok())
                    .unwrap_or(DEFAULT_PNG_SIZE),
            },
            _ => QrFormat::Svg,
        }
    }
}

/// What a scan of the code opens.
pub fn target_url(sim: &Sim, reference: &str) -> String {
    format!(
        "{}/sim/landing/{}",
        sim.base_url,
        html::encode_segment(reference)
    )
}

/// The `redirectUrl` of a new QR payment.
pub fn redirect_url(sim: &Sim, reference: &str, format: &QrFormat) -> String {
    match format {
        QrFormat::TargetUrl => target_url(sim, reference),
        _ => format!(
            "{}/sim/qr/{}",
            sim.base_url,
            html::encode_segment(reference)
        ),
    }
}

/// `GET /sim/qr/{reference}`: the image, while the payment waits for the customer.
pub async fn image(State(sim): State<Arc<Sim>>, Path(reference): Path<String>) -> Response {
    let format = {
        let mut txn = sim.txn();
        let open = txn
            .payment(&reference)
            .is_some_and(|p| p.api == Api::Epayment && p.state == PaymentState::Created);
        let format = txn.store().qr_codes.get(&reference).cloned();
        format.filter(|_| open)
    };
    let Some(format) = format else {
        return html::error_page(
            404,
            "QR code not found",
            &format!("No open QR payment with reference '{reference}'."),
        );
    };
    let target = target_url(&sim, &reference);
    let rendered = match format {
        QrFormat::Png { size } => png_image(&target, size).map(|b| ("image/png", b)),
        _ => svg_image(&target).map(|s| ("image/svg+xml", s.into_bytes())),
    };
    match rendered {
        Some((content_type, bytes)) => {
            let mut resp = Response::new(Body::from(bytes));
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        None => html::error_page(500, "QR code failed", "The QR code could not be drawn."),
    }
}

pub fn svg_image(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .quiet_zone(true)
            .module_dimensions(8, 8)
            .build(),
    )
}

/// A grayscale PNG of exactly `size`×`size` pixels: whole-pixel modules (as large as fit,
/// quiet zone included), centred on white.
pub fn png_image(text: &str, size: u32) -> Option<Vec<u8>> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = u32::try_from(code.width()).ok()?;
    let colors = code.to_colors();
    let total = width + 2 * QUIET_ZONE;
    let scale = (size / total).max(1);
    let size = size.max(total * scale);
    let offset = (size - total * scale) / 2 + QUIET_ZONE * scale;
    let mut pixels = vec![255u8; (size as usize) * (size as usize)];
    for y in 0..width {
        for x in 0..width {
            if colors[(y * width + x) as usize] != Color::Dark {
                continue;
            }
            for dy in 0..scale {
                let row = (offset + y * scale + dy) as usize * size as usize;
                let start = row + (offset + x * scale) as usize;
                pixels[start..start + scale as usize].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, size, size);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_request() {
        assert_eq!(QrFormat::from_request(None, None), QrFormat::Svg);
        assert_eq!(
            QrFormat::from_request(Some("IMAGE/PNG"), None),
            QrFormat::Png { size: 1024 }
        );
        assert_eq!(
            QrFormat::from_request(Some("IMAGE/PNG"), Some(200)),
            QrFormat::Png { size: 200 }
        );
        assert_eq!(
            QrFormat::from_request(Some("TEXT/TARGETURL"), Some(200)),
            QrFormat::TargetUrl
        );
    }

    #[test]
    fn png_has_the_asked_size() {
        let bytes = png_image("http://127.0.0.1:1/sim/landing/order-1", 300).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (300, 300));
    }
}
