//! Callback tokens derived from one configured secret, so a plugin need not store a token
//! per order: the token for a reference can always be computed again when its callback comes.

use crate::secret::Secret;
use base64::Engine;
use hmac::Mac;

/// base64url without padding of HMAC-SHA256(key = the secret's UTF-8 bytes, message =
/// "vipps-callback:" + purpose + ":" + reference). `purpose` separates Checkout tokens
/// ("checkout") from eCom `authToken`s ("ecom") for the same reference. Plugins recompute it from
/// the README ("Callback tokens", with a worked example that `tests/callback_token_doc.rs`
/// checks): change neither without the other.
pub fn derive(secret: &Secret, purpose: &str, reference: &str) -> String {
    let mut mac = crate::secret::hmac_sha256(secret.expose().as_bytes());
    mac.update(b"vipps-callback:");
    mac.update(purpose.as_bytes());
    mac.update(b":");
    mac.update(reference.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A random token for callers who configured no secret and gave no token (they must store it).
pub fn random() -> crate::error::Result<String> {
    let bytes: [u8; 32] = crate::secret::random_bytes()?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_reference_purpose_and_secret() {
        let secret = Secret::new("a-callback-secret-of-some-length");
        let a = derive(&secret, "checkout", "order-10001");
        assert_eq!(a, derive(&secret, "checkout", "order-10001"));
        assert_ne!(a, derive(&secret, "checkout", "order-10002"));
        assert_ne!(a, derive(&secret, "ecom", "order-10001"));
        assert_ne!(
            a,
            derive(
                &Secret::new("another-callback-secret-000"),
                "checkout",
                "order-10001"
            )
        );
        assert_eq!(a.len(), 43);
        assert_ne!(random().unwrap(), random().unwrap());
    }
}
