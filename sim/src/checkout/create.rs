//! `POST /checkout/v3/session`: create a session and the ePayment payment underneath it.

use super::auth;
use super::session::Session;
use super::validation::{validate, ValidSession};
use crate::json_body::parse_object;
use crate::payments::{Api, Payment, PaymentState, Stamp};
use crate::problem;
use crate::reply::Reply;
use crate::state::{Sim, Txn};
use crate::validate::FieldError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Sessions live one hour (simulated clock) unless paid.
pub const SESSION_LIFETIME_MS: i64 = 60 * 60 * 1000;

pub async fn create_session(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Reply {
    let msn = match auth::authorize(&sim, &headers, true) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let request = match parse_object(&body) {
        Ok(v) => v,
        Err(detail) => return bad_request(&sim, &detail, BTreeMap::new()),
    };
    let valid = match validate(&request) {
        Ok(v) => v,
        Err(errors) => return validation_problem(&sim, &errors),
    };
    let mut txn = sim.txn();
    create(&sim, &mut txn, &msn, request, valid)
}

pub fn bad_request(sim: &Sim, detail: &str, errors: BTreeMap<String, Vec<String>>) -> Reply {
    problem::checkout(
        sim,
        400,
        "One or more validation errors occurred.",
        detail,
        "Validation-00001",
        &errors,
    )
}

pub fn validation_problem(sim: &Sim, errors: &[FieldError]) -> Reply {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in errors {
        map.entry(e.path.clone())
            .or_default()
            .push(e.message.clone());
    }
    bad_request(sim, "See the errors property for details.", map)
}

fn create(sim: &Sim, txn: &mut Txn, msn: &str, request: Value, v: ValidSession) -> Reply {
    let store = txn.store();
    if store.sessions.contains_key(&v.reference) || store.payments.contains_key(&v.reference) {
        return problem::checkout(
            sim,
            409,
            "Duplicate reference",
            &format!(
                "A session or payment with reference '{}' already exists.",
                v.reference
            ),
            "DuplicateReference",
            &BTreeMap::new(),
        );
    }
    let now = sim.now_ms();
    let session_id = sim.ids.url_safe(16);
    let polling_url = format!("{}/checkout/v3/session/{}", sim.base_url, v.reference);
    let token = sim.ids.jwt_like(&json!({
        "sessionId": session_id,
        "sessionPollingURL": polling_url,
    }));
    let mut payment = Payment {
        reference: v.reference.clone(),
        msn: msn.to_string(),
        api: Api::Checkout,
        currency: v.currency,
        amount: v.value,
        state: PaymentState::Created,
        psp_reference: sim.ids.digits(16),
        method: "WALLET".into(),
        user_flow: "WEB_REDIRECT".into(),
        redirect_url: None,
        created_at_ms: now,
        expires_at_ms: Some(now + SESSION_LIFETIME_MS),
        profile_scope: None,
        profile_sub: None,
        metadata: None,
        description: Some(v.description.clone()),
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
        idempotency_key: None,
    });
    let session = Session {
        reference: v.reference.clone(),
        session_id,
        token: token.clone(),
        msn: msn.to_string(),
        callback_url: v.callback_url,
        callback_token: v.callback_token,
        return_url: v.return_url,
        description: v.description,
        order_summary: v.order_summary,
        request,
        initiated: false,
        payment_method: None,
        user_info: None,
        shipping_details: None,
        billing_details: None,
        custom_consent_provided: None,
    };
    txn.store().sessions.insert(v.reference, session);
    txn.insert_payment(payment);
    Reply::json(
        200,
        &json!({
            "token": token,
            "checkoutFrontendUrl": format!("{}/sim/checkout/", sim.base_url),
            "pollingUrl": polling_url,
        }),
    )
}
