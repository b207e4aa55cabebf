//! JSON renderings of a payment: ePayment `GetPaymentResponse`, `PaymentEvent`,
//! `ModificationResponse`, the webhook `WebhookEvent`, and the `/_sim/ledger` entry.

use super::model::{Payment, PaymentEvent};
use crate::timefmt::rfc3339_ms;
use serde_json::{json, Value};

pub fn amount(currency: &str, value: i64) -> Value {
    json!({ "currency": currency, "value": value })
}

pub fn aggregate(p: &Payment) -> Value {
    json!({
        "authorizedAmount": amount(&p.currency, p.authorized),
        "cancelledAmount": amount(&p.currency, p.cancelled),
        "capturedAmount": amount(&p.currency, p.captured),
        "refundedAmount": amount(&p.currency, p.refunded),
    })
}

/// `GetPaymentResponse`.
pub fn get_payment(p: &Payment) -> Value {
    let mut profile = json!({});
    if let Some(sub) = &p.profile_sub {
        profile["sub"] = json!(sub);
    }
    let mut body = json!({
        "aggregate": aggregate(p),
        "amount": amount(&p.currency, p.amount),
        "state": p.state.as_str(),
        "paymentMethod": { "type": p.method },
        "profile": profile,
        "pspReference": p.psp_reference,
        "reference": p.reference,
    });
    if let Some(url) = &p.redirect_url {
        body["redirectUrl"] = json!(url);
    }
    if let Some(meta) = &p.metadata {
        body["metadata"] = meta.clone();
    }
    body
}

/// `PaymentEvent`.
pub fn event(p: &Payment, e: &PaymentEvent) -> Value {
    json!({
        "reference": p.reference,
        "pspReference": e.psp_reference,
        "name": e.name.as_str(),
        "amount": amount(&p.currency, e.amount),
        "timestamp": rfc3339_ms(e.at_ms),
        "idempotencyKey": e.idempotency_key,
        "success": e.success,
    })
}

/// `WebhookEvent`: the `PaymentEvent` plus the merchant serial number.
pub fn webhook_event(p: &Payment, e: &PaymentEvent) -> Value {
    let mut body = event(p, e);
    body["msn"] = json!(p.msn);
    body
}

/// `ModificationResponse` for capture, refund and cancel.
pub fn modification(p: &Payment, psp_reference: &str) -> Value {
    json!({
        "amount": amount(&p.currency, p.amount),
        "state": p.state.as_str(),
        "aggregate": aggregate(p),
        "pspReference": psp_reference,
        "reference": p.reference,
    })
}

/// One entry of `GET /_sim/ledger`: the ground truth tests compare against.
pub fn ledger_entry(p: &Payment) -> Value {
    json!({
        "reference": p.reference,
        "api": p.api.as_str(),
        "msn": p.msn,
        "state": p.state.as_str(),
        "currency": p.currency,
        "amount": p.amount,
        "authorized": p.authorized,
        "captured": p.captured,
        "refunded": p.refunded,
        "cancelled": p.cancelled,
        "captures": p.captures,
        "refunds": p.refunds,
    })
}
