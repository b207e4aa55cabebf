//! `GET /epayment/v1/payments/{reference}` and `GET …/{reference}/events`.

use super::headers;
use crate::payments::views;
use crate::reply::Reply;
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::Value;
use std::sync::Arc;

pub async fn get_payment(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let msn = match headers::authorize(&sim, &headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut txn = sim.txn();
    let mut body = match txn.payment(&reference) {
        Some(p) if p.msn == msn => views::get_payment(p),
        _ => return headers::not_found(&sim, &reference),
    };
    // A paid CARD payment also names its card's BIN (`PaymentMethodResponse.cardBin`).
    if let Some(bin) = txn.store().card_bins.get(&reference).cloned() {
        body["paymentMethod"]["cardBin"] = Value::String(bin);
    }
    // Express: the customer's address, shipping choice and profile.
    super::express::add_details(txn.store(), &reference, &mut body);
    Reply::json(200, &body)
}

pub async fn get_events(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Reply {
    read(&sim, &reference, &headers, |p| {
        Value::Array(p.events.iter().map(|e| views::event(p, e)).collect())
    })
}

fn read(
    sim: &Arc<Sim>,
    reference: &str,
    headers: &HeaderMap,
    render: impl Fn(&crate::payments::Payment) -> Value,
) -> Reply {
    let msn = match headers::authorize(sim, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut txn = sim.txn();
    match txn.payment(reference) {
        Some(p) if p.msn == msn => Reply::json(200, &render(p)),
        _ => headers::not_found(sim, reference),
    }
}
