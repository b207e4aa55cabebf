//! Receipts that arrive with the payment rather than through `POST …/receipts/{orderId}`:
//!
//! - Checkout: a session's `transaction.orderSummary` (`orderLines` + `orderBottomLine`) is the
//!   receipt, as the Checkout guide says ("the receipt will be created when payment is
//!   initiated"); a `PATCH` of the summary changes it.
//! - ePayment: `CreatePaymentRequest.receipt` (`orderLines` + `bottomLine`) is stored at
//!   creation.
//!
//! Either counts only when it passes the same checks as a posted receipt (shape and the sum
//! against the payment); otherwise the order simply has no receipt yet. Once there is one, a
//! posted receipt gets 409, as for a second receipt.

use super::orders;
use super::receipt::{check_against, check_shape};
use crate::state::Store;
use serde_json::{json, Value};

/// The receipt of an order: posted, else the Checkout session's order summary.
pub fn receipt_of(store: &Store, msn: &str, order_id: &str) -> Option<Value> {
    let posted = store
        .order_management
        .orders
        .get(&(msn.to_string(), order_id.to_string()))
        .and_then(|i| i.receipt.clone());
    posted.or_else(|| checkout_receipt(store, msn, order_id))
}

fn checkout_receipt(store: &Store, msn: &str, order_id: &str) -> Option<Value> {
    let session = store.sessions.get(order_id).filter(|s| s.msn == msn)?;
    let summary = session.order_summary.as_ref()?;
    let receipt = json!({
        "orderLines": summary.get("orderLines")?,
        "bottomLine": summary.get("orderBottomLine")?,
    });
    accepted(store, msn, order_id, &receipt).then_some(receipt)
}

/// Whether `receipt` is valid for the order as it is now.
fn accepted(store: &Store, msn: &str, order_id: &str, receipt: &Value) -> bool {
    let Some(order) = orders::find(store, msn, "ECOM", order_id) else {
        return false;
    };
    let Some(obj) = receipt.as_object() else {
        return false;
    };
    check_shape(obj).is_ok_and(|t| check_against(&t, order.amount, &order.currency).is_empty())
}

/// Stores the `receipt` of an ePayment create request when it is valid for the payment.
pub fn accept_payment_receipt(store: &mut Store, msn: &str, reference: &str, receipt: &Value) {
    if accepted(store, msn, reference, receipt) {
        store
            .order_management
            .orders
            .entry((msn.to_string(), reference.to_string()))
            .or_default()
            .receipt = Some(receipt.clone());
    }
}
