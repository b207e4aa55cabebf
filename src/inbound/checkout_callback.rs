//! Checkout session callbacks: `POST {merchantInfo.callbackUrl}` with the `SessionResponse`
//! body and `Authorization: <callbackAuthorizationToken>`.

use super::event::{minor_units, Basis, Event};
use super::request::{InboundRequest, Kind};
use super::{token, Outcome};
use crate::model::status::from_checkout_session;
use crate::Client;
use serde_json::{Map, Value};

pub fn handle(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::CheckoutCallback;
    let Some(reference) = body.get("reference").and_then(Value::as_str) else {
        return Outcome::bad_request(Some(kind), None, "the session body has no reference".into());
    };
    if let Err(reason) = super::check_reference(request, reference) {
        return Outcome::unauthorized(kind, Some(reference), reason);
    }
    let expected = request
        .expected_token
        .clone()
        .or_else(|| client.checkout_callback_token(reference));
    if let Err(reason) = token::check(
        request,
        expected.as_deref(),
        &format!("reference {}", super::untrusted::shown(reference)),
    ) {
        return Outcome::unauthorized(kind, Some(reference), reason);
    }
    Outcome::ack(event(body, reference))
}

pub fn event(body: &Value, reference: &str) -> Event {
    let normalized = from_checkout_session(body);
    let session_state = body
        .get("sessionState")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let payment_state = body
        .pointer("/paymentDetails/state")
        .and_then(Value::as_str);
    let has_payment = body.get("paymentDetails").is_some_and(Value::is_object);
    let progress = normalized.amounts.progress();
    let mut extra = Map::new();
    for (from, to) in [
        ("sessionId", "session_id"),
        ("shippingDetails", "shipping_details"),
        ("billingDetails", "billing_details"),
        ("userInfo", "user_info"),
        ("paymentMethod", "payment_method"),
    ] {
        if let Some(v) = body.get(from).filter(|v| !v.is_null()) {
            extra.insert(to.into(), v.clone());
        }
    }
    Event {
        kind: Kind::CheckoutCallback,
        reference: reference.to_owned(),
        id: format!(
            "checkout:{reference}:{session_state}:{}:{}:{progress}",
            payment_state.unwrap_or("-"),
            normalized.amounts.authorized
        ),
        name: session_state.to_owned(),
        state: payment_state.map(str::to_owned),
        status: Some(normalized.status),
        basis: Basis::Total,
        currency: normalized.currency.clone(),
        amounts: has_payment.then_some(normalized.amounts),
        amount: minor_units(body.pointer("/paymentDetails/amount/value")),
        // The SessionResponse carries no time of its own.
        timestamp: None,
        success: true,
        extra,
        // The dispatcher attaches the body it owns (no copy): see `Outcome::with_raw`.
        raw: Value::Null,
    }
}
