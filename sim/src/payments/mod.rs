//! The payment ledger shared by ePayment and Checkout: model, rules and JSON views.

pub mod model;
pub mod rules;
pub mod views;

pub use model::{Api, EventName, Payment, PaymentEvent, PaymentState};
pub use rules::{Refusal, Stamp};
