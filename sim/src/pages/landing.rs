//! `GET /sim/landing/{reference}`: the page an ePayment `redirectUrl` opens, standing in for
//! the Vipps MobilePay landing page and app. Approve and Reject are plain HTML forms
//! (`POST /sim/landing/{reference}/approve|reject`) that answer `303` to the payment's
//! `returnUrl`. A `CARD` payment shows the card form of `card_form` instead of Approve.

use super::html::{self, encode_segment, escape, money};
use crate::payments::{Api, PaymentState};
use crate::state::Sim;
use crate::user_actions::{self, ActionError, ApproveDetails};
use axum::extract::{Path, State};
use axum::response::Response;
use std::sync::Arc;

struct View {
    msn: String,
    amount: i64,
    currency: String,
    description: Option<String>,
    state: PaymentState,
    return_url: Option<String>,
    /// `CARD` payments get the card form instead of the app's Approve.
    card: bool,
}

/// The ePayment payment behind the reference (lazy expiry applied); Checkout sessions have
/// their own page.
fn view(sim: &Arc<Sim>, reference: &str) -> Option<View> {
    let mut txn = sim.txn();
    let return_url = txn.store().return_urls.get(reference).cloned();
    let p = txn.payment(reference).filter(|p| p.api == Api::Epayment)?;
    Some(View {
        msn: p.msn.clone(),
        amount: p.amount,
        currency: p.currency.clone(),
        description: p.description.clone(),
        state: p.state,
        return_url,
        card: p.method == "CARD",
    })
}

fn not_found(reference: &str) -> Response {
    html::error_page(
        404,
        "Payment not found",
        &format!("There is no payment with reference '{reference}'."),
    )
}

pub async fn landing_page(State(sim): State<Arc<Sim>>, Path(reference): Path<String>) -> Response {
    // Express: the address and delivery steps come first (express_landing.rs).
    if let Some(page) = super::express_landing::page(&sim, &reference) {
        return page;
    }
    let Some(v) = view(&sim, &reference) else {
        return not_found(&reference);
    };
    let action = format!("/sim/landing/{}", encode_segment(&reference));
    let mut main = format!(
        "<header class=\"brand\"><p>Vipps MobilePay <span class=\"sim\">(simulator)</span></p></header>\n\
         <h1 id=\"merchant\">Merchant {}</h1>\n<p class=\"total\"><strong id=\"amount\">{}</strong></p>\n",
        escape(&v.msn),
        escape(&money(v.amount, &v.currency)),
    );
    if let Some(d) = &v.description {
        main.push_str(&format!("<p id=\"description\">{}</p>\n", escape(d)));
    }
    main.push_str(&format!(
        "<p class=\"muted\">Reference <code id=\"reference\">{}</code></p>\n",
        escape(&reference)
    ));
    if v.state == PaymentState::Created && v.card {
        main.push_str(&super::card_form::form_html(&action));
        main.push_str(&format!(
            "<form method=\"post\" action=\"{action}/reject\"><button id=\"reject\" class=\"secondary\" type=\"submit\">Cancel</button></form>\n"
        ));
    } else if v.state == PaymentState::Created {
        main.push_str(&format!(
            "<div class=\"actions\">\n\
             <form method=\"post\" action=\"{action}/approve\"><button id=\"approve\" type=\"submit\">Approve</button></form>\n\
             <form method=\"post\" action=\"{action}/reject\"><button id=\"reject\" class=\"secondary\" type=\"submit\">Reject</button></form>\n\
             </div>\n",
        ));
    } else {
        main.push_str(&format!(
            "<p id=\"status\" role=\"status\">This payment is {}.</p>\n",
            escape(v.state.as_str())
        ));
        if let Some(url) = &v.return_url {
            main.push_str(&format!(
                "<p><a id=\"return\" href=\"{}\">Back to the shop</a></p>\n",
                escape(url)
            ));
        }
    }
    html::page(
        200,
        html::document("Vipps MobilePay – Approve payment", "en", &main),
    )
}

/// Approve; for a `CARD` payment the card form's fields must be plausible (`card_form`).
pub async fn approve(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let mut card_bin = None;
    if view(&sim, &reference).is_some_and(|v| v.card && v.state == PaymentState::Created) {
        match super::card_form::check(&html::parse_form(&body)) {
            Err(why) => {
                let main = format!(
                    "<h1>Card refused</h1>\n<p id=\"card-error\" role=\"alert\">{}</p>",
                    escape(why)
                );
                return html::page(400, html::document("Vipps MobilePay", "en", &main));
            }
            Ok(bin) => card_bin = Some(bin),
        }
    }
    act(&sim, &reference, true, card_bin)
}

pub async fn reject(State(sim): State<Arc<Sim>>, Path(reference): Path<String>) -> Response {
    act(&sim, &reference, false, None)
}

/// `card_bin`: the BIN of the card that paid, kept once the approval succeeded.
fn act(sim: &Arc<Sim>, reference: &str, approve: bool, card_bin: Option<String>) -> Response {
    let Some(v) = view(sim, reference) else {
        return not_found(reference);
    };
    let outcome = if approve {
        user_actions::approve_payment(sim, reference, ApproveDetails::default())
    } else {
        user_actions::reject_payment(sim, reference)
    };
    if let (Ok(_), Some(bin)) = (&outcome, card_bin) {
        sim.store().card_bins.insert(reference.to_string(), bin);
    }
    match outcome {
        Ok(_) => match &v.return_url {
            Some(url) => html::see_other(url),
            None => {
                let what = if approve { "approved" } else { "rejected" };
                let main = format!(
                    "<h1>Payment {what}</h1>\n<p id=\"status\" role=\"status\">You can close this window.</p>"
                );
                html::page(200, html::document("Vipps MobilePay", "en", &main))
            }
        },
        Err(ActionError::NotFound) => not_found(reference),
        Err(ActionError::Refused(r)) => html::error_page(409, "Payment not possible", &r.detail),
    }
}
