//! The inbound HTTP request as the plugin saw it: method, URL, headers and the raw body.
//!
//! The plugin describes the request in JSON (`request_json`) and passes the body as raw bytes,
//! because signatures are computed over the exact bytes received.

use crate::error::{Error, ErrorKind, Result};
use crate::input::Fields;
use serde_json::Value;
use std::borrow::Cow;

/// Bodies larger than this are refused unread: no Vipps callback comes close.
pub const MAX_BODY: usize = 1024 * 1024;

/// The kinds of inbound requests the library understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    CheckoutCallback,
    CheckoutShipping,
    EpaymentWebhook,
    EcomCallback,
    EcomShippingDetails,
    EcomConsentRemoval,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::CheckoutCallback,
        Kind::CheckoutShipping,
        Kind::EpaymentWebhook,
        Kind::EcomCallback,
        Kind::EcomShippingDetails,
        Kind::EcomConsentRemoval,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CheckoutCallback => "checkout_callback",
            Kind::CheckoutShipping => "checkout_shipping",
            Kind::EpaymentWebhook => "epayment_webhook",
            Kind::EcomCallback => "ecom_callback",
            Kind::EcomShippingDetails => "ecom_shipping_details",
            Kind::EcomConsentRemoval => "ecom_consent_removal",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The API the request belongs to.
    pub fn api(self) -> &'static str {
        match self {
            Kind::CheckoutCallback | Kind::CheckoutShipping => "checkout",
            Kind::EpaymentWebhook => "epayment",
            Kind::EcomCallback | Kind::EcomShippingDetails | Kind::EcomConsentRemoval => "ecom",
        }
    }
}

/// The fields of `request_json`, read but not yet checked. `headers` holds (lower-cased
/// name, value) in the order of the JSON object's keys as a `Value` sorts them.
pub(crate) struct Parts<'s> {
    pub method: Option<&'s str>,
    pub url: Option<&'s str>,
    pub headers: Vec<(Cow<'s, str>, &'s str)>,
    pub kind: Option<&'s str>,
    pub expected_token: Option<&'s str>,
    pub reference: Option<&'s str>,
}

/// The parsed `request_json` plus the body. Its `Debug` output names the headers but hides
/// their values and the expected token (they carry tokens and signatures).
pub struct InboundRequest<'a> {
    pub method: String,
    /// Path plus `?query`, exactly as received (what a webhook signature covers).
    pub path_and_query: String,
    /// The path alone, without the query.
    pub path: String,
    /// The authority of an absolute URL, when the plugin gave one.
    pub url_authority: Option<String>,
    /// Header names lower-cased; repeated headers keep every value in order.
    headers: Vec<(Cow<'a, str>, &'a str)>,
    pub kind_hint: Option<Kind>,
    pub expected_token: Option<String>,
    pub reference: Option<String>,
    pub body: &'a [u8],
}

impl<'a> InboundRequest<'a> {
    /// Reads `request_json`. Type mistakes are `invalid_input` errors: they are bugs in the
    /// plugin, not something a caller on the internet controls.
    pub fn parse(request: &'a Value, body: &'a [u8]) -> Result<InboundRequest<'a>> {
        let map = crate::call::request_map(request)?;
        let f = Fields::new(map, "", ErrorKind::InvalidInput);
        let parts = Parts {
            method: f.opt_str("method")?,
            url: f.opt_str("url")?,
            headers: read_headers(&f)?,
            kind: f.opt_str("kind")?,
            expected_token: f.opt_str("expected_token")?,
            reference: f.opt_str("reference")?,
        };
        InboundRequest::from_parts(parts, body)
    }

    /// Checks and completes what either reader ([`InboundRequest::parse`], or
    /// `request_text::read`) found, so both accept and refuse the same requests.
    pub(crate) fn from_parts(parts: Parts<'a>, body: &'a [u8]) -> Result<InboundRequest<'a>> {
        let field_error = |name: &str, message: String| {
            Error::new(ErrorKind::InvalidInput, format!("{name} {message}"))
        };
        let method = parts.method.unwrap_or("POST").to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(field_error(
                "method",
                "must be an HTTP method such as \"POST\"".into(),
            ));
        }
        let url = parts
            .url
            .ok_or_else(|| field_error("url", "is required".into()))?;
        let (url_authority, path_and_query) = split_url(url).ok_or_else(|| {
            field_error("url", "must be a path starting with \"/\" (with its query as received) or an absolute http(s) URL".into())
        })?;
        let path = path_and_query
            .split_once('?')
            .map_or(path_and_query.as_str(), |(p, _)| p)
            .to_owned();
        let kind_hint = match parts.kind {
            None => None,
            Some(name) => Some(Kind::parse(name).ok_or_else(|| {
                field_error(
                    "kind",
                    format!(
                        "must be one of {}, got {name:?}",
                        Kind::ALL.map(Kind::as_str).join(", ")
                    ),
                )
            })?),
        };
        Ok(InboundRequest {
            method,
            path_and_query,
            path,
            url_authority,
            headers: parts.headers,
            kind_hint,
            expected_token: parts.expected_token.map(str::to_owned),
            reference: parts.reference.map(str::to_owned),
            body,
        })
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        // Stored names are lower-case already; comparing without a lower-cased copy of
        // `name` saves an allocation per lookup on the webhook path.
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// A query parameter's value (percent-decoded), the first if repeated.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let (_, query) = self.path_and_query.split_once('?')?;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k)? == name).then(|| percent_decode(v))?
        })
    }

    /// The path's segments after `marker` (e.g. `/v2/payments/`), percent-decoded.
    pub fn segments_after(&self, marker: &str) -> Option<Vec<String>> {
        let at = self.path.rfind(marker)?;
        self.path[at + marker.len()..]
            .split('/')
            .map(percent_decode)
            .collect()
    }

    /// The first segment after `marker`, when there is one and it is not empty (the orderId of
    /// `…/v2/payments/{orderId}/…`, the userId of `…/v2/consents/{userId}`).
    pub fn segment_after(&self, marker: &str) -> Option<String> {
        self.segments_after(marker)?
            .into_iter()
            .next()
            .filter(|s| !s.is_empty())
    }
}

