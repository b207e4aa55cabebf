//! `GET /_sim/order-management/{orderId}`: what was stored for an order, for tests.

use super::implicit::receipt_of;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::extract::{Path, State};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

/// `{"orders":[{"msn","orderId","paymentType","receipt","category"}]}`: one entry per merchant
/// with a receipt (posted, or from the payment itself) or a category for the orderId, `null`
/// for what is missing; 404 when there is none.
pub async fn stored_order(State(sim): State<Arc<Sim>>, Path(order_id): Path<String>) -> Reply {
    let store = sim.store();
    let mut msns: BTreeSet<String> = store
        .order_management
        .orders
        .keys()
        .filter(|(_, id)| *id == order_id)
        .map(|(msn, _)| msn.clone())
        .collect();
    msns.extend(store.sessions.get(&order_id).map(|s| s.msn.clone()));
    let orders: Vec<Value> = msns
        .iter()
        .filter_map(|msn| {
            let category = store
                .order_management
                .orders
                .get(&(msn.clone(), order_id.clone()))
                .and_then(|i| i.category.clone());
            let receipt = receipt_of(&store, msn, &order_id);
            (receipt.is_some() || category.is_some()).then(|| {
                json!({
                    "msn": msn,
                    "orderId": order_id,
                    "paymentType": "ECOM",
                    "receipt": receipt,
                    "category": category,
                })
            })
        })
        .collect();
    if orders.is_empty() {
        return problem::generic(
            &sim,
            404,
            &format!("Nothing stored for orderId '{order_id}'."),
        );
    }
    Reply::json(200, &json!({ "orders": orders }))
}
