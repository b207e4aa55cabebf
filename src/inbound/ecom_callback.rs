//! eCom v2 (legacy) merchant endpoints called by Vipps (`ms_import.yaml`): the transaction
//! update callback `POST [callbackPrefix]/v2/payments/{orderId}` and the consent removal
//! `DELETE [consentRemovalPrefix]/v2/consents/{userId}`. Both carry
//! `Authorization: <authToken>` from the initiate request.

use super::event::{minor_units, pass_on, Basis, Event};
use super::request::{InboundRequest, Kind};
use super::{token, Outcome};
use crate::json::input::lenient;
use crate::model::status::{Amounts, Status};
use crate::Client;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// What the library reads of a transaction update callback (`ms_import.yaml`), decoded once,
/// leniently: a field of the wrong type reads as absent, as it did when the body was read by key.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct CallbackBody {
    #[serde(deserialize_with = "lenient::text")]
    order_id: Option<String>,
    #[serde(deserialize_with = "lenient::object")]
    transaction_info: Option<TransactionInfo>,
    /// As it came, `null` included (a number is passed on as text).
    #[serde(deserialize_with = "lenient::raw")]
    merchant_serial_number: Option<Value>,
    /// Present (even `null`) makes the callback an express one; passed on unless `null`.
    #[serde(deserialize_with = "lenient::raw")]
    shipping_details: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    user_details: Option<Value>,
    /// Passed on unless `null`.
    error_info: Option<Value>,
}

/// The callback's `transactionInfo`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct TransactionInfo {
    #[serde(deserialize_with = "lenient::text")]
    status: Option<String>,
    /// Kept as JSON, to tell a missing amount from an impossible one (`minor_units`).
    amount: Option<Value>,
    #[serde(deserialize_with = "lenient::text")]
    transaction_id: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    time_stamp: Option<String>,
}

/// The token an eCom callback for `order_id` must carry: the `authToken` the plugin sent,
/// or the one derived from `callback_secret` (`Client::ecom_auth_token`).
pub fn expected_token(client: &Client, request: &InboundRequest, order_id: &str) -> Option<String> {
    request
        .expected_token
        .clone()
        .or_else(|| client.ecom_auth_token(order_id))
}

pub fn handle(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::EcomCallback;
    let mut view: CallbackBody = lenient::decode(body);
    let Some(order_id) = view.order_id.take() else {
        return Outcome::bad_request(Some(kind), None, "the callback body has no orderId".into());
    };
    // The orderId in the path (`…/v2/payments/{orderId}`), when there is one, must be the
    // body's; when the plugin routed the request without it, the token binds the body's.
    let order_id = order_id.as_str();
    match request.ecom_path_id("payments", None) {
        Err(reason) => return Outcome::bad_request(Some(kind), Some(order_id), reason),
        Ok(Some(in_path)) if in_path != order_id => {
            return Outcome::unauthorized(
                kind,
                Some(order_id),
                "the orderId in the URL differs from the orderId in the body".into(),
            )
        }
        Ok(_) => {}
    }
    if let Err(reason) = super::check_reference(request, order_id) {
        return Outcome::unauthorized(kind, Some(order_id), reason);
    }
    let expected = expected_token(client, request, order_id);
    if let Err(reason) = token::check(
        request,
        expected.as_deref(),
        &format!("order {}", super::untrusted::shown(order_id)),
    ) {
        return Outcome::unauthorized(kind, Some(order_id), reason);
    }
    match event(view, order_id) {
        Ok(event) => Outcome::ack(event),
        Err(reason) => Outcome::bad_request(Some(kind), Some(order_id), reason),
    }
}

/// The normalized status of an eCom callback status, with the totals it implies.
/// Every documented status is known, the retired ones too (`RESERVE_FAILED`, `SALE_FAILED`,
/// `AUTO_CANCEL` left the spec in 2022 but old integrations may still see them).
fn status_and_amounts(status: &str, amount: i64) -> (Option<Status>, Amounts) {
    let mut a = Amounts::default();
    let status = match status {
        // RESERVED (regular) and RESERVE (express): the amount is reserved.
        "RESERVED" | "RESERVE" => {
            a.authorized = amount;
            Status::Authorized
        }
        // Direct capture: reserved and captured at once.
        "SALE" => {
            a.authorized = amount;
            a.captured = amount;
            Status::Captured
        }
        "CANCELLED" => {
            a.cancelled = amount;
            Status::Cancelled
        }
        // The payment timed out in the app without the user acting.
        "AUTO_CANCEL" => Status::Expired,
        "REJECTED" | "RESERVE_FAILED" | "SALE_FAILED" => Status::Failed,
        _ => return (None, a),
    };
    (Some(status), a)
}

