//! Checkout authentication: `client_id`, `client_secret`, `Ocp-Apim-Subscription-Key` and
//! `Merchant-Serial-Number` headers (schema `MerchantAuthInfoHeaders`, all required); no Bearer
//! token. Missing or wrong values are 401. The four `Vipps-System-*` headers are required
//! (1–30 characters) when creating a session, and limited to 30 characters elsewhere.

use crate::auth::guards::{header, SYSTEM_HEADERS};
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::http::HeaderMap;
use std::collections::BTreeMap;

pub fn authorize(
    sim: &Sim,
    headers: &HeaderMap,
    system_headers_required: bool,
) -> Result<String, Reply> {
    let msn = header(headers, "Merchant-Serial-Number").unwrap_or("");
    let credentials_ok = header(headers, "client_id") == Some(sim.opts.client_id.as_str())
        && header(headers, "client_secret") == Some(sim.opts.client_secret.as_str())
        && header(headers, "Ocp-Apim-Subscription-Key") == Some(sim.opts.subscription_key.as_str())
        && sim.opts.merchant_serial_numbers.iter().any(|m| m == msn);
    if !credentials_ok {
        return Err(problem::checkout(
            sim,
            401,
            "Unauthorized",
            "client_id, client_secret, Ocp-Apim-Subscription-Key and Merchant-Serial-Number must all be present and valid.",
            "Unauthorized",
            &BTreeMap::new(),
        ));
    }
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in SYSTEM_HEADERS {
        let len = headers.get(name).map(|v| v.len());
        let problem = match len {
            None if system_headers_required => Some("The header is required."),
            Some(0) if system_headers_required => Some("The header must not be empty."),
            Some(n) if n > 30 => Some("The header must be at most 30 characters."),
            _ => None,
        };
        if let Some(p) = problem {
            errors
                .entry(name.to_string())
                .or_default()
                .push(p.to_string());
        }
    }
    if !errors.is_empty() {
        return Err(problem::checkout(
            sim,
            400,
            "One or more validation errors occurred.",
            "The Vipps-System-* headers are invalid.",
            "Validation-00001",
            &errors,
        ));
    }
    Ok(msn.to_string())
}
