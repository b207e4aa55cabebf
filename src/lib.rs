//! `vipps`: one native payment core for Vipps MobilePay shop plugins.
//!
//! The Rust API is [`Client`]: create it from a JSON configuration, then call operations that
//! take a JSON request and return the API's JSON answer plus what the library adds (the
//! normalized status, the idempotency key used). The C ABI in [`ffi`] wraps exactly this API.
//!
//! ```no_run
//! let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
//!     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?; // no credentials: the simulator
//! let session = client.create_session(&serde_json::json!({
//!     "merchantInfo": {"callbackUrl": "https://shop.example/cb", "returnUrl": "https://shop.example/done"},
//!     "transaction": {"amount": {"value": 49900, "currency": "NOK"},
//!                     "reference": "acme-order-10001", "paymentDescription": "Socks"}
//! }))?;
//! println!("{}", session["checkoutFrontendUrl"]);
//! # Ok::<(), vipps::Error>(())
//! ```
#![deny(unsafe_code)]

mod amount;
mod answer;
mod auth;
mod base_url;
mod call;
pub mod callback_token;
mod checkout;
mod checkout_validation;
mod client;
pub mod config;
mod deadline;
pub mod ecom;
mod epayment;
mod epayment_validation;
pub mod error;
pub mod ffi;
mod idempotency;
pub mod inbound;
mod input;
pub mod log;
pub mod order_management;
mod per_process;
mod problem;
mod reconcile;
mod reference;
mod resolver;
mod retry;
mod rfc3339;
pub mod secret;
pub mod status;
mod transport;
mod webhook_ensure;
pub mod webhooks;

pub use client::Client;
pub use error::{Error, ErrorKind, Result};
/// A stable idempotency key from (reference, operation, attempt): see `vipps_idempotency_key`.
pub use idempotency::derive_key as idempotency_key;
pub use status::{Normalized, Status};

/// The library's version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
