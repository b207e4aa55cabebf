//! Header checks shared by the APIs: subscription key, Bearer token, merchant serial number and
//! the `Vipps-System-*` headers.
//!
//! Choices where the specs are silent: a wrong or missing credential is 401; a missing or
//! malformed `Merchant-Serial-Number` is 400 (it fails the spec's `^[0-9]{4,6}$`); a well-formed
//! MSN the simulator is not configured for is 403 (the merchant is not allowed).

use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::http::HeaderMap;

pub const SYSTEM_HEADERS: [&str; 4] = [
    "Vipps-System-Name",
    "Vipps-System-Version",
    "Vipps-System-Plugin-Name",
    "Vipps-System-Plugin-Version",
];

/// A header as text; `None` when absent or not visible ASCII.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn unauthorized(sim: &Sim, detail: &str) -> Reply {
    problem::epayment(sim, 401, "Unauthorized", detail, None)
}

pub fn subscription_key(sim: &Sim, headers: &HeaderMap) -> Result<(), Reply> {
    match header(headers, "Ocp-Apim-Subscription-Key") {
        Some(k) if k == sim.opts.subscription_key => Ok(()),
        Some(_) => Err(unauthorized(
            sim,
            "Access denied due to invalid subscription key.",
        )),
        None => Err(unauthorized(
            sim,
            "Access denied due to missing subscription key.",
        )),
    }
}

/// `Authorization: Bearer <token>` with a token this simulator issued and that has not expired.
pub fn bearer(sim: &Sim, headers: &HeaderMap) -> Result<(), Reply> {
    let Some(value) = header(headers, "Authorization") else {
        return Err(unauthorized(sim, "Missing Authorization header."));
    };
    let Some(token) = value.strip_prefix("Bearer ") else {
        return Err(unauthorized(
            sim,
            "The Authorization header must be 'Bearer <access token>'.",
        ));
    };
    if sim.tokens.is_valid(token.trim(), sim.clock.now_secs()) {
        Ok(())
    } else {
        Err(unauthorized(
            sim,
            "The access token is invalid or has expired.",
        ))
    }
}

fn is_msn(s: &str) -> bool {
    (4..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The `Merchant-Serial-Number`: 400 when missing (if required) or malformed, 403 when unknown.
pub fn merchant_serial_number(
    sim: &Sim,
    headers: &HeaderMap,
    required: bool,
) -> Result<Option<String>, Reply> {
    let Some(msn) = header(headers, "Merchant-Serial-Number") else {
        if !required && !headers.contains_key("Merchant-Serial-Number") {
            return Ok(None);
        }
        return Err(problem::epayment(
            sim,
            400,
            "Bad Request",
            "The Merchant-Serial-Number header is required.",
            None,
        ));
    };
    if !is_msn(msn) {
        return Err(problem::epayment(
            sim,
            400,
            "Bad Request",
            "The Merchant-Serial-Number header must match ^[0-9]{4,6}$.",
            None,
        ));
    }
    if !sim.opts.merchant_serial_numbers.iter().any(|m| m == msn) {
        return Err(problem::epayment(
            sim,
            403,
            "Forbidden",
            "The merchant serial number is not available for this client.",
            None,
        ));
    }
    Ok(Some(msn.to_string()))
}

/// The optional `Vipps-System-*` headers: at most 30 characters each when present.
pub fn system_headers_max_len(sim: &Sim, headers: &HeaderMap) -> Result<(), Reply> {
    for name in SYSTEM_HEADERS {
        if let Some(v) = headers.get(name) {
            if v.len() > 30 {
                return Err(problem::epayment(
                    sim,
                    400,
                    "Bad Request",
                    &format!("The {name} header must be at most 30 characters."),
                    None,
                ));
            }
        }
    }
    Ok(())
}

/// Subscription key, Bearer token and the optional system headers: the checks of every
/// token-authenticated API.
pub fn bearer_api(sim: &Sim, headers: &HeaderMap) -> Result<(), Reply> {
    subscription_key(sim, headers)?;
    bearer(sim, headers)?;
    system_headers_max_len(sim, headers)
}
