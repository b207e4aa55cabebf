//! Simulator configuration.

use crate::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

/// Default of [`SimOptions::customer_timeout_secs`].
pub const DEFAULT_CUSTOMER_TIMEOUT_SECS: u64 = 300;
/// Default of [`SimOptions::reservation_days`].
pub const DEFAULT_RESERVATION_DAYS: u32 = 180;

/// How a simulator instance is configured. `Default` gives an ephemeral port and the `DEFAULT_*`
/// credentials.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// Port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub client_id: String,
    pub client_secret: String,
    pub subscription_key: String,
    /// Merchant serial numbers the simulator accepts.
    pub merchant_serial_numbers: Vec<String>,
    /// Lifetime of issued access tokens, in simulated seconds.
    pub token_lifetime_secs: u64,
    /// Seed of the id generator: a given seed gives reproducible ids.
    pub seed: u64,
    /// How long a customer has to act on an ePayment payment created without `expiresAt`
    /// before it becomes `EXPIRED`, in simulated seconds (`None`: never). The docs give the
    /// customer 5 minutes to open the request and 5 more to approve it; a customer who never
    /// acts never opens it, so 300 s (see docs/api-notes.md).
    pub customer_timeout_secs: Option<u64>,
    /// Days after authorization during which a reservation can be captured or cancelled
    /// (6100 / 6030 after it); 180 in Norway, per the docs.
    pub reservation_days: u32,
    /// Whether the documented per-reference rate limits apply (429 with `Retry-After`). Off by
    /// default so that suites that hammer one reference are not slowed; switchable at run time
    /// with `POST /_sim/rate-limits {"enabled": true}`.
    pub rate_limits: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            port: 0,
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            subscription_key: DEFAULT_SUBSCRIPTION_KEY.to_string(),
            merchant_serial_numbers: vec![DEFAULT_MSN.to_string()],
            // One hour, as in the Vipps test environment.
            token_lifetime_secs: 3600,
            seed: 1,
            customer_timeout_secs: Some(DEFAULT_CUSTOMER_TIMEOUT_SECS),
            reservation_days: DEFAULT_RESERVATION_DAYS,
            rate_limits: false,
        }
    }
}
