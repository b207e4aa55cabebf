//! `POST …/{reference}/capture`, `…/refund` (body `{"modificationAmount": Amount}`) and
//! `…/cancel` (no body needed). All three are idempotent per `Idempotency-Key`.

use super::create::validation_problem;
use super::headers;
use super::idempotency::Lookup;
use crate::json_body::{fingerprint, parse_object, parse_optional};
use crate::payments::{views, Refusal, Stamp};
use crate::problem;
use crate::reply::Reply;
use crate::state::{Sim, Txn};
use crate::validate::Checker;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Capture,
    Refund,
    Cancel,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Capture => "capture",
            Op::Refund => "refund",
            Op::Cancel => "cancel",
        }
    }
}

pub async fn capture(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    modify(&sim, &reference, &headers, &body, Op::Capture)
}

pub async fn refund(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    modify(&sim, &reference, &headers, &body, Op::Refund)
}

pub async fn cancel(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    modify(&sim, &reference, &headers, &body, Op::Cancel)
}

fn modify(sim: &Arc<Sim>, reference: &str, headers: &HeaderMap, body: &[u8], op: Op) -> Reply {
    let msn = match headers::authorize(sim, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let key = match headers::idempotency_key(sim, headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let print = fingerprint(body);
    let mut txn = sim.txn();
    match txn
        .store()
        .idempotency
        .lookup(reference, op.name(), &key, &print)
    {
        Lookup::Replay(r) => return r,
        Lookup::Conflict => return headers::key_conflict(sim, &key),
        Lookup::Fresh => {}
    }
    let reply = apply(sim, &mut txn, &msn, reference, &key, body, op);
    txn.store()
        .idempotency
        .remember(reference, op.name(), &key, print, &reply);
    reply
}

/// The requested amount for capture/refund (`None` for cancel), or the 400 to send.
fn requested_amount(sim: &Sim, body: &[u8], op: Op) -> Result<Option<(String, i64)>, Reply> {
    let bad = |detail: &str| problem::epayment(sim, 400, "Bad Request", detail, None);
    if op == Op::Cancel {
        // Cancel takes no body; a body that is present must still be well-formed JSON.
        return parse_optional(body).map(|_| None).map_err(|d| bad(&d));
    }
    let v = parse_object(body).map_err(|d| bad(&d))?;
    let mut c = Checker::camel();
    let obj = v.as_object().cloned().unwrap_or_default();
    match super::amount::check(&mut c, &obj, "", "modificationAmount") {
        Some(amount) if c.is_ok() => Ok(Some(amount)),
        _ => Err(validation_problem(sim, &c.errors)),
    }
}

fn apply(
    sim: &Sim,
    txn: &mut Txn,
    msn: &str,
    reference: &str,
    key: &str,
    body: &[u8],
    op: Op,
) -> Reply {
    let amount = match requested_amount(sim, body, op) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(payment) = txn.payment(reference).filter(|p| p.msn == msn) else {
        return headers::not_found(sim, reference);
    };
    if let Some((currency, _)) = &amount {
        if *currency != payment.currency {
            return problem::epayment(
                sim,
                400,
                "Currency mismatch",
                &format!(
                    "The modification currency {currency} differs from the payment currency {}.",
                    payment.currency
                ),
                None,
            );
        }
    }
    let stamp = Stamp {
        now_ms: sim.now_ms(),
        ids: &sim.ids,
        idempotency_key: Some(key),
    };
    if let Some(refusal) = super::time_limits::period_over(sim, payment, op.name(), stamp.now_ms) {
        return refused(sim, &refusal);
    }
    let value = amount.map_or(0, |(_, v)| v);
    let outcome = match op {
        Op::Capture => payment.capture(value, &stamp),
        Op::Refund => payment.refund(value, &stamp),
        Op::Cancel => payment.cancel(&stamp),
    };
    match outcome {
        Ok(psp) => Reply::json(200, &views::modification(payment, &psp)),
        Err(refusal) => refused(sim, &refusal),
    }
}

pub fn refused(sim: &Sim, r: &Refusal) -> Reply {
    problem::epayment(sim, 400, r.title, &r.detail, r.code)
}
