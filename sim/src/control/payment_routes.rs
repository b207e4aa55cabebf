//! `POST /_sim/payments/{reference}/approve|reject|expire`: act as the user.

use crate::json_body::parse_optional;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use crate::user_actions::{self, ActionError, ApproveDetails};
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::Value;
use std::sync::Arc;

fn answer(sim: &Sim, reference: &str, outcome: Result<Value, ActionError>) -> Reply {
    match outcome {
        Ok(payment) => Reply::json(200, &payment),
        Err(ActionError::NotFound) => {
            problem::generic(sim, 404, &format!("No payment or session '{reference}'."))
        }
        Err(ActionError::Refused(r)) => problem::epayment(sim, 400, r.title, &r.detail, r.code),
    }
}

/// Optional body: `{"userInfo":…, "shippingDetails":…, "billingDetails":…, "paymentMethod":"Card"}`.
pub async fn approve(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Reply {
    let details = match parse_optional(&body) {
        Ok(Some(v)) => ApproveDetails::from_json(&v),
        Ok(None) => ApproveDetails::default(),
        Err(detail) => return problem::generic(&sim, 400, &detail),
    };
    let outcome = user_actions::approve_payment(&sim, &reference, details);
    answer(&sim, &reference, outcome)
}

pub async fn reject(State(sim): State<Arc<Sim>>, Path(reference): Path<String>) -> Reply {
    let outcome = user_actions::reject_payment(&sim, &reference);
    answer(&sim, &reference, outcome)
}

pub async fn expire(State(sim): State<Arc<Sim>>, Path(reference): Path<String>) -> Reply {
    let outcome = user_actions::expire_payment(&sim, &reference);
    answer(&sim, &reference, outcome)
}
