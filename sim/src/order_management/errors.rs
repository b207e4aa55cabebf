//! The Order Management error body (`ErrorResponse`: `type`, `title`, `detail`, `instance`,
//! `invalidParams[{name, reason}]`, served as `application/json` like the spec says) and the
//! header checks, which answer in that shape too.

use crate::auth::guards;
use crate::problem::status_title;
use crate::reply::Reply;
use crate::state::Sim;
use crate::validate::FieldError;
use axum::http::HeaderMap;
use serde_json::{json, Value};

const ERRORS_URI: &str =
    "https://developer.vippsmobilepay.com/docs/APIs/order-management-api/order-management-api-guide/";

/// An `ErrorResponse`; each `(name, reason)` becomes an `invalidParams` entry.
pub fn error(sim: &Sim, status: u16, detail: &str, params: &[(String, String)]) -> Reply {
    let mut body = json!({
        "type": ERRORS_URI,
        "title": status_title(status),
        "status": status,
        "detail": detail,
        "instance": format!("urn:uuid:{}", sim.ids.uuid()),
    });
    if !params.is_empty() {
        body["invalidParams"] = params
            .iter()
            .map(|(name, reason)| json!({ "name": name, "reason": reason }))
            .collect();
    }
    Reply::json(status, &body)
}

/// 400 naming every offending field.
pub fn invalid(sim: &Sim, errors: &[FieldError]) -> Reply {
    let params: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect();
    let detail = errors
        .iter()
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect::<Vec<_>>()
        .join(" ");
    error(sim, 400, &detail, &params)
}

/// 400 for one field.
pub fn field(sim: &Sim, name: &str, reason: &str) -> Reply {
    error(
        sim,
        400,
        &format!("{name}: {reason}"),
        &[(name.to_string(), reason.to_string())],
    )
}

pub fn not_found(sim: &Sim, detail: &str) -> Reply {
    error(sim, 404, detail, &[])
}

/// The Order Management spec allows 100 characters per `Vipps-System-*` header (ePayment and
/// Checkout: 30).
const SYSTEM_HEADER_MAX: usize = 100;

/// Bearer token, subscription key, `Merchant-Serial-Number` (required) and the optional
/// `Vipps-System-*` headers, as for ePayment (401 / 400 / 403), answered as `ErrorResponse`.
pub fn authorize(sim: &Sim, headers: &HeaderMap) -> Result<String, Reply> {
    let checked = guards::subscription_key(sim, headers)
        .and_then(|()| guards::bearer(sim, headers))
        .and_then(|()| guards::merchant_serial_number(sim, headers, true));
    if checked.is_ok() {
        if let Some(name) = guards::SYSTEM_HEADERS
            .into_iter()
            .find(|n| headers.get(*n).is_some_and(|v| v.len() > SYSTEM_HEADER_MAX))
        {
            return Err(field(
                sim,
                name,
                &format!("The {name} header must be at most {SYSTEM_HEADER_MAX} characters."),
            ));
        }
    }
    match checked {
        Ok(Some(msn)) => Ok(msn),
        Ok(None) => Err(error(
            sim,
            400,
            "The Merchant-Serial-Number header is required.",
            &[],
        )),
        Err(reply) => Err(rewrap(sim, reply)),
    }
}

/// The shared guards answer with an ePayment problem; keep its status and detail.
fn rewrap(sim: &Sim, reply: Reply) -> Reply {
    let detail = serde_json::from_slice::<Value>(&reply.body)
        .ok()
        .and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| status_title(reply.status).to_string());
    error(sim, reply.status, &detail, &[])
}