fn event(view: CallbackBody, order_id: &str) -> Result<Event, String> {
    let info = view
        .transaction_info
        .ok_or("the callback body has no transactionInfo")?;
    let status_name = info.status.ok_or("transactionInfo.status is missing")?;
    let amount = minor_units(info.amount.as_ref());
    let (status, amounts) = status_and_amounts(&status_name, amount.unwrap_or(0));
    let transaction_id = info.transaction_id.unwrap_or_default();
    let mut extra = Map::new();
    // The guide's example sends merchantSerialNumber as a number, the schema as a string.
    if let Some(msn) = view.merchant_serial_number {
        let msn = match msn {
            Value::Number(n) => json!(n.to_string()),
            other => other,
        };
        extra.insert("merchant_serial_number".into(), msn);
    }
    extra.insert("transaction_id".into(), json!(transaction_id));
    let express = view.shipping_details.is_some() || view.user_details.is_some();
    extra.insert("express".into(), json!(express));
    // A present null marks the callback express (above) but is not passed on.
    let not_null = |value: Option<Value>| value.filter(|v| !v.is_null());
    pass_on(
        &mut extra,
        [
            ("shipping_details", not_null(view.shipping_details)),
            ("user_details", not_null(view.user_details)),
            ("error_info", view.error_info),
        ],
    );
    Ok(Event {
        kind: Kind::EcomCallback,
        reference: order_id.to_owned(),
        id: format!("ecom:{order_id}:{status_name}:{transaction_id}"),
        name: status_name,
        state: None,
        status,
        basis: Basis::Total,
        currency: Some("NOK".into()),
        amounts: status.map(|_| amounts),
        amount,
        timestamp: info.time_stamp,
        success: true,
        extra,
        // The dispatcher attaches the body it owns (no copy): see `Outcome::with_raw`.
        raw: Value::Null,
    })
}

/// `DELETE …/v2/consents/{userId}`: the user withdrew consent; the plugin must delete the
/// user's details. The request names no order, so the token is `expected_token` (the
/// `authToken` sent for the user's payments), or derived from `reference` when the plugin
/// passes the orderId it knows the user by.
pub fn consent_removal(client: &Client, request: &InboundRequest) -> Outcome {
    let kind = Kind::EcomConsentRemoval;
    let user_id = match request.ecom_path_id("consents", None) {
        Ok(Some(id)) => id,
        Ok(None) => {
            return Outcome::bad_request(
                Some(kind),
                None,
                "the URL has no /v2/consents/{userId}".into(),
            )
        }
        Err(reason) => return Outcome::bad_request(Some(kind), None, reason),
    };
    if request.method != "DELETE" {
        return Outcome::bad_request(
            Some(kind),
            None,
            format!(
                "a consent removal is a DELETE, got {}",
                super::untrusted::shown(&request.method)
            ),
        );
    }
    let reference = request.reference.as_deref();
    let expected = request
        .expected_token
        .clone()
        .or_else(|| reference.and_then(|r| client.ecom_auth_token(r)));
    if let Err(reason) = token::check(request, expected.as_deref(), "the consent removal") {
        return Outcome::unauthorized(kind, reference, reason);
    }
    let mut extra = Map::new();
    extra.insert("user_id".into(), json!(user_id));
    Outcome::ack(Event::notice(
        Kind::EcomConsentRemoval,
        reference.unwrap_or_default().to_owned(),
        format!("ecom-consent:{user_id}"),
        "CONSENT_REMOVED",
        extra,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_status_is_normalized() {
        let cases = [
            ("RESERVED", Some(Status::Authorized), [1000, 0, 0]),
            ("RESERVE", Some(Status::Authorized), [1000, 0, 0]),
            ("SALE", Some(Status::Captured), [1000, 1000, 0]),
            ("CANCELLED", Some(Status::Cancelled), [0, 0, 1000]),
            ("REJECTED", Some(Status::Failed), [0, 0, 0]),
            ("RESERVE_FAILED", Some(Status::Failed), [0, 0, 0]),
            ("SALE_FAILED", Some(Status::Failed), [0, 0, 0]),
            ("AUTO_CANCEL", Some(Status::Expired), [0, 0, 0]),
            ("SOMETHING_NEW", None, [0, 0, 0]),
        ];
        for (name, status, [authorized, captured, cancelled]) in cases {
            let (s, a) = status_and_amounts(name, 1000);
            assert_eq!(s, status, "{name}");
            assert_eq!(
                (a.authorized, a.captured, a.cancelled),
                (authorized, captured, cancelled),
                "{name}"
            );
        }
    }
}