impl std::fmt::Debug for InboundRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("url_authority", &self.url_authority)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("kind_hint", &self.kind_hint)
            .field("reference", &self.reference)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Splits an absolute URL into (authority, path and query), or takes a path as it is.
fn split_url(url: &str) -> Option<(Option<String>, String)> {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    if url.starts_with('/') {
        return Some((None, url.to_owned()));
    }
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.is_empty() {
        return None;
    }
    let tail = &rest[end..];
    let path_and_query = if tail.starts_with('/') {
        tail.to_owned()
    } else {
        format!("/{tail}")
    };
    Some((Some(authority.to_owned()), path_and_query))
}

fn read_headers<'a>(f: &Fields<'a>) -> Result<Vec<(Cow<'a, str>, &'a str)>> {
    let Some(headers) = f.opt_object("headers")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(headers.len());
    for (name, value) in headers.entries() {
        match value {
            Value::String(s) => out.push((lower_case(name), s.as_str())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let s = item.as_str().ok_or_else(|| {
                        headers.error(&format!("{name}[{i}]"), "must be a string")
                    })?;
                    out.push((lower_case(name), s));
                }
            }
            other => {
                return Err(headers.error(
                    name,
                    format!(
                        "must be a string or an array of strings, got {}",
                        crate::input::type_name(other)
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// A header name in lower case, copied only when it is not already (Node and most servers
/// hand names over lower-cased).
pub(crate) fn lower_case(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Decodes `%XX` escapes and `+` (as a space, the form encoding). `None` for bad escapes
/// or a result that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn urls_headers_and_query_are_read() {
        let request = json!({
            "method": "post",
            "url": "https://shop.example:8443/cb/v2/payments/order-1?callback_token=a%2Bb&x=1#frag",
            "headers": {"Authorization": "tok", "X-Many": ["a", "b"]},
        });
        let r = InboundRequest::parse(&request, b"").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url_authority.as_deref(), Some("shop.example:8443"));
        assert_eq!(
            r.path_and_query,
            "/cb/v2/payments/order-1?callback_token=a%2Bb&x=1"
        );
        assert_eq!(r.path, "/cb/v2/payments/order-1");
        assert_eq!(r.header("authorization"), Some("tok"));
        assert_eq!(r.header_values("x-many").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(r.query_param("callback_token").as_deref(), Some("a+b"));
        assert_eq!(r.query_param("missing"), None);
        assert_eq!(
            r.segments_after("/v2/payments/"),
            Some(vec!["order-1".to_owned()])
        );
        let bare = json!({"url": "https://h.example"});
        let r = InboundRequest::parse(&bare, b"").unwrap();
        assert_eq!(r.path_and_query, "/");
        let secret = json!({"url": "/cb?callback_token=SECRET-1", "headers": {"Authorization": "SECRET-2"}, "expected_token": "SECRET-3"});
        let debug = format!("{:?}", InboundRequest::parse(&secret, b"").unwrap());
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("authorization"), "{debug}");
    }

    #[test]
    fn mistakes_in_request_json_are_named() {
        for (request, expected) in [
            (json!({}), "url is required"),
            (json!({"url": "shop/cb"}), "url must be a path"),
            (json!({"url": "ftp://h/x"}), "url must be a path"),
            (
                json!({"url": "/x", "headers": {"A": 1}}),
                "headers.A must be",
            ),
            (json!({"url": "/x", "kind": "nope"}), "kind must be one of"),
            (json!({"url": "/x", "method": "P OST"}), "method must be"),
        ] {
            let err = InboundRequest::parse(&request, b"").unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput);
            assert!(err.message.contains(expected), "{}", err.message);
        }
    }
}
