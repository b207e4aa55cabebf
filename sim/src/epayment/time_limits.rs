//! Time in the life of an ePayment payment, on the simulated clock (docs/api-notes.md):
//! - a payment the customer never acts on expires after `SimOptions::customer_timeout_secs`
//!   (default 300 s) unless the merchant set `expiresAt`;
//! - a reservation can be captured or cancelled for `SimOptions::reservation_days` (default
//!   180) after authorization: later, capture fails with 6100 and cancel with 6030;
//! - a refund is possible within 365 days of the reservation (6220 after it).
//!
//! Expiry stays lazy (see `Payment::expire_if_due`); `POST /_sim/clock/advance` looks at every
//! payment, so an `EXPIRED` webhook goes out as soon as a test moves the clock past the deadline.

use crate::payments::model::{EventName, Payment, PaymentState};
use crate::payments::Refusal;
use crate::state::Sim;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Refunds are allowed within 365 days of the reservation (the error table, code 6220).
const REFUND_DAYS: i64 = 365;

/// The deadline of a new ePayment payment: the merchant's `expiresAt`, else the customer
/// timeout from now (none when it is switched off).
pub fn expiry(sim: &Sim, now_ms: i64, expires_at_ms: Option<i64>) -> Option<i64> {
    expires_at_ms.or_else(|| {
        sim.opts
            .customer_timeout_secs
            .map(|secs| now_ms.saturating_add((secs as i64).saturating_mul(1000)))
    })
}

/// When the payment was authorized, if it was.
fn authorized_at_ms(payment: &Payment) -> Option<i64> {
    payment
        .events
        .iter()
        .find(|e| e.name == EventName::Authorized)
        .map(|e| e.at_ms)
}

/// The refusal for a capture, cancel or refund (`operation`) whose period is over.
pub fn period_over(sim: &Sim, payment: &Payment, operation: &str, now_ms: i64) -> Option<Refusal> {
    if payment.state != PaymentState::Authorized {
        return None;
    }
    let since = now_ms - authorized_at_ms(payment)?;
    let reservation_ms = i64::from(sim.opts.reservation_days) * DAY_MS;
    let days = sim.opts.reservation_days;
    match operation {
        "capture" if since >= reservation_ms => Some(Refusal {
            title: "Capture period expired",
            detail: format!("Payments can only be captured up to {days} days after reservation."),
            code: Some("6100"),
        }),
        "cancel" if since >= reservation_ms => Some(Refusal {
            title: "Cancel period expired",
            detail: format!(
                "Payments can only be cancelled within {days} days of the reservation."
            ),
            code: Some("6030"),
        }),
        "refund" if since >= REFUND_DAYS * DAY_MS => Some(Refusal {
            title: "Refund period expired",
            detail: "Payments can only be refunded within 365 days of the reservation.".into(),
            code: Some("6220"),
        }),
        _ => None,
    }
}
