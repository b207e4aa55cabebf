//! eCom request headers and the merchant serial number.
//!
//! - `Authorization: Bearer <token>` and `Ocp-Apim-Subscription-Key` are required (401).
//! - `Merchant-Serial-Number` is optional; when given it must be `^\d{5,6}$` (400) and one of
//!   the simulator's MSNs (403), and it must agree with the body's
//!   `merchantInfo.merchantSerialNumber` (400).
//! - Requests without a body MSN (`/details`, `/status`, the test approve) use the header, or
//!   else the first configured MSN: the one the API keys belong to.
//! - `X-Request-Id` is at most 40 characters; capture and refund require it.

use super::errors::EcomError;
use crate::auth::guards::{header, SYSTEM_HEADERS};
use crate::reply::Reply;
use crate::state::Sim;
use axum::http::HeaderMap;
use serde_json::{Map, Value};

pub const REQUEST_ID_MAX: usize = 40;

/// Subscription key, Bearer token and the `Vipps-System-*` lengths.
pub fn authorize(sim: &Sim, headers: &HeaderMap) -> Result<(), Reply> {
    let deny = |m: &str| Err(EcomError::unauthorized(m).reply(sim));
    match header(headers, "Ocp-Apim-Subscription-Key") {
        Some(k) if k == sim.opts.subscription_key => {}
        Some(_) => return deny("Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."),
        None => return deny("Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."),
    }
    let Some(value) = header(headers, "Authorization") else {
        return deny("Missing Authorization header: use 'Bearer <access token>'.");
    };
    let Some(token) = value.strip_prefix("Bearer ") else {
        return deny("The Authorization header must be 'Bearer <access token>'.");
    };
    if !sim.tokens.is_valid(token.trim(), sim.clock.now_secs()) {
        return deny("The access token is invalid or has expired.");
    }
    for name in SYSTEM_HEADERS {
        if headers.get(name).is_some_and(|v| v.len() > 30) {
            return Err(EcomError::invalid(
                name,
                format!("The {name} header must be at most 30 characters."),
            )
            .reply(sim));
        }
    }
    Ok(())
}

pub fn is_msn(s: &str) -> bool {
    (5..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn accepted(sim: &Sim, msn: &str) -> Result<(), Reply> {
    if sim.opts.merchant_serial_numbers.iter().any(|m| m == msn) {
        Ok(())
    } else {
        Err(EcomError::new(
            403,
            "Merchant",
            "Unauthorized",
            format!("Invalid MSN: {msn}. This MSN is not valid for the provided API keys."),
        )
        .reply(sim))
    }
}

/// The optional `Merchant-Serial-Number` header.
pub fn header_msn(sim: &Sim, headers: &HeaderMap) -> Result<Option<String>, Reply> {
    let Some(raw) = headers.get("Merchant-Serial-Number") else {
        return Ok(None);
    };
    let msn = raw.to_str().unwrap_or("");
    if !is_msn(msn) {
        return Err(EcomError::invalid(
            "Merchant-Serial-Number",
            "The Merchant-Serial-Number header must match ^\\d{5,6}$.",
        )
        .reply(sim));
    }
    accepted(sim, msn)?;
    Ok(Some(msn.to_string()))
}

/// The MSN of a request without a body MSN: the header, else the API keys' own (first) MSN.
pub fn default_msn(sim: &Sim, header_msn: Option<String>) -> String {
    header_msn.unwrap_or_else(|| {
        sim.opts
            .merchant_serial_numbers
            .first()
            .cloned()
            .unwrap_or_else(|| crate::DEFAULT_MSN.to_string())
    })
}

/// `merchantInfo.merchantSerialNumber` of a request body: required, a string `^\d{5,6}$`,
/// accepted by the simulator and equal to the header when both are given.
pub fn body_msn(
    sim: &Sim,
    body: &Map<String, Value>,
    header_msn: Option<&str>,
) -> Result<String, Reply> {
    const FIELD: &str = "merchantInfo.merchantSerialNumber";
    let bad = |m: String| Err(EcomError::invalid(FIELD, m).reply(sim));
    let info = match body.get("merchantInfo") {
        None | Some(Value::Null) => {
            return Err(EcomError::invalid(
                "merchantInfo",
                "merchantInfo: The merchantInfo field is required.",
            )
            .reply(sim))
        }
        Some(Value::Object(info)) => info,
        Some(_) => {
            return Err(EcomError::invalid(
                "merchantInfo",
                "merchantInfo: The merchantInfo field must be an object.",
            )
            .reply(sim))
        }
    };
    let msn = match info.get("merchantSerialNumber") {
        None | Some(Value::Null) => {
            return bad(format!(
                "{FIELD}: The merchantSerialNumber field is required."
            ))
        }
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return bad(format!(
                "{FIELD}: The merchantSerialNumber field must be a string, e.g. \"123456\"."
            ))
        }
    };
    if !is_msn(msn) {
        return bad(format!(
            "{FIELD}: The merchantSerialNumber field must match ^\\d{{5,6}}$."
        ));
    }
    accepted(sim, msn)?;
    if let Some(h) = header_msn {
        if h != msn {
            return bad(format!(
                "{FIELD}: {msn} differs from the Merchant-Serial-Number header {h}."
            ));
        }
    }
    Ok(msn.to_string())
}

/// `X-Request-Id`: `None` when absent (an error if `required`), at most 40 characters.
pub fn request_id(sim: &Sim, headers: &HeaderMap, required: bool) -> Result<Option<String>, Reply> {
    let bad = |m: &str| Err(EcomError::invalid("X-Request-Id", m).reply(sim));
    match headers.get("X-Request-Id") {
        None if required => bad("The X-Request-Id header is required for this endpoint."),
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(id) if !id.is_empty() && id.chars().count() <= REQUEST_ID_MAX => {
                Ok(Some(id.to_string()))
            }
            _ => bad("The X-Request-Id header must be 1 to 40 visible ASCII characters."),
        },
    }
}
