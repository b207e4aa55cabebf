//! The inbound HTTP request as the plugin saw it: method, URL, headers and the raw body.
//!
//! The plugin describes the request in JSON (`request_json`) and passes the body as raw bytes,
//! because signatures are computed over the exact bytes received.

use crate::error::{Error, ErrorKind, Result};
use crate::json::input::Fields;
use crate::secret::Secret;
use serde_json::Value;
use std::borrow::Cow;

/// Bodies larger than this are refused unread: no Vipps callback comes close.
// In the C header as `VIPPS_MAX_BODY` (renamed in cbindgen.toml).
pub const MAX_BODY: usize = 1024 * 1024;

/// The kinds of inbound requests the library understands. Written to JSON as its
/// [`Kind::as_str`] name (`"epayment_webhook"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Checkout's session callback (`callbackUrl`).
    CheckoutCallback,
    /// Checkout's dynamic shipping options callback.
    CheckoutShipping,
    /// An ePayment webhook (signed with HMAC-SHA256).
    EpaymentWebhook,
    /// eCom's payment callback (`/v2/payments/{orderId}`).
    EcomCallback,
    /// eCom express's shipping details callback.
    EcomShippingDetails,
    /// eCom's consent removal (`DELETE /v2/consents/{userId}`).
    EcomConsentRemoval,
    /// ePayment Express: the dynamic shipping callback (`shipping.dynamicOptions.callbackUrl`).
    EpaymentShipping,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 7] = [
        Kind::CheckoutCallback,
        Kind::CheckoutShipping,
        Kind::EpaymentWebhook,
        Kind::EcomCallback,
        Kind::EcomShippingDetails,
        Kind::EcomConsentRemoval,
        Kind::EpaymentShipping,
    ];

    /// The kind's name, as `kind` in request_json and in the event.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CheckoutCallback => "checkout_callback",
            Kind::CheckoutShipping => "checkout_shipping",
            Kind::EpaymentWebhook => "epayment_webhook",
            Kind::EcomCallback => "ecom_callback",
            Kind::EcomShippingDetails => "ecom_shipping_details",
            Kind::EcomConsentRemoval => "ecom_consent_removal",
            Kind::EpaymentShipping => "epayment_shipping",
        }
    }

    /// The kind named by [`Kind::as_str`].
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The API the request belongs to.
    pub fn api(self) -> &'static str {
        match self {
            Kind::CheckoutCallback | Kind::CheckoutShipping => "checkout",
            Kind::EpaymentWebhook | Kind::EpaymentShipping => "epayment",
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
    pub host: Option<&'s str>,
    pub webhook_secrets: Vec<&'s str>,
}

/// The parsed `request_json` plus the body. Its `Debug` output names the headers but hides
/// their values and the expected token (they carry tokens and signatures).
pub struct InboundRequest<'a> {
    /// The HTTP method, upper-case.
    pub method: String,
    /// Path plus `?query`, exactly as received (what a webhook signature covers).
    pub path_and_query: String,
    /// The path alone, without the query.
    pub path: String,
    /// The authority of an absolute URL, when the plugin gave one.
    pub url_authority: Option<String>,
    /// The host the plugin registered its webhook for (`host` in request_json): when given,
    /// the only host a webhook signature is checked against.
    pub pinned_host: Option<String>,
    /// Header names lower-cased; repeated headers keep every value in order.
    headers: Vec<(Cow<'a, str>, &'a str)>,
    /// The kind the plugin says the request is (`kind`), else it is recognized.
    pub kind_hint: Option<Kind>,
    /// The token the plugin expects (`expected_token`), else it is derived.
    pub expected_token: Option<String>,
    /// The reference the plugin expects the request to be about.
    pub reference: Option<String>,
    /// Secrets given with this request (`webhook_secrets`), tried besides the client's: a plugin
    /// that just registered its webhook need not make a second client to verify its deliveries.
    pub webhook_secrets: Vec<Secret>,
    /// The raw body, as received.
    pub body: &'a [u8],
}

