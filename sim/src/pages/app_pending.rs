//! The pending part of the app page `GET /sim/app/{phoneNumber}`: ePayment payments created
//! for this phone number (`customer.phoneNumber`, as with `userFlow: PUSH_MESSAGE`) that wait
//! for the customer, newest first, each with Approve and Reject
//! (`POST /sim/app/{phoneNumber}/pending/{reference}/approve|reject`, answered `303` back to
//! the app page). Expiry is applied before listing, so an expired payment is not offered.
//!
//! Stable hooks for browser tests: `#pending` holds one `li.pending-payment[data-reference]`
//! (`data-msn`, `data-amount`, `data-flow`, `data-expires-at` when the payment has a deadline)
//! with `button.approve` and `button.reject`; `#no-pending` when nothing waits.

use super::html::{self, encode_segment, escape, money};
use crate::order_management::history::msisdn;
use crate::payments::{Api, Payment, PaymentState};
use crate::state::{Sim, Store};
use crate::timefmt::rfc3339_ms;
use crate::user_actions::{self, ActionError, ApproveDetails};
use axum::extract::{Path, State};
use axum::response::Response;
use std::sync::Arc;

/// The payments waiting for this (normalized) phone number, newest first.
fn waiting<'a>(store: &'a Store, number: &str) -> Vec<&'a Payment> {
    let mut found: Vec<&Payment> = store
        .payments
        .values()
        .filter(|p| p.api == Api::Epayment && p.state == PaymentState::Created)
        .filter(|p| {
            let given = store.order_management.history.given_phone(&p.reference);
            given.and_then(msisdn).as_deref() == Some(number)
        })
        .collect();
    found.sort_by(|a, b| {
        b.created_at_ms
            .cmp(&a.created_at_ms)
            .then(a.reference.cmp(&b.reference))
    });
    found
}

/// The `#pending` section (call after lazy expiry, with the store locked).
pub fn section(store: &Store, number: &str) -> String {
    let waiting = waiting(store, number);
    if waiting.is_empty() {
        return "<p id=\"no-pending\" class=\"muted\">No payment requests waiting.</p>\n".into();
    }
    let mut out = String::from("<h2>Waiting for you</h2>\n<ul id=\"pending\">\n");
    for p in waiting {
        let action = format!(
            "/sim/app/{}/pending/{}",
            encode_segment(number),
            encode_segment(&p.reference)
        );
        let expires = p
            .expires_at_ms
            .map(|at| format!(" data-expires-at=\"{}\"", escape(&rfc3339_ms(at))))
            .unwrap_or_default();
        out.push_str(&format!(
            "<li class=\"pending-payment\" data-reference=\"{r}\" data-msn=\"{m}\" data-amount=\"{amount}\" data-flow=\"{flow}\"{expires}>\n\
             <h3 class=\"merchant\">Merchant {m}</h3>\n\
             <p><strong class=\"amount\">{money}</strong></p>\n",
            r = escape(&p.reference),
            m = escape(&p.msn),
            amount = p.amount,
            flow = escape(&p.user_flow),
            money = escape(&money(p.amount, &p.currency)),
        ));
        if let Some(d) = &p.description {
            out.push_str(&format!("<p class=\"description\">{}</p>\n", escape(d)));
        }
        out.push_str(&format!(
            "<p class=\"muted\">Reference <code class=\"reference\">{r}</code></p>\n\
             <div class=\"actions\">\n\
             <form method=\"post\" action=\"{action}/approve\"><button class=\"approve\" type=\"submit\">Approve</button></form>\n\
             <form method=\"post\" action=\"{action}/reject\"><button class=\"reject secondary\" type=\"submit\">Reject</button></form>\n\
             </div>\n</li>\n",
            r = escape(&p.reference),
        ));
    }
    out.push_str("</ul>\n");
    out
}

pub async fn approve(
    State(sim): State<Arc<Sim>>,
    Path((phone, reference)): Path<(String, String)>,
) -> Response {
    act(&sim, &phone, &reference, true)
}

pub async fn reject(
    State(sim): State<Arc<Sim>>,
    Path((phone, reference)): Path<(String, String)>,
) -> Response {
    act(&sim, &phone, &reference, false)
}

/// Only a payment waiting for this phone number can be acted on from its app page.
fn act(sim: &Arc<Sim>, phone: &str, reference: &str, approve: bool) -> Response {
    let Some(number) = msisdn(phone) else {
        return html::error_page(404, "Unknown phone number", "Not a phone number.");
    };
    let mine = {
        let mut txn = sim.txn();
        txn.payment(reference);
        let store = txn.store();
        waiting(store, &number)
            .iter()
            .any(|p| p.reference == reference)
    };
    if !mine {
        return html::error_page(
            404,
            "Payment not found",
            "No payment with this reference waits for this phone number.",
        );
    }
    let outcome = if approve {
        let details = ApproveDetails {
            phone_number: Some(number.clone()),
            ..ApproveDetails::default()
        };
        user_actions::approve_payment(sim, reference, details)
    } else {
        user_actions::reject_payment(sim, reference)
    };
    match outcome {
        Ok(_) => html::see_other(&format!("/sim/app/{}", encode_segment(&number))),
        Err(ActionError::NotFound) => {
            html::error_page(404, "Payment not found", "The payment is gone.")
        }
        Err(ActionError::Refused(r)) => html::error_page(409, "Payment not possible", &r.detail),
    }
}
