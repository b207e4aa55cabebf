//! The client: a configuration, an HTTP transport and a logger. Operations are added by
//! the API modules (`checkout`, `epayment`, ...) as further `impl Client` blocks.

use crate::config::Config;
use crate::error::Result;
use crate::http::transport::Transport;
use crate::log::Logger;
use std::sync::Arc;

/// A Vipps MobilePay client. `Send + Sync`: share one per process (or per merchant) across
/// threads; it keeps connections alive and shares the access token.
pub struct Client {
    pub(crate) config: Arc<Config>,
    pub(crate) transport: Transport,
    pub(crate) logger: Arc<Logger>,
}

impl Client {
    /// Creates a client from a JSON configuration (see the README for every setting).
    pub fn new(config_json: &str) -> Result<Client> {
        Client::from_config(Config::from_json(config_json)?)
    }

    /// Creates a client from a configuration already read (see [`Config::from_json`]).
    pub fn from_config(config: Config) -> Result<Client> {
        let mut secrets = vec![
            config.client_secret.clone(),
            config.subscription_key.clone(),
        ];
        secrets.extend(config.callback_secret.clone());
        secrets.extend(config.webhook_secrets.iter().cloned());
        let logger = Arc::new(Logger::new(&config.log, secrets)?);
        let config = Arc::new(config);
        let transport = Transport::new(config.clone(), logger.clone())?;
        Ok(Client {
            config,
            transport,
            logger,
        })
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// The typed API of a [`Client`]: the same operations and requests as its JSON methods, with
/// answers as Rust values ([`Payment`](crate::Payment), [`Reconciled`](crate::Reconciled),
/// [`Outcome`](crate::inbound::Outcome), [`Applied`](crate::inbound::record::Applied)) instead
/// of JSON. Each JSON method is this value serialized. Get one with [`Client::typed`].
///
/// Against the simulator (`vipps-sim`), as the tests run it:
///
/// ```
/// use serde_json::json;
/// use vipps::Status;
/// let sim = vipps_sim::SimServer::start(vipps_sim::SimOptions::default()).unwrap();
/// let client = vipps::Client::new(&json!({"base_url": sim.base_url(),
///     "system_name": "acme", "system_version": "1.0",
///     "plugin_name": "acme-vipps", "plugin_version": "1.0"}).to_string())?;
/// let order = json!({"reference": "acme-order-10001"});
/// client.create_payment(&json!({"reference": "acme-order-10001",
///     "amount": {"value": 49900, "currency": "NOK"}, "paymentMethod": {"type": "WALLET"},
///     "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/done",
///     "paymentDescription": "Socks"}))?;
/// client.force_approve(&json!({"reference": "acme-order-10001",
///                              "customer": {"phoneNumber": "4791234567"}}))?;
///
/// let typed = client.typed();
/// let captured = typed.capture(&json!({"reference": "acme-order-10001",
///                                      "amount": {"value": 10000, "currency": "NOK"}}))?;
/// let normalized = captured.normalized.as_ref().expect("a capture answers its status");
/// assert_eq!(normalized.status, Status::PartiallyCaptured);
/// assert_eq!(normalized.amounts.capturable(), 39900);
/// assert!(captured.idempotency_key.is_some()); // retry a failed capture with this key
///
/// let seen = typed.reconcile(&order)?;
/// assert_eq!((seen.normalized.amounts.captured, seen.event.status), (10000, Status::PartiallyCaptured));
/// // The JSON method answers the same value, serialized.
/// assert_eq!(client.reconcile(&order)?, serde_json::to_value(&seen).unwrap());
/// # Ok::<(), vipps::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Typed<'a> {
    pub(crate) client: &'a Client,
}

impl Client {
    /// The typed API of this client (borrowed: make one per call, it costs nothing).
    pub fn typed(&self) -> Typed<'_> {
        Typed { client: self }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
