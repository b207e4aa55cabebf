//! Idempotency keys: taken from the caller or generated, and then never changed.
//!
//! A retry with a new key is how shops double-capture, so a key is fixed once per call,
//! sent on every attempt, and returned so the caller can store it and reuse it.

use crate::error::{Error, ErrorKind, Result};
use crate::json::input::Fields;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Which header carries the key, and its length limit, per API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyHeader {
    /// ePayment and Checkout: `Idempotency-Key`, at most 50 characters.
    IdempotencyKey,
    /// eCom v2: `X-Request-Id`, at most 40 characters.
    RequestId,
}

impl KeyHeader {
    pub fn name(self) -> &'static str {
        match self {
            KeyHeader::IdempotencyKey => "Idempotency-Key",
            KeyHeader::RequestId => "X-Request-Id",
        }
    }

    pub fn max_len(self) -> usize {
        match self {
            KeyHeader::IdempotencyKey => 50,
            KeyHeader::RequestId => 40,
        }
    }
}

/// The caller's key after checking it, or a fresh random one.
pub fn key_or_generate(given: Option<&str>, header: KeyHeader) -> Result<String> {
    match given {
        Some(key) => {
            if key.is_empty() || key.len() > header.max_len() {
                return Err(Error::invalid_input(format!(
                    "idempotency_key must be 1 to {} characters for the {} header, got {}",
                    header.max_len(),
                    header.name(),
                    key.len()
                )));
            }
            if !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::invalid_input(
                    "idempotency_key must be printable ASCII without spaces",
                ));
            }
            Ok(key.to_owned())
        }
        None => random_uuid(),
    }
}

/// The money operations a derived key can be for. Each names one kind of request, so a key
/// for a capture can never be replayed as a refund.
const OPERATIONS: &[&str] = &[
    "create", "session", "initiate", "capture", "refund", "cancel",
];

/// A stable key from (reference, operation, attempt), within the API's header limit:
/// `{"reference", "operation", "attempt"?: 1.., "api"?: "epayment" | "ecom"}` → `{"idempotency_key"}`.
///
/// `operation-attempt-reference` when it fits (readable in the API's logs), else
/// `operation-attempt~` and the start of the reference's SHA-256 in hex: the `~` cannot
/// occur in a reference, so the two forms never collide. The same inputs give the same key
/// in every process and every binding, so a plugin stores (reference, operation, attempt)
/// before the call, and a retry after a crash sends the same key. `attempt` counts
/// deliberate repeats (the second partial capture of an order is attempt 2).
pub fn derive_key(request: &Value) -> Result<Value> {
    let map = crate::json::input::request_map(request)?;
    let f = Fields::new(map, "", ErrorKind::InvalidInput);
    let reference = f.req_str("reference")?;
    f.check_len(
        "reference",
        reference,
        1,
        crate::model::reference::LONGEST_REFERENCE,
    )?;
    if !reference.bytes().all(|b| b.is_ascii_graphic() && b != b'~') {
        return Err(f.error("reference", "must be printable ASCII without spaces or '~'"));
    }
    let operation = f.check_enum("operation", OPERATIONS)?.ok_or_else(|| {
        f.error(
            "operation",
            format!("is required: one of {}", OPERATIONS.join(", ")),
        )
    })?;
    let attempt = f.opt_u64("attempt")?.unwrap_or(1);
    if !(1..=999_999).contains(&attempt) {
        return Err(f.error("attempt", format!("must be 1 to 999999, got {attempt}")));
    }
    let header = match f.check_enum("api", &["epayment", "ecom"])? {
        Some("ecom") => KeyHeader::RequestId,
        _ => KeyHeader::IdempotencyKey,
    };
    let readable = format!("{operation}-{attempt}-{reference}");
    let key = if readable.len() <= header.max_len() {
        readable
    } else {
        let prefix = format!("{operation}-{attempt}~");
        let hash: String = Sha256::digest(reference.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let room = header.max_len() - prefix.len();
        format!("{prefix}{}", hash.get(..room).unwrap_or(&hash))
    };
    Ok(json!({ "idempotency_key": key }))
}

/// A random (version 4) UUID: 36 characters, within both headers' limits.
pub fn random_uuid() -> Result<String> {
    let mut b: [u8; 16] = crate::secret::random_bytes()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_keys_are_kept_and_checked() {
        assert_eq!(
            key_or_generate(Some("capture-1001-1"), KeyHeader::IdempotencyKey).unwrap(),
            "capture-1001-1"
        );
        assert!(key_or_generate(Some(&"k".repeat(51)), KeyHeader::IdempotencyKey).is_err());
        assert!(key_or_generate(Some(&"k".repeat(41)), KeyHeader::RequestId).is_err());
        assert!(key_or_generate(Some("has space"), KeyHeader::IdempotencyKey).is_err());
        assert!(key_or_generate(Some(""), KeyHeader::IdempotencyKey).is_err());
    }

    fn derived(request: Value) -> String {
        derive_key(&request).unwrap()["idempotency_key"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn derived_keys_are_stable_readable_and_within_each_limit() {
        let request = json!({"reference": "acme-order-1001", "operation": "capture"});
        assert_eq!(derived(request.clone()), "capture-1-acme-order-1001");
        assert_eq!(derived(request.clone()), derived(request));
        assert_eq!(
            derived(json!({"reference": "acme-order-1001", "operation": "capture", "attempt": 2})),
            "capture-2-acme-order-1001"
        );
        let long = "acme-".repeat(12) + "1001"; // 64 characters
        for (api, limit) in [("epayment", 50), ("ecom", 40)] {
            let key = derived(json!({"reference": long, "operation": "refund", "api": api}));
            assert_eq!(key.len(), limit, "{key}");
            assert!(key.starts_with("refund-1~"), "{key}");
            assert!(key_or_generate(
                Some(&key),
                if api == "ecom" {
                    KeyHeader::RequestId
                } else {
                    KeyHeader::IdempotencyKey
                }
            )
            .is_ok());
        }
        let other = "acme-".repeat(12) + "1002";
        assert_ne!(
            derived(json!({"reference": long, "operation": "refund"})),
            derived(json!({"reference": other, "operation": "refund"}))
        );
        assert_ne!(
            derived(json!({"reference": "acme-order-1001", "operation": "refund"})),
            derived(json!({"reference": "acme-order-1001", "operation": "capture"}))
        );
    }

    #[test]
    fn derived_keys_refuse_bad_input() {
        for request in [
            json!({"operation": "capture"}),
            json!({"reference": "acme-order-1001"}),
            json!({"reference": "acme-order-1001", "operation": "steal"}),
            json!({"reference": "has space", "operation": "capture"}),
            json!({"reference": "a~b", "operation": "capture"}),
            json!({"reference": "acme-order-1001", "operation": "capture", "attempt": 0}),
            json!({"reference": "acme-order-1001", "operation": "capture", "api": "checkout"}),
            json!("not an object"),
        ] {
            let error = derive_key(&request).unwrap_err();
            assert_eq!(error.kind, ErrorKind::InvalidInput, "{request}");
        }
    }

    #[test]
    fn generated_keys_are_unique_uuids() {
        let a = key_or_generate(None, KeyHeader::RequestId).unwrap();
        let b = key_or_generate(None, KeyHeader::RequestId).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
