//! The shared-token check of Checkout and eCom callbacks: the `Authorization` header must carry
//! the token the merchant gave when creating the payment (`callbackAuthorizationToken`,
//! `authToken`), compared in constant time.

use super::request::InboundRequest;
use subtle::ConstantTimeEq;

/// The query parameter accepted instead of the `Authorization` header, for hosts that strip
/// that header before the application sees it. Put it in the callback URL yourself
/// (`https://shop.example/vipps/callback?callback_token=<token>`): Vipps only sends the header.
pub const QUERY_PARAM: &str = "callback_token";

/// Equal in constant time for equal lengths (the length of a token is not a secret).
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Checks the presented token. `Err` holds the reason, for logs: it never contains a token.
pub fn check(request: &InboundRequest, expected: Option<&str>, whose: &str) -> Result<(), String> {
    let expected = expected.filter(|t| !t.is_empty()).ok_or_else(|| {
        format!("no token to compare with for {whose}: pass expected_token, or configure callback_secret so it can be derived")
    })?;
    let mut presented: Vec<String> = request
        .header_values("authorization")
        .map(|v| strip_bearer(v.trim()).to_owned())
        .collect();
    presented.extend(request.query_param(QUERY_PARAM));
    if presented.is_empty() {
        return Err(format!(
            "no Authorization header and no {QUERY_PARAM} query parameter"
        ));
    }
    // Every candidate is compared, so the time taken does not say which one was close.
    let matched = presented
        .iter()
        .fold(false, |acc, token| acc | same(token, expected));
    if matched {
        Ok(())
    } else {
        Err(format!(
            "the token does not match the one expected for {whose}"
        ))
    }
}

/// The Checkout callback token is sent raw; a `Bearer ` prefix (added by some proxies and
/// test tools) is tolerated.
pub(super) fn strip_bearer(value: &str) -> &str {
    match value.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => value[7..].trim_start(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(headers: serde_json::Value, url: &str) -> serde_json::Value {
        json!({"url": url, "headers": headers})
    }

    #[test]
    fn header_bearer_prefix_and_query_parameter_are_accepted() {
        for (headers, url) in [
            (json!({"Authorization": "tok-123"}), "/cb"),
            (json!({"authorization": "Bearer tok-123"}), "/cb"),
            (json!({}), "/cb?x=1&callback_token=tok-123"),
            (
                json!({"Authorization": "stripped-by-proxy"}),
                "/cb?callback_token=tok-123",
            ),
        ] {
            let value = request(headers.clone(), url);
            let r = InboundRequest::parse(&value, b"").unwrap();
            assert_eq!(
                check(&r, Some("tok-123"), "order-1"),
                Ok(()),
                "{headers} {url}"
            );
        }
    }

    #[test]
    fn wrong_missing_or_unknown_tokens_are_refused_without_echoing_them() {
        let value = request(json!({"Authorization": "tok-124"}), "/cb?token=tok-123");
        let r = InboundRequest::parse(&value, b"").unwrap();
        let reason = check(&r, Some("tok-123"), "order-1").unwrap_err();
        assert!(!reason.contains("tok-12"), "{reason}");
        let value = request(json!({}), "/cb");
        let r = InboundRequest::parse(&value, b"").unwrap();
        assert!(check(&r, Some("tok-123"), "x")
            .unwrap_err()
            .contains("no Authorization"));
        let value = request(json!({"Authorization": ""}), "/cb");
        let r = InboundRequest::parse(&value, b"").unwrap();
        assert!(check(&r, Some(""), "x").is_err());
        assert!(check(&r, None, "x").unwrap_err().contains("expected_token"));
    }
}
