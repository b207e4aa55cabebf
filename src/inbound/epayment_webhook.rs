//! ePayment webhooks (`epayments.payment.*.v1`): HMAC-signed deliveries of one payment event.

use super::event::{minor_units, Basis, Event};
use super::request::{InboundRequest, Kind};
use super::webhook_signature::{verify, Signed};
use super::Outcome;
use crate::model::status::{Amounts, Status};
use crate::Client;
use serde_json::{Map, Value};
use std::time::SystemTime;

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
    let reference = body.get("reference").and_then(Value::as_str);
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
    match event(body) {
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
pub fn event(body: &Value) -> Result<Event, String> {
    let reference = body
        .get("reference")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .ok_or("the webhook body has no reference")?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or("the webhook body has no event name")?;
    let success = body.get("success").and_then(Value::as_bool).unwrap_or(true);
    // `get` rather than `pointer`: pointer re-parses its path (with allocations) per call.
    let amount_field = |name: &str| body.get("amount").and_then(|a| a.get(name));
    let amount = minor_units(amount_field("value"));
    let value = amount.unwrap_or(0);
    let mut amounts = Amounts::default();
    let status = match name {
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
    let psp = body
        .get("pspReference")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut extra = Map::new();
    for (from, to) in [
        ("pspReference", "psp_reference"),
        ("idempotencyKey", "idempotency_key"),
        ("msn", "merchant_serial_number"),
    ] {
        if let Some(v) = body.get(from) {
            extra.insert(to.into(), v.clone());
        }
    }
    Ok(Event {
        kind: Kind::EpaymentWebhook,
        reference: reference.to_owned(),
        id: format!("epayment:{reference}:{name}:{psp}"),
        name: name.to_owned(),
        state: None,
        // A failed operation changed nothing.
        status: status.filter(|_| success),
        basis: Basis::Operation,
        currency: amount_field("currency")
            .and_then(Value::as_str)
            .map(str::to_owned),
        amounts: success.then_some(amounts),
        amount,
        timestamp: body
            .get("timestamp")
            .and_then(Value::as_str)
            .map(str::to_owned),
        success,
        extra,
        // The dispatcher attaches the body it owns (no copy): see `Outcome::with_raw`.
        raw: Value::Null,
    })
}
