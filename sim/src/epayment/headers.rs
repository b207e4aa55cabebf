//! The ePayment request headers: subscription key, Bearer token, `Merchant-Serial-Number`
//! (required on every path) and `Idempotency-Key` (required, at most 50 characters, on create,
//! capture, refund and cancel).

use crate::auth::guards;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::http::HeaderMap;

/// Runs the ePayment header checks and returns the merchant serial number.
pub fn authorize(sim: &Sim, headers: &HeaderMap) -> Result<String, Reply> {
    guards::bearer_api(sim, headers)?;
    let msn = guards::merchant_serial_number(sim, headers, true)?;
    // `required = true` means a missing header is already an error, so this is always Some.
    msn.ok_or_else(|| problem::generic(sim, 400, "The Merchant-Serial-Number header is required."))
}

pub fn idempotency_key(sim: &Sim, headers: &HeaderMap) -> Result<String, Reply> {
    let bad = |detail: &str| problem::epayment(sim, 400, "Bad Request", detail, None);
    match headers.get("Idempotency-Key") {
        None => Err(bad("The Idempotency-Key header is required.")),
        Some(v) => match v.to_str() {
            Ok(k) if !k.is_empty() && k.chars().count() <= 50 => Ok(k.to_string()),
            _ => Err(bad(
                "The Idempotency-Key header must be 1 to 50 visible ASCII characters.",
            )),
        },
    }
}

/// 404 for a reference this merchant has no payment for.
pub fn not_found(sim: &Sim, reference: &str) -> Reply {
    problem::epayment(
        sim,
        404,
        "Payment not found",
        &format!("No payment with reference '{reference}' exists for this merchant."),
        None,
    )
}

/// The 409 for a reused `Idempotency-Key` with a different request.
pub fn key_conflict(sim: &Sim, key: &str) -> Reply {
    problem::epayment(
        sim,
        409,
        "Idempotency conflict",
        &format!("Idempotency-Key '{key}' already exists with a different request body."),
        None,
    )
}
