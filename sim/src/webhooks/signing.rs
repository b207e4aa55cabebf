//! The Webhooks API request signature (vipps-api-notes §4, `request-authentication.md`).
//!
//! `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`
//! where `<sig>` = base64(HMAC-SHA256(secret as UTF-8 bytes,
//! `"POST\n" + pathAndQuery + "\n" + date + ";" + host + ";" + contentHash`)) and
//! `contentHash` = base64(SHA-256(body)).

use crate::outbound::url;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// base64(SHA-256(body)), the `x-ms-content-sha256` header.
pub fn content_hash(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// The `Signature` value. The secret is used as its UTF-8 bytes, never base64-decoded.
pub fn signature(
    secret: &str,
    path_and_query: &str,
    date: &str,
    host: &str,
    content_hash: &str,
) -> String {
    let message = format!("POST\n{path_and_query}\n{date};{host};{content_hash}");
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

pub fn authorization_header(signature: &str) -> String {
    format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}")
}

/// The signed headers of one delivery.
#[derive(Debug, PartialEq)]
pub struct SignedHeaders {
    pub host: String,
    pub date: String,
    pub content_hash: String,
    pub authorization: String,
}

/// Signs a POST of `body` to `target_url` at `date` (RFC 1123). `None` for a non-http(s) URL.
pub fn sign_request(
    secret: &str,
    target_url: &str,
    date: &str,
    body: &[u8],
) -> Option<SignedHeaders> {
    let parts = url::split(target_url)?;
    let hash = content_hash(body);
    let sig = signature(secret, &parts.path_and_query, date, parts.authority, &hash);
    Some(SignedHeaders {
        host: parts.authority.to_string(),
        date: date.to_string(),
        content_hash: hash,
        authorization: authorization_header(&sig),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The official test vector from `request-authentication.md`. The notes do not give its
    // date; `Thu, 30 Mar 2023 08:38:32 GMT` (the date shown in the same document's header
    // example) reproduces the published signature exactly.
    const SECRET: &str =
        "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
    const URL: &str = "https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63";
    const BODY: &str =
        r#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
    const DATE: &str = "Thu, 30 Mar 2023 08:38:32 GMT";

    #[test]
    fn official_test_vector_content_hash() {
        assert_eq!(
            content_hash(BODY.as_bytes()),
            "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4="
        );
    }

    #[test]
    fn official_test_vector_signature() {
        let signed = sign_request(SECRET, URL, DATE, BODY.as_bytes()).unwrap();
        assert_eq!(signed.host, "webhook.site");
        assert_eq!(
            signed.authorization,
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256\
             &Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U="
        );
    }

    #[test]
    fn any_change_to_a_signed_part_changes_the_signature() {
        let base = signature(SECRET, "/p", DATE, "h", "c");
        assert_ne!(base, signature(SECRET, "/q", DATE, "h", "c"));
        assert_ne!(base, signature(SECRET, "/p", DATE, "h2", "c"));
        assert_ne!(base, signature("other", "/p", DATE, "h", "c"));
    }
}
