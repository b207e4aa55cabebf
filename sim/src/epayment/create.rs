//! `POST /epayment/v1/payments`: create a payment (201 `{reference, redirectUrl}`).

use super::create_validation::{validate, ValidCreate};
use super::headers;
use super::idempotency::Lookup;
use crate::json_body::{fingerprint, parse_object};
use crate::order_management::implicit::accept_payment_receipt;
use crate::payments::{Api, Payment, PaymentState, Stamp};
use crate::problem;
use crate::reply::{Reply, PROBLEM_JSON};
use crate::state::{Sim, Txn};
use crate::validate::FieldError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::sync::Arc;

const OP: &str = "create";

pub async fn create_payment(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Reply {
    let msn = match headers::authorize(&sim, &headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let key = match headers::idempotency_key(&sim, &headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let parsed = parse_object(&body);
    // Idempotency records are per reference; a body without one shares the "" bucket.
    let reference = parsed
        .as_ref()
        .ok()
        .and_then(|v| v.get("reference"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let print = fingerprint(&body);
    let mut txn = sim.txn();
    match txn.store().idempotency.lookup(&reference, OP, &key, &print) {
        Lookup::Replay(r) => return r,
        Lookup::Conflict => return headers::key_conflict(&sim, &key),
        Lookup::Fresh => {}
    }
    let reply = match parsed {
        Err(detail) => problem::epayment(&sim, 400, "Bad Request", &detail, None),
        Ok(v) => match validate(&v, sim.now_ms()).and_then(|valid| {
            // Express (`shipping`): checked before anything is stored.
            let express = super::express::check_create(&v, &valid.currency)?;
            Ok((valid, express))
        }) {
            Err(errors) => validation_problem(&sim, &errors),
            // Long-living payments need a receipt (the spec; the error table's 6130).
            Ok((valid, _))
                if valid.expires_at_ms.is_some()
                    && !v.get("receipt").is_some_and(Value::is_object) =>
            {
                problem::epayment(
                    &sim,
                    400,
                    "Long living payments require a receipt",
                    "A payment with expiresAt must have a receipt.",
                    Some("6130"),
                )
            }
            Ok((valid, express)) => {
                let reference = valid.reference.clone();
                let reply = create(&sim, &mut txn, &msn, &key, valid);
                if let (201, Some(express)) = (reply.status, express) {
                    txn.store().express.insert(reference.clone(), express);
                }
                // The user the payment is for, shown in that user's app history once approved.
                if reply.status == 201 {
                    let store = txn.store();
                    if let Some(phone) = v.pointer("/customer/phoneNumber").and_then(Value::as_str)
                    {
                        let history = &mut store.order_management.history;
                        history.remember_given_phone(&reference, phone);
                    }
                    // `receipt`: order lines given at creation (Order Management).
                    if let Some(receipt) = v.get("receipt").filter(|r| r.is_object()) {
                        accept_payment_receipt(store, &msn, &reference, receipt);
                    }
                }
                reply
            }
        },
    };
    txn.store()
        .idempotency
        .remember(&reference, OP, &key, print, &reply);
    reply
}

/// 400 with every violation listed in `detail` and, field by field, in `extraDetails`.
pub fn validation_problem(sim: &Sim, errors: &[FieldError]) -> Reply {
    let detail = errors
        .iter()
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect::<Vec<_>>()
        .join(" ");
    let Reply { body, .. } = problem::epayment(sim, 400, "Bad Request", &detail, None);
    let mut value: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
    value["extraDetails"] = errors
        .iter()
        .map(|e| json!({ "name": e.path, "reason": e.message }))
        .collect();
    Reply::typed(400, PROBLEM_JSON, &value)
}

fn create(sim: &Sim, txn: &mut Txn, msn: &str, key: &str, v: ValidCreate) -> Reply {
    let store = txn.store();
    if store.payments.contains_key(&v.reference) || store.sessions.contains_key(&v.reference) {
        return problem::epayment(
            sim,
            409,
            "Duplicate reference",
            &format!("A payment with reference '{}' already exists.", v.reference),
            None,
        );
    }
    let now = sim.now_ms();
    // PUSH_MESSAGE has no redirect (the payment waits in the app, `/sim/app/{phone}`); QR
    // answers the image's URL or the target URL (`qr`); the others open the landing page.
    let redirect_url = match (&v.qr_format, v.user_flow.as_str()) {
        (_, "PUSH_MESSAGE") => None,
        (Some(format), _) => Some(super::qr::redirect_url(sim, &v.reference, format)),
        _ => Some(format!("{}/sim/landing/{}", sim.base_url, v.reference)),
    };
    let mut payment = Payment {
        reference: v.reference.clone(),
        msn: msn.to_string(),
        api: Api::Epayment,
        currency: v.currency,
        amount: v.value,
        state: PaymentState::Created,
        psp_reference: sim.ids.digits(16),
        method: v.method,
        user_flow: v.user_flow,
        redirect_url: redirect_url.clone(),
        created_at_ms: now,
        expires_at_ms: super::time_limits::expiry(sim, now, v.expires_at_ms),
        profile_scope: v.scope,
        profile_sub: None,
        metadata: v.metadata,
        description: v.description,
        authorized: 0,
        captured: 0,
        refunded: 0,
        cancelled: 0,
        captures: Vec::new(),
        refunds: Vec::new(),
        events: Vec::new(),
    };
    payment.record_created(&Stamp {
        now_ms: now,
        ids: &sim.ids,
        idempotency_key: Some(key),
    });
    if let Some(url) = v.return_url {
        txn.store().return_urls.insert(v.reference.clone(), url);
    }
    if let Some(format) = v.qr_format {
        txn.store().qr_codes.insert(v.reference.clone(), format);
    }
    txn.insert_payment(payment);
    let mut body = json!({ "reference": v.reference });
    if let Some(url) = redirect_url {
        body["redirectUrl"] = json!(url);
    }
    Reply::json(201, &body)
}
