//! Small building blocks for the HTML pages: escaping, money formatting, form decoding and the
//! response wrapper with the headers every page carries.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// Pages may be framed by any shop (the Checkout page lives in an iframe), load nothing from
/// elsewhere, and run only the simulator's own scripts. `form-action` is left open because the
/// forms end in a redirect to the shop's `returnUrl`.
const PAGE_CSP: &str = "default-src 'self'; frame-ancestors *; base-uri 'none'";

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path segment (everything but unreserved characters).
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&` are escaped so the
/// data can never close the element.
pub fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Minor units as a human amount, e.g. `(25000, "NOK")` → `250.00 NOK`.
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
}

/// Decodes `application/x-www-form-urlencoded` (also a query string). Malformed escapes are
/// kept literally; a repeated name keeps its first value.
pub fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pair in body.split(|b| *b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        out.entry(decode_component(name))
            .or_insert_with(|| decode_component(value));
    }
    out
}

fn decode_component(raw: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    bytes.push(h * 16 + l);
                    i += 2;
                }
                _ => bytes.push(b'%'),
            },
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// An HTML page with the simulator's page headers.
pub fn page(status: u16, body: String) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// A static asset (script or stylesheet) served from the binary.
pub fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = Response::new(Body::from(body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// `303 See Other` to `location`; a location that is not a valid header value gets a page
/// with a link instead.
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => {
            let mut resp = StatusCode::SEE_OTHER.into_response();
            resp.headers_mut().insert(header::LOCATION, v);
            resp
        }
        Err(_) => page(
            200,
            document(
                "Done",
                "en",
                &format!(
                    "<h1>Done</h1><p><a id=\"return\" href=\"{}\">Return to the shop</a></p>",
                    escape(location)
                ),
            ),
        ),
    }
}

/// A complete HTML document with the shared stylesheet.
pub fn document(title: &str, lang: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"/sim/assets/pages.css\">\n\
         </head>\n<body>\n<main>\n{main}\n</main>\n</body>\n</html>\n",
        lang = escape(lang),
        title = escape(title),
    )
}

/// An error page: a heading and a sentence, e.g. for an unknown token or reference.
pub fn error_page(status: u16, heading: &str, message: &str) -> Response {
    let main = format!(
        "<h1>{}</h1>\n<p id=\"error\" role=\"alert\">{}</p>",
        escape(heading),
        escape(message)
    );
    page(status, document(heading, "en", &main))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(money(25_000, "NOK"), "250.00 NOK");
        assert_eq!(money(5, "DKK"), "0.05 DKK");
        assert_eq!(money(-1234, "EUR"), "-12.34 EUR");
        assert_eq!(money(i64::MIN, "NOK"), "-92233720368547758.08 NOK");
        assert_eq!(encode_segment("ab-1/ø"), "ab-1%2F%C3%B8");
        assert_eq!(
            script_json(&serde_json::json!({"a": "</script>&"})),
            "{\"a\":\"\\u003c/script\\u003e\\u0026\"}"
        );
    }

    #[test]
    fn decodes_forms() {
        let f = parse_form(b"a=1&b=x+y%21&c&a=2&bad=%zz%4&=e&t=%E2%82%AC");
        assert_eq!(f["a"], "1");
        assert_eq!(f["b"], "x y!");
        assert_eq!(f["c"], "");
        assert_eq!(f["bad"], "%zz%4");
        assert_eq!(f[""], "e");
        assert_eq!(f["t"], "€");
        assert!(parse_form(b"").is_empty());
        assert_eq!(parse_form(b"%")["%"], "");
        assert_eq!(parse_form(b"x=%ff")["x"], "\u{fffd}");
    }
}
