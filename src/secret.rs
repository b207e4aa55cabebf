//! A string that never shows itself in `Debug` or `Display`.

use hmac::digest::KeyInit;
use hmac::Hmac;
use sha2::{Digest, Sha256};
use std::fmt;

/// Holds a credential (client secret, subscription key, token, webhook secret).
/// Reading it needs an explicit `expose()`, so a secret cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secret(String);

impl Secret {
    /// Holds `value` as a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret's text: call only where it is sent or compared, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// `N` bytes from the operating system's random source. Its failure (no `getrandom`, no
/// `/dev/urandom` in a sandbox) is an error of the call, not a panic.
pub(crate) fn random_bytes<const N: usize>() -> crate::error::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        crate::error::Error::internal(format!("the operating system's random source failed: {e}"))
    })?;
    Ok(bytes)
}

/// An HMAC-SHA256 keyed with `key`, made without a fallible constructor.
///
/// `Hmac::new_from_slice` returns a `Result` although HMAC (RFC 2104) takes keys of any length:
/// it hashes a key longer than the 64-byte block and pads a shorter one with zeros. Doing that
/// here gives a block-sized key, for which `KeyInit::new` cannot fail; the MAC is the same
/// (the tests compare it with `new_from_slice` for keys around the block size).
pub(crate) fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    let mut block = hmac::digest::Key::<Hmac<Sha256>>::default();
    let hashed;
    let key = if key.len() > block.len() {
        hashed = Sha256::digest(key);
        hashed.as_slice()
    } else {
        key
    };
    for (slot, byte) in block.iter_mut().zip(key) {
        *slot = *byte;
    }
    <Hmac<Sha256> as KeyInit>::new(&block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hmac_equals_the_one_from_a_slice_for_every_key_length() {
        use hmac::Mac;
        for len in [0, 1, 31, 32, 63, 64, 65, 100, 200] {
            let key: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut ours = hmac_sha256(&key);
            let mut theirs = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
            ours.update(b"message");
            theirs.update(b"message");
            assert_eq!(
                ours.finalize().into_bytes(),
                theirs.finalize().into_bytes(),
                "key length {len}"
            );
        }
    }

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("hunter2-very-secret");
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert!(!format!("{secret}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }
}
