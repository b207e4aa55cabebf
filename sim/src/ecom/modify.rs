//! `POST …/{orderId}/capture`, `PUT …/{orderId}/cancel` and `POST …/{orderId}/refund`.
//! `X-Request-Id` is required for capture and refund and optional for cancel; with it the
//! first response is replayed for the same body and a different body is error 93.

use super::body;
use super::errors;
use super::errors::EcomError;
use super::headers;
use super::idempotency::Lookup;
use super::rules::Stamp;
use super::validation::{validate_action, ActionKind};
use super::views;
use crate::json_body::fingerprint;
use crate::reply::{Reply, JSON_UTF8};
use crate::state::{Sim, Store};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Map, Value};
use std::sync::Arc;

impl ActionKind {
    fn endpoint(self) -> &'static str {
        match self {
            ActionKind::Capture => "capture",
            ActionKind::Refund => "refund",
            ActionKind::Cancel => "cancel",
        }
    }
}

pub async fn capture(
    State(sim): State<Arc<Sim>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Reply {
    act(&sim, &order_id, &headers, &raw, ActionKind::Capture)
}

pub async fn refund(
    State(sim): State<Arc<Sim>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Reply {
    act(&sim, &order_id, &headers, &raw, ActionKind::Refund)
}

pub async fn cancel(
    State(sim): State<Arc<Sim>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Reply {
    act(&sim, &order_id, &headers, &raw, ActionKind::Cancel)
}

fn act(sim: &Sim, order_id: &str, headers: &HeaderMap, raw: &[u8], kind: ActionKind) -> Reply {
    if let Err(r) = headers::authorize(sim, headers) {
        return r;
    }
    let header_msn = match headers::header_msn(sim, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let required = kind != ActionKind::Cancel;
    let request_id = match headers::request_id(sim, headers, required) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let obj = match body::object(sim, raw) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let msn = match headers::body_msn(sim, &obj, header_msn.as_deref()) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let print = fingerprint(raw);
    let mut store = sim.store();
    if let Some(id) = &request_id {
        match store
            .ecom
            .request_ids
            .lookup(&msn, order_id, kind.endpoint(), id, &print)
        {
            Lookup::Replay(r) => return r,
            Lookup::Mismatch => return body::request_id_mismatch(sim, id),
            Lookup::Fresh => {}
        }
    }
    let reply = apply(
        sim,
        &mut store,
        &msn,
        order_id,
        &obj,
        kind,
        request_id.as_deref(),
    );
    if let Some(id) = &request_id {
        store
            .ecom
            .request_ids
            .remember(&msn, order_id, kind.endpoint(), id, print, &reply);
    }
    reply
}

fn apply(
    sim: &Sim,
    store: &mut Store,
    msn: &str,
    order_id: &str,
    obj: &Map<String, Value>,
    kind: ActionKind,
    request_id: Option<&str>,
) -> Reply {
    let valid = match validate_action(obj, kind) {
        Ok(v) => v,
        Err(e) => return errors::validation(sim, &e),
    };
    let Some(order) = store.ecom.get_mut(msn, order_id) else {
        return EcomError::order_not_found(order_id, msn).reply(sim);
    };
    let stamp = Stamp {
        now_ms: sim.now_ms(),
        ids: &sim.ids,
        request_id: request_id.unwrap_or(""),
    };
    let text = valid.transaction_text.as_str();
    let outcome = match kind {
        ActionKind::Capture => order
            .capture(valid.amount, text, &stamp)
            .map(|e| views::captured(order, &e)),
        ActionKind::Refund => order
            .refund(valid.amount.unwrap_or(0), text, &stamp)
            .map(|e| views::refunded(order, &e)),
        ActionKind::Cancel => order
            .merchant_cancel(valid.release_remaining, text, &stamp)
            .map(|e| views::cancelled(order, &e)),
    };
    match outcome {
        Ok(body) => Reply::typed(200, JSON_UTF8, &body),
        Err(e) => e.reply(sim),
    }
}
