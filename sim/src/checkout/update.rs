//! [newer] `PATCH /checkout/v3/session/{reference}` (change amount, order summary or
//! description while unpaid) and `POST /checkout/v3/session/{reference}/expire`.
//!
//! The PATCH body may carry the fields under `transaction` (as in the create request) or at the
//! top level. Both answer 200 with the `SessionResponse`; a paid or ended session is 409.

use super::auth;
use super::create::{bad_request, validation_problem};
use super::poll::{current_view, not_known};
use super::validation::check_amount;
use crate::json_body::parse_object;
use crate::payments::{PaymentState, Stamp};
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use crate::validate::{Checker, Need};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

fn conflict(sim: &Sim, detail: &str) -> Reply {
    problem::checkout(
        sim,
        409,
        "Conflict",
        detail,
        "SessionNotModifiable",
        &BTreeMap::new(),
    )
}

pub async fn update_session(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let msn = match auth::authorize(&sim, &headers, false) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let request = match parse_object(&body) {
        Ok(v) => v,
        Err(detail) => return bad_request(&sim, &detail, BTreeMap::new()),
    };
    let fields = match request.get("transaction").and_then(Value::as_object) {
        Some(t) => t.clone(),
        None => request.as_object().cloned().unwrap_or_default(),
    };
    let mut c = Checker::pascal();
    let amount = check_amount(&mut c, &fields, "Transaction", "amount", Need::Optional);
    let description = c.string(
        &fields,
        "Transaction",
        "paymentDescription",
        Need::Optional,
        3,
        100,
    );
    let summary = c.object(&fields, "Transaction", "orderSummary", Need::Optional);
    if !c.is_ok() {
        return validation_problem(&sim, &c.errors);
    }

    let mut txn = sim.txn();
    let Some(payment) = txn.payment(&reference).filter(|p| p.msn == msn) else {
        return not_known(&sim);
    };
    if payment.state != PaymentState::Created {
        return conflict(&sim, "Only an unpaid, active session can be updated.");
    }
    if let Some((currency, value)) = &amount {
        if *currency != payment.currency {
            let mut errors = BTreeMap::new();
            errors.insert(
                "Transaction.Amount.Currency".to_string(),
                vec!["The currency cannot change.".to_string()],
            );
            return bad_request(&sim, "The currency cannot change.", errors);
        }
        payment.amount = *value;
    }
    if let Some(session) = txn.store().sessions.get_mut(&reference) {
        if let Some(d) = description {
            session.description = d.to_string();
        }
        if let Some(s) = summary {
            session.order_summary = Some(Value::Object(Map::clone(s)));
        }
    }
    match current_view(&mut txn, &reference, &msn) {
        Some(view) => Reply::json(200, &view),
        None => not_known(&sim),
    }
}

pub async fn expire_session(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let msn = match auth::authorize(&sim, &headers, false) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut txn = sim.txn();
    let stamp = Stamp {
        now_ms: sim.now_ms(),
        ids: &sim.ids,
        idempotency_key: None,
    };
    let Some(payment) = txn.payment(&reference).filter(|p| p.msn == msn) else {
        return not_known(&sim);
    };
    match payment.state {
        PaymentState::Authorized => {
            return conflict(&sim, "The session is paid and cannot be expired.");
        }
        // Expiring an ended session changes nothing.
        PaymentState::Created => {
            let _ = payment.expire(&stamp);
        }
        _ => {}
    }
    match current_view(&mut txn, &reference, &msn) {
        Some(view) => Reply::json(200, &view),
        None => not_known(&sim),
    }
}
