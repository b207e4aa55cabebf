//! The error bodies of the three API families.
//!
//! - ePayment and the generic APIs: RFC 7807 `Problem` with `traceId` and, for domain errors,
//!   `extraDetails: [{"name":"ErrorCode","reason":"6080"}]`.
//! - Checkout: `CheckoutProblemDetails` with `errorCode` and an `errors` map (both required).
//! - Webhooks: `ProblemDetails` whose `extraDetails` name the offending field.

use crate::reply::{Reply, PROBLEM_JSON};
use crate::state::Sim;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const EPAYMENT_ERRORS_URI: &str =
    "https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors";

fn trace_id(sim: &Sim) -> String {
    sim.ids.uuid()
}

/// A standard title for an HTTP status, used when no better one is known.
pub fn status_title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

/// RFC 7807 problem as ePayment returns it; `code` goes into `extraDetails` as `ErrorCode`.
pub fn epayment(sim: &Sim, status: u16, title: &str, detail: &str, code: Option<&str>) -> Reply {
    let mut body = json!({
        "type": EPAYMENT_ERRORS_URI,
        "title": title,
        "status": status,
        "detail": detail,
        "traceId": trace_id(sim),
    });
    if let (Some(code), Some(obj)) = (code, body.as_object_mut()) {
        obj.insert(
            "extraDetails".into(),
            json!([{ "name": "ErrorCode", "reason": code }]),
        );
    }
    Reply::typed(status, PROBLEM_JSON, &body)
}

/// A problem for requests that never reach an API (unknown path, bad method, body too large).
pub fn generic(sim: &Sim, status: u16, detail: &str) -> Reply {
    epayment(sim, status, status_title(status), detail, None)
}

/// Checkout's `CheckoutProblemDetails`.
pub fn checkout(
    sim: &Sim,
    status: u16,
    title: &str,
    detail: &str,
    error_code: &str,
    errors: &BTreeMap<String, Vec<String>>,
) -> Reply {
    let body = json!({
        "type": format!("https://developer.vippsmobilepay.com/docs/APIs/checkout-api/errors#{error_code}"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": format!("urn:uuid:{}", trace_id(sim)),
        "errorCode": error_code,
        "errors": errors,
    });
    Reply::typed(status, PROBLEM_JSON, &body)
}

/// Webhooks API `ProblemDetails`; each `(field, reason)` becomes an `extraDetails` entry.
pub fn webhooks(
    sim: &Sim,
    status: u16,
    detail: &str,
    instance: &str,
    fields: &[(String, String)],
) -> Reply {
    let extra: Vec<Value> = fields
        .iter()
        .map(|(name, reason)| json!({ "name": name, "reason": reason }))
        .collect();
    let trace = trace_id(sim);
    let mut body = Map::new();
    body.insert("type".into(), json!(trace));
    body.insert("title".into(), json!(status_title(status)));
    body.insert("status".into(), json!(status));
    body.insert("detail".into(), json!(detail));
    body.insert("instance".into(), json!(instance));
    body.insert("traceId".into(), json!(trace));
    body.insert("extraDetails".into(), Value::Array(extra));
    Reply::typed(status, PROBLEM_JSON, &Value::Object(body))
}