impl<'a> InboundRequest<'a> {
    /// Reads `request_json`. Type mistakes are `invalid_input` errors: they are bugs in the
    /// plugin, not something a caller on the internet controls.
    pub fn parse(request: &'a Value, body: &'a [u8]) -> Result<InboundRequest<'a>> {
        let map = crate::json::input::request_map(request)?;
        let f = Fields::new(map, "", ErrorKind::InvalidInput);
        let parts = Parts {
            method: f.opt_str("method")?,
            url: f.opt_str("url")?,
            headers: read_headers(&f)?,
            kind: f.opt_str("kind")?,
            expected_token: f.opt_str("expected_token")?,
            reference: f.opt_str("reference")?,
            host: f.opt_str("host")?,
            webhook_secrets: read_secrets(&f)?,
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
        // A token belongs to one order: without the order named, a token for A would verify a
        // body naming B (issue 15, defect 12).
        if parts.expected_token.is_some() && !parts.reference.is_some_and(|r| !r.is_empty()) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "expected_token needs reference: pass the reference (orderId) the token was made for, so a body naming another order is refused",
            ));
        }
        if let Some(host) = parts.host {
            check_host(host).map_err(|message| field_error("host", message))?;
        }
        if parts.webhook_secrets.iter().any(|s| s.is_empty()) {
            return Err(field_error(
                "webhook_secrets",
                "must hold non-empty strings (the secrets of your webhook registrations)".into(),
            ));
        }
        Ok(InboundRequest {
            method,
            path_and_query,
            path,
            url_authority,
            pinned_host: parts.host.map(str::to_owned),
            headers: parts.headers,
            kind_hint,
            expected_token: parts.expected_token.map(str::to_owned),
            reference: parts.reference.map(str::to_owned),
            webhook_secrets: parts.webhook_secrets.into_iter().map(Secret::new).collect(),
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

    /// Every value of header `name` (any case), in the order received.
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

    /// The value of a query parameter that names one thing (the `reference` of a shipping
    /// callback): `Ok(None)` when absent, `Err` when it is repeated or cannot be decoded, since
    /// the plugin's framework may read another copy than the library would (PHP keeps the
    /// last, most others the first).
    pub fn unique_query_param(&self, name: &str) -> std::result::Result<Option<String>, String> {
        let Some((_, query)) = self.path_and_query.split_once('?') else {
            return Ok(None);
        };
        let mut found = None;
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if percent_decode(k).as_deref() != Some(name) {
                continue;
            }
            let value = percent_decode(v).ok_or_else(|| {
                format!(
                    "the query parameter {name} cannot be decoded (a bad % escape, or not UTF-8)"
                )
            })?;
            if found.replace(value).is_some() {
                return Err(format!(
                    "the query parameter {name} is given more than once"
                ));
            }
        }
        Ok(found)
    }

    /// The id in an eCom path `…/v2/{resource}/{id}` (`…/v2/{resource}/{id}/{suffix}` with a
    /// suffix), decoded. `Ok(None)` when the path has no `/v2/{resource}/`; `Err` when the path
    /// cannot be decoded, is ambiguous, or is not exactly that shape (Vipps sends nothing
    /// after it), so a URL never names an order other than the one checked.
    pub fn ecom_path_id(
        &self,
        resource: &str,
        suffix: Option<&str>,
    ) -> std::result::Result<Option<String>, String> {
        let Some(mut ids) = self.ecom_path_ids(resource)? else {
            return Ok(None);
        };
        let shape_ok = match suffix {
            None => ids.len() == 1,
            Some(suffix) => ids.len() == 2 && ids.get(1).is_some_and(|s| s == suffix),
        };
        if !shape_ok || ids.first().map_or(true, String::is_empty) {
            let id = if resource == "consents" {
                "userId"
            } else {
                "orderId"
            };
            let suffix = suffix.map(|s| format!("/{s}")).unwrap_or_default();
            return Err(format!(
                "the URL path must end in /v2/{resource}/{{{id}}}{suffix}"
            ));
        }
        Ok(Some(ids.swap_remove(0)))
    }

    /// The decoded path segments after the eCom marker `/v2/{resource}/` (`payments` or
    /// `consents`): the `{orderId}` of `…/v2/payments/{orderId}`, the `{userId}` of
    /// `…/v2/consents/{userId}`. `Ok(None)` when the path has no such marker.
    ///
    /// Fails closed (issue 15, defect 6): `Err` when any segment of the path cannot be decoded
    /// (a bad `%` escape, bytes that are not UTF-8), or when the path is ambiguous (the marker
    /// more than once, or hidden inside an escaped segment such as `x%2Fv2%2Fpayments%2FB`).
    /// The marker is found in the decoded segments and compared without regard to case, so
    /// `/v2/%70ayments/B` and `/V2/Payments/B` name order B as a decoding router would.
    fn ecom_path_ids(&self, resource: &str) -> std::result::Result<Option<Vec<String>>, String> {
        let raw = self.path.strip_prefix('/').unwrap_or(&self.path);
        let segments: Vec<String> = raw
            .split('/')
            .map(percent_decode_path)
            .collect::<Option<_>>()
            .ok_or(
                "the URL path cannot be decoded (a bad % escape, or bytes that are not UTF-8)",
            )?;
        let marker = format!("/v2/{resource}/");
        let joined = format!("/{}/", segments.join("/")).to_ascii_lowercase();
        let mentioned = joined.matches(&marker).count();
        let at: Vec<usize> = (0..segments.len().saturating_sub(1))
            .filter(|&i| {
                segments
                    .get(i)
                    .is_some_and(|s| s.eq_ignore_ascii_case("v2"))
                    && segments
                        .get(i + 1)
                        .is_some_and(|s| s.eq_ignore_ascii_case(resource))
            })
            .collect();
        match (mentioned, at.as_slice()) {
            (0, _) => Ok(None),
            (1, [i]) => Ok(Some(
                segments.get(i + 2..).map(<[String]>::to_vec).unwrap_or_default(),
            )),
            _ => Err(format!(
                "the URL path is ambiguous: it names /v2/{resource}/ more than once, or inside an escaped segment"
            )),
        }
    }
}

