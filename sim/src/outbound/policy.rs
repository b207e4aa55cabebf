//! Retry policy for outbound deliveries, adjustable through `PUT /_sim/delivery-policy`.
//!
//! The real services retry for days (webhooks) or up to 3 times (Checkout); the simulator keeps
//! the shape (exponential backoff, bounded attempts) with intervals short enough for tests.

use super::Target;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Total webhook attempts (first try included).
    pub webhook_max_attempts: u32,
    pub webhook_initial_backoff_ms: u64,
    /// Checkout retries after the first attempt ("at most 3 times").
    pub checkout_max_retries: u32,
    pub checkout_initial_backoff_ms: u64,
    /// A receiver slower than this counts as failed (the real webhook timeout is 10 s).
    pub timeout_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            webhook_max_attempts: 6,
            webhook_initial_backoff_ms: 200,
            checkout_max_retries: 3,
            checkout_initial_backoff_ms: 200,
            timeout_ms: 10_000,
        }
    }
}

impl RetryPolicy {
    /// (total attempts, first backoff in ms) for a target.
    pub fn for_target(&self, target: Target) -> (u32, u64) {
        match target {
            Target::Webhook => (
                self.webhook_max_attempts.max(1),
                self.webhook_initial_backoff_ms,
            ),
            Target::Checkout => (
                self.checkout_max_retries.saturating_add(1),
                self.checkout_initial_backoff_ms,
            ),
            // eCom makes one attempt and never retries (guide: "Callbacks").
            Target::Ecom | Target::EcomShipping | Target::EcomConsent => (1, 0),
        }
    }

    /// How long a receiver may take, in ms: the eCom payment callback must answer within 3 s,
    /// everything else within `timeout_ms` (a lower `timeout_ms` applies to eCom too).
    pub fn timeout_for(&self, target: Target) -> u64 {
        match target {
            Target::Ecom => self.timeout_ms.min(3_000),
            _ => self.timeout_ms,
        }
    }
}
