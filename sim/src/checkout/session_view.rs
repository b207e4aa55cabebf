//! `SessionResponse`: the poll result and, identically, the session callback body.

use super::session::Session;
use crate::payments::views::{aggregate, amount};
use crate::payments::{Payment, PaymentState};
use serde_json::{json, Value};

/// `ExternalSessionState`, derived from the payment underneath.
pub fn session_state(session: &Session, payment: &Payment) -> &'static str {
    match payment.state {
        PaymentState::Created if session.initiated => "PaymentInitiated",
        PaymentState::Created => "SessionCreated",
        PaymentState::Authorized => "PaymentSuccessful",
        PaymentState::Aborted | PaymentState::Terminated => "PaymentTerminated",
        PaymentState::Expired => "SessionExpired",
    }
}

/// Checkout's `PaymentState` has only CREATED, AUTHORIZED and TERMINATED: aborted, expired and
/// cancelled payments all read as TERMINATED.
fn checkout_payment_state(state: PaymentState) -> &'static str {
    match state {
        PaymentState::Created => "CREATED",
        PaymentState::Authorized => "AUTHORIZED",
        _ => "TERMINATED",
    }
}

pub fn render(session: &Session, payment: &Payment) -> Value {
    let mut body = json!({
        "sessionId": session.session_id,
        "merchantSerialNumber": session.msn,
        "reference": session.reference,
        "sessionState": session_state(session, payment),
        "paymentDetails": {
            "amount": amount(&payment.currency, payment.amount),
            "state": checkout_payment_state(payment.state),
            "aggregate": aggregate(payment),
        },
    });
    let optional = [
        (
            "paymentMethod",
            session.payment_method.clone().map(Value::String),
        ),
        ("userInfo", session.user_info.clone()),
        ("shippingDetails", session.shipping_details.clone()),
        ("billingDetails", session.billing_details.clone()),
        (
            "customConsentProvided",
            session.custom_consent_provided.map(Value::Bool),
        ),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            body[key] = v;
        }
    }
    body
}
