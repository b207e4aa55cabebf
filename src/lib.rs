//! `vipps`: one native payment core for Vipps MobilePay shop plugins.
//!
//! The Rust API is [`Client`]: create it from a JSON configuration, then call operations that
//! take a JSON request and return the API's JSON answer plus what the library adds (the
//! normalized status, the idempotency key used). The C ABI in [`ffi`] wraps exactly this API.
//!
//! Inside, the library is typed: the calls on a payment answer a [`Payment`] (with its
//! [`Normalized`] status), reconciliation a [`Reconciled`], an inbound callback an
//! [`inbound::Outcome`] with its [`inbound::event::Event`], folding an event an
//! [`inbound::record::Applied`]. Each JSON method is one of these, serialized. Rust code can
//! have the values themselves through [`Client::typed`] (see [`Typed`] for an example).
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
#![warn(missing_docs)]
// Library code must not panic: a panic in a payment call is a failed request at best. Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable
    )
)]

// The layers (see ARCHITECTURE.md): `ffi` → `client` → `api` → `http` → `json`/`model`, with
// `inbound` beside `api` (callbacks received, not calls made). Cross-cutting: `config`, `error`,
// `log`, `secret`, `deadline`, `per_process`.
mod api;
pub mod callback_token;
mod client;
// Documented by the helper that owns `config/` (it is being changed beside this work).
pub mod config;
mod deadline;
pub mod error;
pub mod ffi;
mod http;
pub mod inbound;
mod json;
pub mod log;
mod model;
mod per_process;
pub mod secret;

// The public paths of the flat layout, kept for users, tests, fuzz targets and benches.
pub use api::{ecom, order_management, webhooks};
pub use model::status;

pub use api::payment::{Approved, CallInfo, Payment, PaymentEvents};
pub use api::reconcile::{PollAmounts, PollEvent, Reconciled};
pub use client::{Client, Typed};
pub use error::{Error, ErrorKind, Result};
/// A stable idempotency key from (reference, operation, attempt): see `vipps_idempotency_key`.
pub use http::idempotency::derive_key as idempotency_key;
pub use status::{Normalized, Status};

/// The library's version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
