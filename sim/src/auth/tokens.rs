//! Issued access tokens and their expiry (simulated clock).

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct TokenStore {
    /// token → `expires_on` (epoch seconds, simulated clock)
    tokens: Mutex<HashMap<String, i64>>,
}

impl TokenStore {
    pub fn issue(&self, token: String, expires_on: i64, now: i64) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        // Forget long-expired tokens so the map stays small in long runs.
        if tokens.len() > 10_000 {
            tokens.retain(|_, exp| *exp > now);
        }
        tokens.insert(token, expires_on);
    }

    /// Known and not yet expired at `now` (epoch seconds).
    pub fn is_valid(&self, token: &str, now: i64) -> bool {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(token).is_some_and(|exp| now < *exp)
    }
}
