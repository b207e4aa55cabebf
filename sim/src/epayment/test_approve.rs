//! `POST /epayment/v1/test/payments/{reference}/approve` (test environment only): body
//! `ForceApprove {customer?, token?}`, answers 200 with no body.

use super::create::validation_problem;
use super::create_validation::check_customer;
use super::headers;
use super::modify::refused;
use crate::json_body::parse_optional;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use crate::user_actions::{approve_payment, ActionError, ApproveDetails};
use crate::validate::{Checker, Need};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use std::sync::Arc;

pub async fn force_approve(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let msn = match headers::authorize(&sim, &headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    // `customer.phoneNumber`: the user who approves (the app's payment history shows it).
    let mut phone_number = None;
    match parse_optional(&body) {
        Err(detail) => return problem::epayment(&sim, 400, "Bad Request", &detail, None),
        Ok(Some(v)) => {
            let mut c = Checker::camel();
            match v.as_object() {
                None => c.fail("", "The request body must be a JSON object."),
                Some(obj) => {
                    if let Some(customer) = c.object(obj, "", "customer", Need::Optional) {
                        check_customer(&mut c, customer, "customer");
                        phone_number = customer
                            .get("phoneNumber")
                            .and_then(|p| p.as_str())
                            .map(str::to_string);
                    }
                    c.string(obj, "", "token", Need::Optional, 0, 4096);
                }
            }
            if !c.is_ok() {
                return validation_problem(&sim, &c.errors);
            }
        }
        Ok(None) => {}
    }
    let owned = sim
        .store()
        .payments
        .get(&reference)
        .is_some_and(|p| p.msn == msn);
    if !owned {
        return headers::not_found(&sim, &reference);
    }
    let details = ApproveDetails {
        phone_number,
        ..ApproveDetails::default()
    };
    match approve_payment(&sim, &reference, details) {
        Ok(_) => Reply::empty(200),
        Err(ActionError::NotFound) => headers::not_found(&sim, &reference),
        Err(ActionError::Refused(r)) => refused(&sim, &r),
    }
}
