//! `POST /ecomm/v2/payments`: initiate (200 `{orderId, url}`; 34 for a used orderId).

use super::body;
use super::errors::{self, EcomError};
use super::headers;
use super::idempotency::Lookup;
use super::model::{EcomOrder, LogEntry, Operation, Status};
use super::validation::{validate_initiate, ValidInitiate};
use crate::json_body::fingerprint;
use crate::reply::{Reply, JSON_UTF8};
use crate::state::{Sim, Store};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::sync::Arc;

const ENDPOINT: &str = "initiate";

pub async fn initiate(State(sim): State<Arc<Sim>>, headers: HeaderMap, raw: Bytes) -> Reply {
    if let Err(r) = headers::authorize(&sim, &headers) {
        return r;
    }
    let header_msn = match headers::header_msn(&sim, &headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let request_id = match headers::request_id(&sim, &headers, false) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let obj = match body::object(&sim, &raw) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let msn = match headers::body_msn(&sim, &obj, header_msn.as_deref()) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let order_id = obj
        .get("transaction")
        .and_then(|t| t.get("orderId"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let print = fingerprint(&raw);
    let mut store = sim.store();
    if let Some(id) = &request_id {
        match store
            .ecom
            .request_ids
            .lookup(&msn, &order_id, ENDPOINT, id, &print)
        {
            Lookup::Replay(r) => return r,
            Lookup::Mismatch => return body::request_id_mismatch(&sim, id),
            Lookup::Fresh => {}
        }
    }
    let reply = match validate_initiate(&obj) {
        Err(e) => errors::validation(&sim, &e),
        Ok(valid) => create(&sim, &mut store, &msn, valid, request_id.as_deref()),
    };
    if let Some(id) = &request_id {
        store
            .ecom
            .request_ids
            .remember(&msn, &order_id, ENDPOINT, id, print, &reply);
    }
    reply
}

fn create(
    sim: &Sim,
    store: &mut Store,
    msn: &str,
    v: ValidInitiate,
    request_id: Option<&str>,
) -> Reply {
    let key = (msn.to_string(), v.order_id.clone());
    if store.ecom.orders.contains_key(&key) {
        return EcomError::new(
            400,
            "Merchant",
            "34",
            format!(
                "The orderId '{}' has already been used for another payment for this MSN; the orderId must be unique for the MSN.",
                v.order_id
            ),
        )
        .reply(sim);
    }
    let now = sim.now_ms();
    let entry = LogEntry {
        operation: Operation::Initiate,
        amount: v.amount,
        request_id: request_id.unwrap_or("").to_string(),
        at_ms: now,
        transaction_id: sim.ids.digits(10),
        transaction_text: v.transaction_text.clone(),
    };
    // Built before the request moves into the order, which then owns the orderId.
    let url = format!("{}/sim/ecom-landing/{}", sim.base_url, v.order_id);
    let answer = json!({ "orderId": v.order_id, "url": url });
    let order = EcomOrder {
        msn: msn.to_string(),
        initiate: v,
        created_at_ms: now,
        status: Status::Initiate,
        reserved: 0,
        captured: 0,
        refunded: 0,
        cancelled: 0,
        captures: Vec::new(),
        refunds: Vec::new(),
        log: vec![entry],
        user_details: None,
        shipping_details: None,
        approving: false,
    };
    store.ecom.orders.insert(key, order);
    Reply::typed(200, JSON_UTF8, &answer)
}
