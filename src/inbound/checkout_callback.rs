//! Checkout session callbacks: `POST {merchantInfo.callbackUrl}` with the `SessionResponse`
//! body and `Authorization: <callbackAuthorizationToken>`.

use super::event::{pass_on, Basis, Event};
use super::request::{InboundRequest, Kind};
use super::{token, Outcome};
use crate::json::input::lenient;
use crate::model::status::{checkout_normalized, PaymentView};
use crate::Client;
use serde::Deserialize;
use serde_json::{Map, Value};

/// What the library reads of a `SessionResponse` body, decoded once, leniently: a field of
/// the wrong type reads as absent, as it did when the body was read by key.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SessionCallback {
    #[serde(deserialize_with = "lenient::text")]
    reference: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    session_state: Option<String>,
    /// `None` unless an object: the event then has no amounts.
    #[serde(deserialize_with = "lenient::object")]
    payment_details: Option<PaymentView>,
    /// Passed on as they came (`null` is left out).
    session_id: Option<Value>,
    shipping_details: Option<Value>,
    billing_details: Option<Value>,
    user_info: Option<Value>,
    payment_method: Option<Value>,
}

pub fn handle(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::CheckoutCallback;
    let view: SessionCallback = lenient::decode(body);
    let Some(reference) = view.reference.as_deref() else {
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
    let reference = reference.to_owned();
    Outcome::ack(event(view, reference))
}

fn event(view: SessionCallback, reference: String) -> Event {
    let details = view.payment_details.as_ref();
    let normalized = checkout_normalized(view.session_state.as_deref(), details);
    let session_state = view.session_state.as_deref().unwrap_or_default();
    let payment_state = details.and_then(PaymentView::state);
    let progress = normalized.amounts.progress();
    let mut extra = Map::new();
    pass_on(
        &mut extra,
        [
            ("session_id", view.session_id),
            ("shipping_details", view.shipping_details),
            ("billing_details", view.billing_details),
            ("user_info", view.user_info),
            ("payment_method", view.payment_method),
        ],
    );
    Event {
        kind: Kind::CheckoutCallback,
        id: format!(
            "checkout:{reference}:{session_state}:{}:{}:{progress}",
            payment_state.unwrap_or("-"),
            normalized.amounts.authorized
        ),
        reference,
        name: session_state.to_owned(),
        state: payment_state.map(str::to_owned),
        status: Some(normalized.status),
        basis: Basis::Total,
        currency: normalized.currency.clone(),
        amounts: details.is_some().then_some(normalized.amounts),
        amount: details.and_then(PaymentView::amount_value),
        // The SessionResponse carries no time of its own.
        timestamp: None,
        success: true,
        extra,
        // The dispatcher attaches the body it owns (no copy): see `Outcome::with_raw`.
        raw: Value::Null,
    }
}
