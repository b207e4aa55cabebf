//! JSON renderings of an order: `TransactionDetails`, `PaymentStatus`, the capture, cancel and
//! refund responses, and the `/_sim/ledger` entry.

use super::model::{EcomOrder, LogEntry, Status};
use crate::timefmt::rfc3339_ms;
use serde_json::{json, Value};

/// The BIN the simulated card has (`transactionSummary.bankIdentificationNumber`).
const SIMULATED_BIN: i64 = 492_560;

pub fn summary(o: &EcomOrder) -> Value {
    json!({
        "capturedAmount": o.captured,
        "remainingAmountToCapture": o.remaining_to_capture(),
        "refundedAmount": o.refunded,
        "remainingAmountToRefund": o.remaining_to_refund(),
    })
}

fn log_entry(e: &LogEntry) -> Value {
    json!({
        "amount": e.amount,
        "operation": e.operation.as_str(),
        "operationSuccess": true,
        "requestId": e.request_id,
        "timeStamp": rfc3339_ms(e.at_ms),
        "transactionId": e.transaction_id,
        "transactionText": e.transaction_text,
    })
}

/// `TransactionDetails`: the whole log, newest first. `transactionSummary` is left out while
/// the user has not acted (guide "Requests and responses"); express orders carry
/// `userDetails` and `shippingDetails` once approved.
pub fn details(o: &EcomOrder) -> Value {
    let history: Vec<Value> = o.log.iter().rev().map(log_entry).collect();
    let mut body = json!({
        "orderId": o.initiate.order_id,
        "transactionLogHistory": history,
    });
    if o.status != Status::Initiate {
        let mut s = summary(o);
        if o.reserved > 0 {
            s["bankIdentificationNumber"] = json!(SIMULATED_BIN);
        }
        body["transactionSummary"] = s;
    }
    if let Some(user) = &o.user_details {
        body["userDetails"] = user.clone();
    }
    if let Some(shipping) = &o.shipping_details {
        body["shippingDetails"] = shipping.clone();
    }
    body
}

/// `PaymentStatus` of the deprecated `/status`.
pub fn status(o: &EcomOrder) -> Value {
    let last = o.last_entry();
    json!({
        "orderId": o.initiate.order_id,
        "transactionInfo": {
            "amount": if o.reserved > 0 { o.reserved } else { o.initiate.amount },
            "status": o.status.as_str(),
            "timeStamp": last.map(|e| rfc3339_ms(e.at_ms)),
            "transactionId": last.map(|e| e.transaction_id.clone()),
        },
    })
}

/// The `TransactionInfo` of a capture, cancel or refund response.
pub fn transaction_info(amount: i64, status: &str, e: &LogEntry) -> Value {
    json!({
        "amount": amount,
        "status": status,
        "timeStamp": rfc3339_ms(e.at_ms),
        "transactionId": e.transaction_id,
        "transactionText": e.transaction_text,
    })
}

/// `TransactionResponse` (capture): `transactionInfo.status` is `Captured`.
pub fn captured(o: &EcomOrder, e: &LogEntry) -> Value {
    json!({
        "orderId": o.initiate.order_id,
        "transactionInfo": transaction_info(e.amount, "Captured", e),
        "transactionSummary": summary(o),
    })
}

/// `CancelTransactionResponse`: the order amount with status `Cancelled`.
pub fn cancelled(o: &EcomOrder, e: &LogEntry) -> Value {
    let amount = if o.reserved > 0 {
        o.reserved
    } else {
        o.initiate.amount
    };
    json!({
        "orderId": o.initiate.order_id,
        "transactionInfo": transaction_info(amount, "Cancelled", e),
        "transactionSummary": summary(o),
    })
}

/// `RefundTransactionResponse`: the spec and the guide name the object `transaction` here
/// (not `transactionInfo`); its status is `Refund`.
pub fn refunded(o: &EcomOrder, e: &LogEntry) -> Value {
    json!({
        "orderId": o.initiate.order_id,
        "transaction": transaction_info(e.amount, "Refund", e),
        "transactionSummary": summary(o),
    })
}

/// One `/_sim/ledger` entry, with the fields ePayment entries have.
pub fn ledger_entry(o: &EcomOrder) -> Value {
    json!({
        "reference": o.initiate.order_id,
        "api": "ecom",
        "msn": o.msn,
        "state": o.status.as_str(),
        "currency": "NOK",
        "amount": o.initiate.amount,
        "authorized": o.reserved,
        "captured": o.captured,
        "refunded": o.refunded,
        "cancelled": o.cancelled,
        "captures": o.captures,
        "refunds": o.refunds,
    })
}
