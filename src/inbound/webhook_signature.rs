//! The Webhooks API signature (vipps-api-notes §4, `request-authentication.md`).
//!
//! `x-ms-content-sha256` = base64(SHA-256(body)); `Authorization: HMAC-SHA256
//! SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>` with `<sig>` =
//! base64(HMAC-SHA256(key = the secret's UTF-8 bytes, msg = METHOD + "\n" + pathAndQuery +
//! "\n" + x-ms-date + ";" + host + ";" + content hash)).

use super::token::same;
use crate::secret::Secret;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::Mac;
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime};

/// The headers of a signed delivery, as received.
pub struct Signed<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// Path plus `?query`, as received.
    pub path_and_query: &'a str,
    /// The one host the signature must cover (see `epayment_webhook::signed_host`), or why
    /// there is none.
    pub host: Result<&'a str, String>,
    /// The `x-ms-date` (or `Date`) header.
    pub date: Option<&'a str>,
    /// The `x-ms-content-sha256` header.
    pub content_hash: Option<&'a str>,
    /// The `Authorization` header (`HMAC-SHA256 SignedHeaders=...&Signature=...`).
    pub authorization: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

/// The `x-ms-content-sha256` of a body: base64 of its SHA-256.
pub fn content_hash(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// The HMAC-SHA256 signature (base64) of a delivery, as ePayment webhooks compute it.
pub fn signature(
    secret: &str,
    method: &str,
    path_and_query: &str,
    date: &str,
    host: &str,
    hash: &str,
) -> String {
    let mut mac = crate::secret::hmac_sha256(secret.as_bytes());
    mac.update(format!("{method}\n{path_and_query}\n{date};{host};{hash}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Verifies a delivery against every configured secret (several during a rotation).
/// `Err` holds the reason for logs; it never contains a secret or a signature.
pub fn verify(
    signed: &Signed,
    secrets: &[Secret],
    now: SystemTime,
    max_age: Duration,
) -> Result<(), String> {
    let hash = content_hash(signed.body);
    let given_hash = signed.content_hash.ok_or("no x-ms-content-sha256 header")?;
    if !same(given_hash.trim(), &hash) {
        return Err("the body does not match x-ms-content-sha256".into());
    }
    let date = signed.date.ok_or("no x-ms-date header")?;
    let sent = httpdate::parse_http_date(date)
        .map_err(|_| "x-ms-date is not an RFC 1123 date".to_owned())?;
    match now.duration_since(sent) {
        Ok(age) if age > max_age => {
            return Err(format!(
                "x-ms-date is {} s old (at most {} s accepted): a stale or replayed delivery",
                age.as_secs(),
                max_age.as_secs()
            ))
        }
        Err(ahead) if ahead.duration() > max_age => {
            return Err(format!(
                "x-ms-date is {} s in the future (at most {} s accepted)",
                ahead.duration().as_secs(),
                max_age.as_secs()
            ))
        }
        _ => {}
    }
    let given = parse_authorization(signed.authorization.ok_or("no Authorization header")?)?;
    if secrets.is_empty() {
        return Err("no webhook_secrets are configured, so no signature can be checked".into());
    }
    let host = signed.host.as_deref().map_err(Clone::clone)?;
    let mut matched = false;
    for secret in secrets {
        let expected = signature(
            secret.expose(),
            signed.method,
            signed.path_and_query,
            date,
            host,
            &hash,
        );
        matched |= same(given, &expected);
    }
    if matched {
        Ok(())
    } else {
        Err("the signature does not match (wrong secret, or the method, path, query, host or date differ from what was signed)".into())
    }
}

/// The `Signature` of `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…`.
fn parse_authorization(value: &str) -> Result<&str, String> {
    let rest = value
        .trim()
        .strip_prefix("HMAC-SHA256 ")
        .ok_or("the Authorization header is not an HMAC-SHA256 signature")?;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.trim().split('&') {
        match part.split_once('=') {
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            // The signature is base64 and may end in '=': only the first '=' separates.
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    if !signed_headers.is_some_and(|h| h.eq_ignore_ascii_case("x-ms-date;host;x-ms-content-sha256"))
    {
        return Err("the Authorization header must sign x-ms-date;host;x-ms-content-sha256".into());
    }
    signature
        .filter(|s| !s.is_empty())
        .ok_or_else(|| "the Authorization header has no Signature".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The official test vector (vipps-api-notes §4, `request-authentication.md`). Its date is
    // not stated next to it; the example `x-ms-date` of the same document,
    // `Thu, 30 Mar 2023 08:38:32 GMT`, reproduces the published signature exactly.
    const SECRET: &str =
        "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
    const PATH: &str = "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63";
    const HOST: &str = "webhook.site";
    const BODY: &[u8] =
        br#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
    const DATE: &str = "Thu, 30 Mar 2023 08:38:32 GMT";
    const HASH: &str = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=";
    const SIGNATURE: &str = "agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";

    fn at(date: &str) -> SystemTime {
        httpdate::parse_http_date(date).unwrap()
    }

    fn authorization(sig: &str) -> String {
        format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={sig}")
    }

    fn check(
        body: &[u8],
        path: &str,
        host: &str,
        date: &str,
        hash: &str,
        secret: &str,
        now: &str,
    ) -> Result<(), String> {
        let auth = authorization(SIGNATURE);
        let signed = Signed {
            method: "POST",
            path_and_query: path,
            host: Ok(host),
            date: Some(date),
            content_hash: Some(hash),
            authorization: Some(&auth),
            body,
        };
        verify(
            &signed,
            &[Secret::new("an-old-rotated-secret"), Secret::new(secret)],
            at(now),
            Duration::from_secs(300),
        )
    }

    #[test]
    fn the_official_test_vector_verifies() {
        assert_eq!(content_hash(BODY), HASH);
        assert_eq!(signature(SECRET, "POST", PATH, DATE, HOST, HASH), SIGNATURE);
        assert_eq!(check(BODY, PATH, HOST, DATE, HASH, SECRET, DATE), Ok(()));
        // Within the allowed clock skew either way.
        let early = "Thu, 30 Mar 2023 08:33:33 GMT";
        let late = "Thu, 30 Mar 2023 08:43:31 GMT";
        assert_eq!(check(BODY, PATH, HOST, DATE, HASH, SECRET, early), Ok(()));
        assert_eq!(check(BODY, PATH, HOST, DATE, HASH, SECRET, late), Ok(()));
    }

    #[test]
    fn changing_any_signed_part_fails() {
        let mut body = BODY.to_vec();
        for i in 0..body.len() {
            body[i] ^= 1;
            let err = check(&body, PATH, HOST, DATE, HASH, SECRET, DATE).unwrap_err();
            assert!(err.contains("x-ms-content-sha256"), "{err}");
            // Even with a hash header that matches the altered body, the signature fails.
            let err =
                check(&body, PATH, HOST, DATE, &content_hash(&body), SECRET, DATE).unwrap_err();
            assert!(err.contains("signature does not match"), "{err}");
            body[i] ^= 1;
        }
        let fail = |r: Result<(), String>| assert!(r.unwrap_err().contains("signature"));
        fail(check(
            BODY,
            "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a64",
            HOST,
            DATE,
            HASH,
            SECRET,
            DATE,
        ));
        fail(check(
            BODY,
            &format!("{PATH}?a=1"),
            HOST,
            DATE,
            HASH,
            SECRET,
            DATE,
        ));
        fail(check(
            BODY,
            PATH,
            "webhook.site:443",
            DATE,
            HASH,
            SECRET,
            DATE,
        ));
        fail(check(BODY, PATH, "evil.example", DATE, HASH, SECRET, DATE));
        let date = "Thu, 30 Mar 2023 08:38:33 GMT";
        fail(check(BODY, PATH, HOST, date, HASH, SECRET, DATE));
        fail(check(BODY, PATH, HOST, DATE, HASH, &SECRET[1..], DATE));
    }

    #[test]
    fn stale_future_and_malformed_headers_are_refused() {
        let stale = "Thu, 30 Mar 2023 08:43:33 GMT";
        let err = check(BODY, PATH, HOST, DATE, HASH, SECRET, stale).unwrap_err();
        assert!(err.contains("301 s old"), "{err}");
        let future = "Thu, 30 Mar 2023 08:33:31 GMT";
        let err = check(BODY, PATH, HOST, DATE, HASH, SECRET, future).unwrap_err();
        assert!(err.contains("in the future"), "{err}");
        let err = check(BODY, PATH, HOST, "yesterday", HASH, SECRET, DATE).unwrap_err();
        assert!(err.contains("RFC 1123"), "{err}");
        for bad in [
            "Bearer abc",
            "HMAC-SHA256 SignedHeaders=host&Signature=abc",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
        let err = verify(
            &Signed {
                method: "POST",
                path_and_query: PATH,
                host: Ok(HOST),
                date: Some(DATE),
                content_hash: Some(HASH),
                authorization: Some(&authorization(SIGNATURE)),
                body: BODY,
            },
            &[],
            at(DATE),
            Duration::from_secs(300),
        )
        .unwrap_err();
        assert!(err.contains("no webhook_secrets"), "{err}");
        assert!(!err.contains(SECRET));
    }
}