/// `webhook_secrets` of `request_json`: an array of strings (absent: none).
fn read_secrets<'s>(f: &Fields<'s>) -> Result<Vec<&'s str>> {
    f.opt_array("webhook_secrets")?
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, secret)| {
            secret
                .as_str()
                .ok_or_else(|| f.error(&format!("webhook_secrets[{i}]"), "must be a string"))
        })
        .collect()
}

impl std::fmt::Debug for InboundRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("url_authority", &self.url_authority)
            .field("pinned_host", &self.pinned_host)
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

/// A pinned `host`: `name` or `name:port` as in a `Host` header, nothing more (no scheme, path,
/// user or spaces), so a URL pasted by mistake is refused rather than never matching.
fn check_host(host: &str) -> std::result::Result<(), String> {
    let plausible = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    if plausible {
        Ok(())
    } else {
        Err("must be the host the webhook was registered for, such as \"shop.example\" or \"shop.example:8443\" (no scheme or path)".into())
    }
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
                        crate::json::input::type_name(other)
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

/// Decodes `%XX` escapes and `+` (as a space, the form encoding of a query). `None` for bad
/// escapes or a result that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    decode(text, true)
}

/// Decodes a path segment: `%XX` escapes only (`+` is itself in a path: a base64 userId
/// keeps it). `None` for bad escapes or a result that is not UTF-8.
pub fn percent_decode_path(text: &str) -> Option<String> {
    decode(text, false)
}

fn decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => {
                // Two hex digits exactly: `from_str_radix` alone would take "%+f" too.
                let hex = text.get(i + 1..i + 3)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
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
            r.ecom_path_id("payments", None),
            Ok(Some("order-1".to_owned()))
        );
        let bare = json!({"url": "https://h.example"});
        let r = InboundRequest::parse(&bare, b"").unwrap();
        assert_eq!(r.path_and_query, "/");
        let secret = json!({"url": "/cb?callback_token=SECRET-1", "headers": {"Authorization": "SECRET-2"}, "expected_token": "SECRET-3", "reference": "order-1"});
        let debug = format!("{:?}", InboundRequest::parse(&secret, b"").unwrap());
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("authorization"), "{debug}");
    }

    #[test]
    fn escapes_decode_strictly() {
        assert_eq!(percent_decode("a%2Bb+c").as_deref(), Some("a+b c"));
        assert_eq!(percent_decode_path("a%2Bb+c").as_deref(), Some("a+b+c"));
        for bad in ["%zz", "x%", "%4", "%+f", "%-1", "%C3%28", "%e2%82"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
            assert_eq!(percent_decode_path(bad), None, "{bad}");
        }
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
