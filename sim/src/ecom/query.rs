//! `GET …/{orderId}/details` (`TransactionDetails`) and the deprecated `GET …/{orderId}/status`.

use super::errors::EcomError;
use super::headers;
use super::model::EcomOrder;
use super::views;
use crate::reply::{Reply, JSON_UTF8};
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::Value;
use std::sync::Arc;

pub async fn details(
    State(sim): State<Arc<Sim>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    read(&sim, &order_id, &headers, views::details)
}

pub async fn status(
    State(sim): State<Arc<Sim>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    read(&sim, &order_id, &headers, views::status)
}

fn read(sim: &Sim, order_id: &str, headers: &HeaderMap, render: fn(&EcomOrder) -> Value) -> Reply {
    if let Err(r) = headers::authorize(sim, headers) {
        return r;
    }
    let msn = match headers::header_msn(sim, headers) {
        Ok(m) => headers::default_msn(sim, m),
        Err(r) => return r,
    };
    let mut store = sim.store();
    match store.ecom.get_mut(&msn, order_id) {
        Some(order) => Reply::typed(200, JSON_UTF8, &render(order)),
        None => EcomError::order_not_found(order_id, &msn).reply(sim),
    }
}
