//! `POST /ecomm/v2/integration-test/payments/{orderId}/approve` (test environment only): body
//! `{customerPhoneNumber?, token?}`, answers 200 without a body. Express orders and
//! `skipLandingPage` orders are not supported (guide "Testing"): error 91.

use super::actions::{self, ApproveInput};
use super::body;
use super::errors::{self, EcomError};
use super::headers;
use super::idempotency::Lookup;
use super::validation::validate_force_approve;
use crate::json_body::fingerprint;
use crate::reply::Reply;
use crate::state::Sim;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use std::sync::Arc;

const ENDPOINT: &str = "approve";

pub async fn force_approve(
    State(sim): State<Arc<Sim>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Reply {
    if let Err(r) = headers::authorize(&sim, &headers) {
        return r;
    }
    let msn = match headers::header_msn(&sim, &headers) {
        Ok(m) => headers::default_msn(&sim, m),
        Err(r) => return r,
    };
    let request_id = match headers::request_id(&sim, &headers, false) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let obj = match body::optional_object(&sim, &raw) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let print = fingerprint(&raw);
    if let Some(id) = &request_id {
        let store = sim.store();
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
    let reply = approve(&sim, &msn, &order_id, &obj);
    if let Some(id) = &request_id {
        sim.store()
            .ecom
            .request_ids
            .remember(&msn, &order_id, ENDPOINT, id, print, &reply);
    }
    reply
}

fn approve(
    sim: &Arc<Sim>,
    msn: &str,
    order_id: &str,
    obj: &serde_json::Map<String, serde_json::Value>,
) -> Reply {
    let phone = match validate_force_approve(obj) {
        Ok(p) => p,
        Err(e) => return errors::validation(sim, &e),
    };
    let key = (msn.to_string(), order_id.to_string());
    let unsupported = {
        let store = sim.store();
        match store.ecom.orders.get(&key) {
            None => return EcomError::order_not_found(order_id, msn).reply(sim),
            Some(o) if o.is_express() => Some("express payments (eComm Express Payment)"),
            Some(o) if o.initiate.skip_landing_page => Some("skipLandingPage"),
            Some(_) => None,
        }
    };
    if let Some(what) = unsupported {
        return EcomError::vipps(
            "91",
            format!("Transaction is not allowed: the integration-test approve endpoint does not support {what}."),
        )
        .reply(sim);
    }
    let input = ApproveInput {
        phone,
        ..ApproveInput::default()
    };
    match actions::approve(sim, &key, input) {
        Ok(_) => Reply::empty(200),
        Err(e) => e.reply(sim),
    }
}
