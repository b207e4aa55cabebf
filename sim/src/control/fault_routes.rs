//! `/_sim/faults` (request faults), `/_sim/callback-faults` (delivery faults) and
//! `/_sim/delivery-policy` (retry timing of deliveries).

use super::faults::Fault;
use crate::json_body::parse_object;
use crate::outbound::callback_faults::{CallbackAction, CallbackFault};
use crate::outbound::policy::RetryPolicy;
use crate::outbound::Target;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::body::Bytes;
use axum::extract::State;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn add_fault(State(sim): State<Arc<Sim>>, body: Bytes) -> Reply {
    let parsed = parse_object(&body).and_then(|v| Fault::from_json(sim.ids.uuid(), &v));
    match parsed {
        Ok(fault) => {
            let id = fault.id.clone();
            sim.faults.add(fault);
            Reply::json(201, &json!({ "id": id }))
        }
        Err(detail) => problem::generic(&sim, 400, &detail),
    }
}

pub async fn list_faults(State(sim): State<Arc<Sim>>) -> Reply {
    Reply::json(200, &Value::Array(sim.faults.list()))
}

pub async fn clear_faults(State(sim): State<Arc<Sim>>) -> Reply {
    sim.faults.clear();
    Reply::empty(204)
}

fn callback_fault(id: String, v: &Value) -> Result<CallbackFault, String> {
    let target = match v.get("target").and_then(Value::as_str).unwrap_or("*") {
        "*" => None,
        "checkout" => Some(Target::Checkout),
        "webhook" => Some(Target::Webhook),
        "ecom" => Some(Target::Ecom),
        "ecom_shipping" => Some(Target::EcomShipping),
        "ecom_consent" => Some(Target::EcomConsent),
        other => {
            return Err(format!(
                "Unknown target `{other}`: use checkout, webhook, ecom, ecom_shipping, ecom_consent or *."
            ))
        }
    };
    let action = match v.get("action").and_then(Value::as_str) {
        Some("drop") => CallbackAction::Drop,
        Some("duplicate") => CallbackAction::Duplicate,
        Some("delay") => CallbackAction::Delay(
            v.get("delay_ms")
                .and_then(Value::as_u64)
                .ok_or("`delay_ms` is required for action delay.")?,
        ),
        _ => return Err("`action` must be drop, duplicate or delay.".into()),
    };
    let remaining = match v.get("count") {
        None => 1,
        Some(c) => c
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or("`count` must be a positive integer.")?,
    };
    Ok(CallbackFault {
        id,
        target,
        action,
        remaining,
    })
}

pub async fn add_callback_fault(State(sim): State<Arc<Sim>>, body: Bytes) -> Reply {
    let parsed = parse_object(&body).and_then(|v| callback_fault(sim.ids.uuid(), &v));
    match parsed {
        Ok(fault) => {
            let id = fault.id.clone();
            sim.outbound.faults.add(fault);
            Reply::json(201, &json!({ "id": id }))
        }
        Err(detail) => problem::generic(&sim, 400, &detail),
    }
}

pub async fn list_callback_faults(State(sim): State<Arc<Sim>>) -> Reply {
    Reply::json(200, &Value::Array(sim.outbound.faults.list()))
}

pub async fn clear_callback_faults(State(sim): State<Arc<Sim>>) -> Reply {
    sim.outbound.faults.clear();
    Reply::empty(204)
}

pub async fn get_policy(State(sim): State<Arc<Sim>>) -> Reply {
    let policy = *sim
        .outbound
        .policy
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    Reply::json(200, &json!(policy))
}

/// Replaces the policy; omitted fields take their defaults.
pub async fn set_policy(State(sim): State<Arc<Sim>>, body: Bytes) -> Reply {
    match serde_json::from_slice::<RetryPolicy>(&body) {
        Ok(policy) => {
            *sim.outbound
                .policy
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = policy;
            Reply::json(200, &json!(policy))
        }
        Err(e) => problem::generic(&sim, 400, &format!("Invalid delivery policy: {e}")),
    }
}
