//! Idempotency keys: taken from the caller or generated, and then never changed.
//!
//! A retry with a new key is how shops double-capture, so a key is fixed once per call,
//! sent on every attempt, and returned so the caller can store it and reuse it.

use crate::error::{Error, Result};

/// Which header carries the key, and its length limit, per API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyHeader {
    /// ePayment and Checkout: `Idempotency-Key`, at most 50 characters.
    IdempotencyKey,
    /// eCom v2: `X-Request-Id`, at most 40 characters.
    #[allow(dead_code)] // sent once the eCom v2 calls are part of the library
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
        None => Ok(random_uuid()),
    }
}

/// A random (version 4) UUID: 36 characters, within both headers' limits.
pub fn random_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
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

    #[test]
    fn generated_keys_are_unique_uuids() {
        let a = key_or_generate(None, KeyHeader::RequestId).unwrap();
        let b = key_or_generate(None, KeyHeader::RequestId).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
