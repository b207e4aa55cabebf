//! `POST/GET /webhooks/v1/webhooks` and `DELETE /webhooks/v1/webhooks/{id}`.
//!
//! Bearer token and subscription key are required; `Merchant-Serial-Number` is optional, but a
//! given one must be valid. The spec asks for an https URL; plain http is accepted for loopback
//! receivers (tests, local shops), like everywhere else in this project.

use super::registry::{Webhook, KNOWN_EVENTS, MAX_PER_EVENT};
use crate::auth::guards;
use crate::json_body::parse_object;
use crate::outbound::url;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::sync::Arc;

const INSTANCE: &str = "/v1/webhooks";

fn authorize(sim: &Sim, headers: &HeaderMap) -> Result<(), Reply> {
    guards::bearer_api(sim, headers)?;
    guards::merchant_serial_number(sim, headers, false).map(|_| ())
}

fn field_error(sim: &Sim, field: &str, reason: &str) -> Reply {
    problem::webhooks(
        sim,
        400,
        "One or more validation errors occurred.",
        INSTANCE,
        &[(field.to_string(), reason.to_string())],
    )
}

fn check_url(text: &str) -> Result<(), &'static str> {
    let parts = url::split(text).ok_or("The url must be an absolute https URL.")?;
    let loopback = url::is_loopback_host(url::host_of(parts.authority));
    if parts.scheme.eq_ignore_ascii_case("https") || loopback {
        Ok(())
    } else {
        Err("The url must use https (http is accepted only for loopback addresses).")
    }
}

pub async fn register(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Reply {
    if let Err(r) = authorize(&sim, &headers) {
        return r;
    }
    let request = match parse_object(&body) {
        Ok(v) => v,
        Err(detail) => return problem::webhooks(&sim, 400, &detail, INSTANCE, &[]),
    };
    let Some(target) = request.get("url").and_then(Value::as_str) else {
        return field_error(&sim, "url", "The url field is required.");
    };
    if target.len() > 2048 {
        return field_error(&sim, "url", "The url is too long.");
    }
    if let Err(reason) = check_url(target) {
        return field_error(&sim, "url", reason);
    }
    let events: Vec<String> = match request.get("events").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            let mut out = Vec::new();
            for e in list {
                match e.as_str() {
                    Some(name) if KNOWN_EVENTS.contains(&name) => {
                        if !out.iter().any(|x: &String| x == name) {
                            out.push(name.to_string());
                        }
                    }
                    _ => return field_error(&sim, "events", &format!("Unknown event type: {e}.")),
                }
            }
            out
        }
        _ => return field_error(&sim, "events", "At least one event type is required."),
    };
    let mut store = sim.store();
    if let Some(full) = events
        .iter()
        .find(|e| store.webhooks.count_for(e) >= MAX_PER_EVENT)
    {
        return field_error(
            &sim,
            "events",
            &format!("At most {MAX_PER_EVENT} webhooks can be registered for {full}."),
        );
    }
    let hook = Webhook {
        id: sim.ids.uuid(),
        url: target.to_string(),
        events,
        // Same shape as real secrets: 64 random bytes, base64.
        secret: sim.ids.base64(64),
    };
    let body = json!({ "id": hook.id, "secret": hook.secret });
    store.webhooks.add(hook);
    Reply::json(201, &body)
}

pub async fn list(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Reply {
    if let Err(r) = authorize(&sim, &headers) {
        return r;
    }
    let store = sim.store();
    let hooks: Vec<Value> = store.webhooks.all().iter().map(Webhook::to_json).collect();
    Reply::json(200, &json!({ "webhooks": hooks }))
}

pub async fn delete(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    if let Err(r) = authorize(&sim, &headers) {
        return r;
    }
    if sim.store().webhooks.remove(&id) {
        Reply::empty(204)
    } else {
        problem::webhooks(
            &sim,
            404,
            &format!("No webhook with id {id}."),
            &format!("{INSTANCE}/{id}"),
            &[],
        )
    }
}
