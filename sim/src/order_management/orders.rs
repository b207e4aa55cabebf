//! Which orders the Order Management API knows: for `paymentType` `ECOM`, an ePayment payment
//! (Checkout sessions included) or an eCom v2 order of the calling merchant. `RECURRING`
//! agreements are not simulated, so no such order exists.

use crate::state::Store;

/// The payment a receipt must add up to.
#[derive(Clone, Debug, PartialEq)]
pub struct KnownOrder {
    /// ePayment: `amount.value`; eCom: the reserved amount (express: with shipping), before
    /// the reservation the initiated amount.
    pub amount: i64,
    pub currency: String,
    /// The state shown in the app (`AUTHORIZED`, eCom `RESERVE`, …).
    pub state: String,
}

pub fn find(store: &Store, msn: &str, payment_type: &str, order_id: &str) -> Option<KnownOrder> {
    if payment_type != "ECOM" {
        return None;
    }
    if let Some(p) = store.payments.get(order_id).filter(|p| p.msn == msn) {
        return Some(KnownOrder {
            amount: p.amount,
            currency: p.currency.clone(),
            state: p.state.as_str().to_string(),
        });
    }
    let order = store
        .ecom
        .orders
        .get(&(msn.to_string(), order_id.to_string()))?;
    Some(KnownOrder {
        amount: if order.reserved > 0 {
            order.reserved
        } else {
            order.initiate.amount
        },
        currency: "NOK".into(),
        state: order.status.as_str().to_string(),
    })
}
