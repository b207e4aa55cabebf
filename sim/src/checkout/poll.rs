//! `GET /checkout/v3/session/{reference}`: the `SessionResponse`.

use super::auth;
use super::session_view::render;
use crate::problem;
use crate::reply::Reply;
use crate::state::{Sim, Txn};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

pub async fn get_session(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let msn = match auth::authorize(&sim, &headers, false) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut txn = sim.txn();
    match current_view(&mut txn, &reference, &msn) {
        Some(view) => Reply::json(200, &view),
        None => not_known(&sim),
    }
}

/// The session's response after lazy expiry, if it exists for this merchant.
pub fn current_view(txn: &mut Txn, reference: &str, msn: &str) -> Option<Value> {
    txn.payment(reference)?;
    let store = txn.store();
    let session = store.sessions.get(reference).filter(|s| s.msn == msn)?;
    let payment = store.payments.get(reference)?;
    Some(render(session, payment))
}

/// The documented 404 (checkout guide FAQ).
pub fn not_known(sim: &Sim) -> Reply {
    problem::checkout(
        sim,
        404,
        "Session expired or not known.",
        "No session with this reference exists for the merchant.",
        "Session-00100",
        &BTreeMap::new(),
    )
}
