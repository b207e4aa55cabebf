//! Simulator configuration.

use crate::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

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
        }
    }
}
