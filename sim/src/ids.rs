//! Seeded id generation (splitmix64), so a given seed gives reproducible ids.
//!
//! A counter is mixed with the seed; the generator is lock-free and cheap to call from any thread.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Ids {
    seed: u64,
    counter: AtomicU64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn splitmix64(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Ids {
    pub fn new(seed: u64) -> Self {
        Ids {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    /// Starts the sequence again, so ids after a reset repeat those of a fresh instance.
    pub fn reset(&self) {
        self.counter.store(0, Ordering::Relaxed);
    }

    pub fn next_u64(&self) -> u64 {
        let n = self.counter.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        splitmix64(self.seed.wrapping_add(n.wrapping_mul(GOLDEN_GAMMA)))
    }

    pub fn bytes(&self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }

    /// A random (version 4 shaped) UUID.
    pub fn uuid(&self) -> String {
        let mut b = self.bytes(16);
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

    /// A string of decimal digits, like the PSP references Vipps returns.
    pub fn digits(&self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            s.push_str(&format!(
                "{:019}",
                self.next_u64() % 10_000_000_000_000_000_000
            ));
        }
        s.truncate(len);
        // A leading zero would read as a number with fewer digits; avoid it.
        if s.starts_with('0') {
            s.replace_range(0..1, "7");
        }
        s
    }

    /// URL-safe random text, e.g. for session ids.
    pub fn url_safe(&self, bytes: usize) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes(bytes))
    }

    /// Standard base64 random text, the shape of a webhook secret.
    pub fn base64(&self, bytes: usize) -> String {
        STANDARD.encode(self.bytes(bytes))
    }

    /// A JWT-shaped opaque token carrying the given claims (not signed with a real key).
    pub fn jwt_like(&self, claims: &serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.{}", self.url_safe(32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_ids_and_different_seeds_differ() {
        let a = Ids::new(7);
        let b = Ids::new(7);
        let c = Ids::new(8);
        let (ua, ub, uc) = (a.uuid(), b.uuid(), c.uuid());
        assert_eq!(ua, ub);
        assert_ne!(ua, uc);
        a.reset();
        assert_eq!(a.uuid(), ua);
    }

    #[test]
    fn uuid_and_digits_have_the_expected_shape() {
        let ids = Ids::new(1);
        let u = ids.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let d = ids.digits(16);
        assert_eq!(d.len(), 16);
        assert!(d.bytes().all(|c| c.is_ascii_digit()));
        assert!(!d.starts_with('0'));
    }
}
