//! `vipps-sim`: an offline, stateful simulator of the Vipps MobilePay APIs.
//!
//! It serves, on loopback, the Access Token, Checkout v3, ePayment v1, Webhooks v1, eCom v2 and
//! Order Management v2 APIs (plus a stand-in of the customer's app, `/sim/app/{phone}`) with
//! the paths, headers, bodies, status codes and error shapes of the real services, keeps payment
//! state by the documented rules, delivers signed webhooks and session callbacks, and exposes a
//! test-control API under `/_sim/` (faults, clock, logs, ledger).
//!
//! Use it in-process with [`SimServer::start`], or run the `vipps-sim` binary.

pub mod auth;
pub mod checkout;
pub mod clock;
mod conn;
pub mod control;
pub mod ecom;
pub mod epayment;
mod gateway;
pub mod ids;
pub mod json_body;
mod notify;
pub mod options;
pub mod order_management;
pub mod outbound;
pub mod pages;
pub mod payments;
pub mod problem;
pub mod reply;
pub mod routes;
mod server;
pub mod state;
pub mod timefmt;
mod tls;
pub mod user_actions;
pub mod userinfo;
pub mod validate;
pub mod webhooks;

pub use options::SimOptions;
pub use server::SimServer;
pub use state::Sim;

/// The `client_id` the simulator accepts unless configured otherwise.
pub const DEFAULT_CLIENT_ID: &str = "sim-client-id";
/// The `client_secret` the simulator accepts unless configured otherwise.
pub const DEFAULT_CLIENT_SECRET: &str = "sim-client-secret";
/// The `Ocp-Apim-Subscription-Key` the simulator accepts unless configured otherwise.
pub const DEFAULT_SUBSCRIPTION_KEY: &str = "sim-subscription-key";
/// The merchant serial number the simulator accepts unless configured otherwise.
pub const DEFAULT_MSN: &str = "123456";
/// The port the binary listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 7878;
/// Largest request body accepted; bigger bodies get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest body of `POST /order-management/v1/images`: a 2 MB image is about 2.8 MB as base64.
pub const MAX_IMAGE_BODY_BYTES: usize = 3 * 1024 * 1024;
