//! Access tokens: fetched once, shared by every client of the process, refreshed early.
//!
//! The cache is keyed by (base URL, client_id, client secret, subscription key, MSN), so two
//! clients with the same credentials share one token (and a client with a wrong secret never
//! borrows a token fetched with the right one) and a partner acting for many merchants gets one per MSN.
//! Each key has its own lock, held while fetching: concurrent callers wait for the one fetch
//! instead of all fetching at once (single-flight).

use crate::call::Headers;
use crate::error::{Error, ErrorKind, Result};
use crate::log::Level;
use crate::per_process::PerProcess;
use crate::secret::Secret;
use crate::Client;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TokenKey {
    base_url: String,
    client_id: String,
    client_secret: Secret,
    subscription_key: Secret,
    msn: String,
}

/// A token and when to stop using it.
#[derive(Clone)]
pub struct AccessToken {
    pub value: Secret,
    refresh_at: Instant,
    /// Distinguishes fetches, so a 401 invalidates the token that failed and not a newer one.
    pub generation: u64,
}

#[derive(Default)]
struct Slot {
    token: Mutex<Option<AccessToken>>,
}

/// The token slots of one process. A BTreeMap rather than a HashMap: this state lives as long
/// as the process, and a BTreeMap's nodes are pointed to from their start, so valgrind sees
/// them as reachable instead of "possibly lost".
type Slots = BTreeMap<TokenKey, Arc<Slot>>;

/// Process-wide: a forked child starts with an empty cache of its own and never locks the
/// parent's, which another thread may have held at the moment of the fork.
static CACHE: PerProcess<Mutex<Slots>> = PerProcess::new();
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Refresh a margin before expiry: a tenth of the lifetime, at most five minutes, so a
/// token never expires between being read here and arriving at the API.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(300))
}

impl Client {
    /// A valid token for `msn`. `failed` is the generation of a token the API just refused
    /// with 401: it is dropped and a new one fetched (unless another thread already did).
    pub(crate) fn access_token(&self, msn: &str, failed: Option<u64>) -> Result<AccessToken> {
        let slot = self.token_slot(msn);
        let mut guard = slot.token.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(token) = guard.as_ref() {
            let refused = failed == Some(token.generation);
            if !refused && Instant::now() < token.refresh_at {
                return Ok(token.clone());
            }
        }
        let token = self.fetch_token(msn)?;
        *guard = Some(token.clone());
        Ok(token)
    }

    fn token_slot(&self, msn: &str) -> Arc<Slot> {
        let key = TokenKey {
            base_url: self.config.base_url.as_str().to_owned(),
            client_id: self.config.client_id.clone(),
            client_secret: self.config.client_secret.clone(),
            subscription_key: self.config.subscription_key.clone(),
            msn: msn.to_owned(),
        };
        let cache = CACHE.get(Mutex::default);
        let mut slots = cache.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(key).or_default().clone()
    }

    fn fetch_token(&self, msn: &str) -> Result<AccessToken> {
        let config = &self.config;
        let mut headers = Headers::new();
        headers.push("client_id", config.client_id.clone());
        headers.push("client_secret", config.client_secret.expose().to_owned());
        headers.push(
            "Ocp-Apim-Subscription-Key",
            config.subscription_key.expose().to_owned(),
        );
        headers.push("Merchant-Serial-Number", msn.to_owned());
        headers.push_system(&config.system);
        let started = Instant::now();
        // Fetching a token changes nothing, so it is always safe to retry.
        let response =
            self.send_raw("POST", "/accesstoken/get", headers, Some(Vec::new()), true)?;
        if !response.is_success() {
            let mut error = crate::problem::api_error(&response, "fetching an access token");
            if matches!(response.status, 400 | 401 | 403) {
                error.kind = ErrorKind::Unauthorized;
                error.message = format!(
                    "the access token request was refused ({}): check client_id, client_secret and subscription_key",
                    response.status
                );
            }
            return Err(error);
        }
        let body: Value = serde_json::from_slice(&response.body)
            .map_err(|_| Error::new(ErrorKind::Api, "the access token response is not JSON"))?;
        let value = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Api,
                    "the access token response has no access_token",
                )
            })?;
        // expires_in is a string in the spec; accept a number too.
        let lifetime = match body.get("expires_in") {
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        }
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Api,
                "the access token response has no valid expires_in",
            )
        })?;
        let lifetime = Duration::from_secs(lifetime);
        self.logger.log(
            Level::Info,
            format!(
                "access token fetched for MSN {msn} (valid {} s, {} ms)",
                lifetime.as_secs(),
                started.elapsed().as_millis()
            ),
        );
        Ok(AccessToken {
            value: Secret::new(value),
            refresh_at: started + lifetime - refresh_margin(lifetime),
            generation: GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_is_a_tenth_capped_at_five_minutes() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(300)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(86400)),
            Duration::from_secs(300)
        );
    }
}
