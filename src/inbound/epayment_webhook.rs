//! ePayment webhooks (`epayments.payment.*.v1`): HMAC-signed deliveries of one payment event.

use super::event::{minor_units, pass_on, Basis, Event};
use super::request::{InboundRequest, Kind};
use super::webhook_signature::{verify, Signed};
use super::Outcome;
use crate::json::input::lenient;
use crate::model::status::{Amounts, Status};
use crate::Client;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::time::SystemTime;

/// What the library reads of a `WebhookEvent` body, decoded once, leniently: a field of the
/// wrong type reads as absent, as it did when the body was read by key.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct WebhookBody {
    #[serde(deserialize_with = "lenient::text")]
    reference: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    name: Option<String>,
    #[serde(deserialize_with = "lenient::boolean")]
    success: Option<bool>,
    #[serde(deserialize_with = "lenient::object")]
    amount: Option<AmountBody>,
    #[serde(deserialize_with = "lenient::text")]
    timestamp: Option<String>,
    /// Passed on as they came, `null` included.
    #[serde(deserialize_with = "lenient::raw")]
    psp_reference: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    idempotency_key: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    msn: Option<Value>,
}

/// The webhook's `amount` (`{"value", "currency"}`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct AmountBody {
    /// Kept as JSON, to tell a missing value from an impossible one (`minor_units`).
    value: Option<Value>,
    #[serde(deserialize_with = "lenient::text")]
    currency: Option<String>,
}

pub fn handle(client: &Client, request: &InboundRequest, body: &Value, now: SystemTime) -> Outcome {
    let signed = Signed {
        method: &request.method,
        path_and_query: &request.path_and_query,
        host: signed_host(request),
        date: request.header("x-ms-date"),
        content_hash: request.header("x-ms-content-sha256"),
        authorization: request.header("authorization"),
        body: request.body,
    };
    let view: WebhookBody = lenient::decode(body);
    // Named in a refusal, when the body has one (unverified; escaped there).
    let named = view.reference.clone();
    let reference = named.as_deref();
    // The request's own secrets (a webhook just registered) besides the client's; no copy when
    // there are none, the usual case.
    let combined;
    let secrets = if request.webhook_secrets.is_empty() {
        &client.config.webhook_secrets
    } else {
        combined = [
            request.webhook_secrets.as_slice(),
            &client.config.webhook_secrets,
        ]
        .concat();
        &combined
    };
    if let Err(reason) = verify(&signed, secrets, now, client.config.webhook_max_age) {
        return Outcome::unauthorized(super::Kind::EpaymentWebhook, reference, reason);
    }
    match event(view) {
        Ok(event) => Outcome::ack(event),
        Err(reason) => Outcome::bad_request(Some(super::Kind::EpaymentWebhook), reference, reason),
    }
}

/// The one host the signature is checked against (issue 15, defect 12): the plugin's pinned
/// `host` (the host it registered the webhook for), else the authority of an absolute `url`,
/// else the `Host` header. Never several: trying each would let a signature made for another
/// host through whenever a sender can choose the `Host` header.
fn signed_host<'r>(request: &'r InboundRequest) -> Result<&'r str, String> {
    if let Some(pinned) = request.pinned_host.as_deref() {
        return Ok(pinned);
    }
    if let Some(authority) = request.url_authority.as_deref() {
        return Ok(authority);
    }
    let mut values = request.header_values("host").map(str::trim);
    let first = values
        .next()
        .ok_or("no Host header, no absolute URL and no host given: the signed host is unknown")?;
    if values.any(|other| other != first) {
        return Err(
            "several different Host headers: the signed host is ambiguous (pass host)".into(),
        );
    }
    Ok(first)
}

/// The normalized event of a `WebhookEvent` body. Its amount is this operation's amount only
/// (`basis: "operation"`): a capture webhook does not say how much is captured in all.
fn event(view: WebhookBody) -> Result<Event, String> {
    let reference = view
        .reference
        .filter(|r| !r.is_empty())
        .ok_or("the webhook body has no reference")?;
    let name = view.name.ok_or("the webhook body has no event name")?;
    let success = view.success.unwrap_or(true);
    let (amount, currency) = match view.amount {
        Some(a) => (minor_units(a.value.as_ref()), a.currency),
        None => (None, None),
    };
    let value = amount.unwrap_or(0);
    let mut amounts = Amounts::default();
    let status = match name.as_str() {
        "CREATED" => Some(Status::Pending),
        "AUTHORIZED" => {
            amounts.authorized = value;
            Some(Status::Authorized)
        }
        "CAPTURED" => {
            amounts.captured = value;
            Some(Status::Captured)
        }
        "REFUNDED" => {
            amounts.refunded = value;
            Some(Status::Refunded)
        }
        // Cancelled after approval (the rest released), or before it (TERMINATED).
        "CANCELLED" | "TERMINATED" => {
            amounts.cancelled = value;
            Some(Status::Cancelled)
        }
        "ABORTED" => Some(Status::Aborted),
        "EXPIRED" => Some(Status::Expired),
        _ => None,
    };
    let id = format!(
        "epayment:{reference}:{name}:{}",
        view.psp_reference
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or("")
    );
    let mut extra = Map::new();
    pass_on(
        &mut extra,
        [
            ("psp_reference", view.psp_reference),
            ("idempotency_key", view.idempotency_key),
            ("merchant_serial_number", view.msn),
        ],
    );
    Ok(Event {
        kind: Kind::EpaymentWebhook,
        reference,
        id,
        name,
        state: None,
        // A failed operation changed nothing.
        status: status.filter(|_| success),
        basis: Basis::Operation,
        currency,
        amounts: success.then_some(amounts),
        amount,
        timestamp: view.timestamp,
        success,
        extra,
        // The dispatcher attaches the body it owns (no copy): see `Outcome::with_raw`.
        raw: Value::Null,
    })
}
