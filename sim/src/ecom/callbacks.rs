//! What eCom sends to the merchant (`ms_import.yaml`): the payment callback
//! `POST [callbackPrefix]/v2/payments/{orderId}` and the consent removal
//! `DELETE [consentRemovalPrefix]/v2/consents/{userId}`, both with `Authorization: <authToken>`
//! when an `authToken` was given. One attempt each, never retried (outbound policy).

use super::model::{EcomOrder, LogEntry, Operation, Status};
use crate::outbound::{Delivery, Signing, Target};
use crate::timefmt::rfc3339_ms;
use serde_json::{json, Value};

pub fn signing(order: &EcomOrder) -> Signing {
    match &order.initiate.auth_token {
        Some(t) => Signing::RawAuthorization(t.clone()),
        None => Signing::Unsigned,
    }
}

/// The callback status of a log entry: regular `RESERVED`, express `RESERVE` (a documented
/// quirk of the API), `CANCELLED` when the user cancelled in the app, `REJECTED` when the user
/// did not act in time. `None` for operations that have no callback (merchant operations).
pub fn status_for(order: &EcomOrder, entry: &LogEntry) -> Option<&'static str> {
    match (entry.operation, order.status) {
        (Operation::Reserve, _) if order.is_express() => Some("RESERVE"),
        (Operation::Reserve, _) => Some("RESERVED"),
        (Operation::Cancel, Status::Rejected) => Some("CANCELLED"),
        (Operation::Cancel, Status::Cancel) if order.cancelled == 0 => Some("REJECTED"),
        _ => None,
    }
}

/// The payment callback for `entry`, if that operation has one.
pub fn payment_callback(order: &EcomOrder, entry: &LogEntry) -> Option<Delivery> {
    let status = status_for(order, entry)?;
    let mut body = json!({
        "merchantSerialNumber": order.msn,
        "orderId": order.initiate.order_id,
        "transactionInfo": {
            "amount": entry.amount,
            "status": status,
            "timeStamp": rfc3339_ms(entry.at_ms),
            "transactionId": entry.transaction_id,
        },
    });
    if order.is_express() && entry.operation == Operation::Reserve {
        if let Some(shipping) = &order.shipping_details {
            body["shippingDetails"] = shipping.clone();
        }
        if let Some(user) = &order.user_details {
            body["userDetails"] = user.clone();
        }
    }
    Some(Delivery {
        target: Target::Ecom,
        url: format!(
            "{}/v2/payments/{}",
            order.initiate.callback_prefix, order.initiate.order_id
        ),
        body: body.to_string(),
        signing: signing(order),
        order_key: Some(format!("ecom|{}|{}", order.msn, order.initiate.order_id)),
    })
}

/// Percent-encodes everything but unreserved characters (a `userId` may hold `/`, `+`, `=`).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The consent-removal deliveries for a user: one per distinct merchant endpoint (URL and
/// token) among the express orders the user approved.
pub fn consent_removals<'a>(
    orders: impl Iterator<Item = &'a EcomOrder>,
    user_id: &str,
) -> Vec<Delivery> {
    let mut out: Vec<Delivery> = Vec::new();
    let mut orders: Vec<&EcomOrder> = orders
        .filter(|o| {
            o.user_details
                .as_ref()
                .and_then(|u| u.get("userId"))
                .and_then(Value::as_str)
                == Some(user_id)
        })
        .collect();
    orders.sort_by(|a, b| {
        (a.created_at_ms, &a.initiate.order_id).cmp(&(b.created_at_ms, &b.initiate.order_id))
    });
    for order in orders {
        let Some(prefix) = &order.initiate.consent_removal_prefix else {
            continue;
        };
        let url = format!("{prefix}/v2/consents/{}", url_encode(user_id));
        let duplicate = out
            .iter()
            .any(|d| d.url == url && format!("{:?}", d.signing) == format!("{:?}", signing(order)));
        if !duplicate {
            out.push(Delivery {
                target: Target::EcomConsent,
                url,
                body: String::new(),
                signing: signing(order),
                order_key: None,
            });
        }
    }
    out
}
