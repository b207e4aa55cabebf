//! `GET /_sim/order-management/{orderId}`: what was stored for an order, for tests.

use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::extract::{Path, State};
use serde_json::{json, Value};
use std::sync::Arc;

/// `{"orders":[{"msn","orderId","receipt","category"}]}` (one entry per merchant that stored
/// something for the orderId, `null` for what is missing); 404 when none did.
pub async fn stored_order(State(sim): State<Arc<Sim>>, Path(order_id): Path<String>) -> Reply {
    let store = sim.store();
    let mut found: Vec<(&String, Value)> = store
        .order_management
        .orders
        .iter()
        .filter(|((_, id), _)| *id == order_id)
        .map(|((msn, _), info)| {
            (
                msn,
                json!({
                    "msn": msn,
                    "orderId": order_id,
                    "paymentType": "ECOM",
                    "receipt": info.receipt,
                    "category": info.category,
                }),
            )
        })
        .collect();
    if found.is_empty() {
        return problem::generic(
            &sim,
            404,
            &format!("Nothing stored for orderId '{order_id}'."),
        );
    }
    found.sort_by(|a, b| a.0.cmp(b.0));
    let orders: Vec<Value> = found.into_iter().map(|(_, v)| v).collect();
    Reply::json(200, &json!({ "orders": orders }))
}
