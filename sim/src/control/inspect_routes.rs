//! Reset, clock, and what the simulator saw: requests, deliveries, stats and the ledger.

use crate::json_body::parse_object;
use crate::payments::views::ledger_entry;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use crate::timefmt::rfc3339_ms;
use axum::body::Bytes;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn reset(State(sim): State<Arc<Sim>>) -> Reply {
    sim.reset();
    Reply::empty(204)
}

/// `{"seconds": N}` moves the simulated clock forward (negative N moves it back).
pub async fn advance_clock(State(sim): State<Arc<Sim>>, body: Bytes) -> Reply {
    let seconds = parse_object(&body)
        .ok()
        .and_then(|v| v.get("seconds").and_then(Value::as_i64));
    let Some(seconds) = seconds else {
        return problem::generic(&sim, 400, "Expected {\"seconds\": <integer>}.");
    };
    sim.clock.advance_secs(seconds);
    // Deadlines passed now take effect now, so their webhooks go out without another call.
    sim.txn().refresh_all();
    Reply::json(200, &json!({ "now": rfc3339_ms(sim.now_ms()) }))
}

pub async fn stats(State(sim): State<Arc<Sim>>) -> Reply {
    Reply::json(
        200,
        &json!({
            "token_fetches": sim.stats.token_fetches(),
            "requests": sim.stats.requests(),
            "connections": sim.stats.connections(),
        }),
    )
}

#[derive(Deserialize)]
pub struct RequestFilter {
    path_prefix: Option<String>,
}

pub async fn requests(State(sim): State<Arc<Sim>>, Query(filter): Query<RequestFilter>) -> Reply {
    let records = sim.requests.matching(filter.path_prefix.as_deref());
    Reply::json(200, &json!(records))
}

pub async fn clear_requests(State(sim): State<Arc<Sim>>) -> Reply {
    sim.requests.clear();
    Reply::empty(204)
}

pub async fn callbacks(State(sim): State<Arc<Sim>>) -> Reply {
    Reply::json(200, &json!(sim.outbound.log.all()))
}

pub async fn clear_callbacks(State(sim): State<Arc<Sim>>) -> Reply {
    sim.outbound.log.clear();
    Reply::empty(204)
}

/// The ground truth: every payment's state and money, oldest first.
pub async fn ledger(State(sim): State<Arc<Sim>>) -> Reply {
    let mut txn = sim.txn();
    txn.refresh_all();
    let store = txn.store();
    let mut rows: Vec<(i64, String, Value)> = store
        .payments
        .values()
        .map(|p| (p.created_at_ms, p.reference.clone(), ledger_entry(p)))
        .collect();
    rows.extend(crate::ecom::control::ledger_entries(store));
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let entries: Vec<Value> = rows.into_iter().map(|(_, _, e)| e).collect();
    Reply::json(200, &json!({ "payments": entries }))
}
