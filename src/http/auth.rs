//! Access tokens: fetched once, shared by every client of the process, refreshed early.
//!
//! The cache is keyed by (base URL, client_id, client secret, subscription key, MSN), so two
//! clients with the same credentials share one token (and a client with a wrong secret never
//! borrows a token fetched with the right one) and a partner acting for many merchants gets one per MSN.
//!
//! Single flight for the outcome: when a key needs a token, one caller fetches it and the
//! others wait for that fetch, and get its outcome, success or failure (a failed fetch is not
//! repeated by each waiter in turn). No lock is held during the HTTP request; a waiter sleeps
//! on a condition variable until the fetch ends or its own call's deadline passes, whichever
//! comes first, and then gives up with a `timeout` error that says it waited for the token.
//! A call that starts after a failed fetch ended tries again.
//!
//! Server values are capped: a lifetime (`expires_in`) longer than [`MAX_LIFETIME`] counts
//! as [`MAX_LIFETIME`], so no arithmetic on it can overflow.

use crate::error::{Error, ErrorKind, Result};
use crate::http::call::Headers;
use crate::log::Level;
use crate::per_process::PerProcess;
use crate::secret::Secret;
use crate::Client;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The longest lifetime believed from a token answer. Vipps tokens live 1 or 24 hours.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

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

/// One key's token, and the fetch in flight for it, if any.
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    /// Notified when a fetch ends.
    fetched: Condvar,
}

#[derive(Default)]
struct SlotState {
    token: Option<AccessToken>,
    /// True while one caller fetches; the others wait instead of fetching too.
    fetching: bool,
    /// How many fetches have ended, so a waiter knows when the one it waits for is over.
    fetches_ended: u64,
    /// The outcome of the last fetch that ended.
    last_outcome: Option<Result<AccessToken>>,
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

/// When to fetch a new token: `lifetime` (capped) after the fetch started, less the margin.
fn refresh_at(started: Instant, lifetime: Duration) -> Instant {
    let lifetime = lifetime.min(MAX_LIFETIME);
    started
        .checked_add(lifetime - refresh_margin(lifetime))
        .unwrap_or(started)
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Ends a fetch when dropped: stores its outcome and wakes the waiters. A fetch that unwinds
/// (a bug) still ends, with an `internal` error, so no waiter waits for it in vain.
struct FetchInFlight<'a> {
    slot: &'a Slot,
    outcome: Option<Result<AccessToken>>,
}

impl Drop for FetchInFlight<'_> {
    fn drop(&mut self) {
        let outcome = self.outcome.take().unwrap_or_else(|| {
            Err(Error::internal(
                "the access token fetch ended without an outcome",
            ))
        });
        let mut state = self.slot.lock();
        if let Ok(token) = &outcome {
            state.token = Some(token.clone());
        }
        state.fetching = false;
        state.fetches_ended += 1;
        state.last_outcome = Some(outcome);
        drop(state);
        self.slot.fetched.notify_all();
    }
}

impl Client {
    /// A valid token for `msn`, by `deadline` (the calling public call's). `failed` is the
    /// generation of a token the API just refused with 401: it is dropped and a new one fetched
    /// (unless another thread already did).
    pub(crate) fn access_token(
        &self,
        msn: &str,
        failed: Option<u64>,
        deadline: Instant,
    ) -> Result<AccessToken> {
        let slot = self.token_slot(msn);
        let mut state = slot.lock();
        if let Some(token) = state.token.as_ref() {
            let refused = failed == Some(token.generation);
            if !refused && Instant::now() < token.refresh_at {
                return Ok(token.clone());
            }
        }
        if state.fetching {
            return self.wait_for_fetch(&slot, state, deadline);
        }
        state.fetching = true;
        drop(state);
        let mut fetch = FetchInFlight {
            slot: &slot,
            outcome: None,
        };
        let outcome = self.fetch_token(msn, deadline);
        fetch.outcome = Some(outcome.clone());
        drop(fetch);
        outcome
    }

    /// Waits for the fetch in flight and takes its outcome, or gives up at `deadline`.
    fn wait_for_fetch(
        &self,
        slot: &Slot,
        mut state: MutexGuard<'_, SlotState>,
        deadline: Instant,
    ) -> Result<AccessToken> {
        let started = Instant::now();
        let awaited = state.fetches_ended + 1;
        while state.fetches_ended < awaited {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "no access token within the call's deadline (total_ms {}): waited {} ms for the access token that another call is fetching from {}",
                        self.config.timeouts.total.as_millis(),
                        started.elapsed().as_millis(),
                        self.config.base_url.as_str()
                    ),
                ));
            }
            state = slot
                .fetched
                .wait_timeout(state, remaining)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        // The fetch this call waited for has ended (or a later one): share its outcome.
        state.last_outcome.clone().unwrap_or_else(|| {
            Err(Error::internal(
                "an access token fetch ended without an outcome",
            ))
        })
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

    fn fetch_token(&self, msn: &str, deadline: Instant) -> Result<AccessToken> {
        let config = &self.config;
        let mut headers = Headers::new();
        headers.push_client_keys(config);
        headers.push_merchant(config, msn, &config.system);
        let started = Instant::now();
        // Fetching a token changes nothing, so it is always safe to retry.
        let response = self.send_raw(
            "POST",
            "/accesstoken/get",
            headers,
            Some(Vec::new()),
            true,
            deadline,
        )?;
        if !response.is_success() {
            // A token fetch changes nothing and the operation was never sent, so a 5xx of the
            // token service tells the plugin to retry the whole call (with the same key).
            let mut error =
                crate::http::problem::api_error(&response, "fetching an access token", true);
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
        let lifetime = Duration::from_secs(lifetime).min(MAX_LIFETIME);
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
            refresh_at: refresh_at(started, lifetime),
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

    #[test]
    fn a_huge_lifetime_is_capped_and_never_overflows() {
        let now = Instant::now();
        assert_eq!(
            refresh_at(now, Duration::from_secs(u64::MAX)),
            now + MAX_LIFETIME - Duration::from_secs(300)
        );
        assert_eq!(refresh_at(now, Duration::ZERO), now);
    }
}
