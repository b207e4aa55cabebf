//! The landing page of an ePayment Express payment, standing in for the app's Express screens:
//! the customer consents to share their profile and picks an address (step 1), then picks a
//! shipping option and approves the total including shipping (step 2). With dynamic options,
//! step 2 is what the merchant's shipping callback answered for that address. Plain HTML
//! forms: `POST /sim/landing/{reference}/express/options` and `…/express/approve`.

use super::html::{self, encode_segment, escape, money, parse_form};
use crate::epayment::express::{self, Blocked};
use crate::state::Sim;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// What the page needs of the payment.
struct View {
    msn: String,
    amount: i64,
    currency: String,
    description: Option<String>,
    return_url: Option<String>,
}

/// The Express payment behind the reference while it waits for the customer (lazy expiry
/// applied, so a payment that timed out gets the ordinary page saying so).
fn view(sim: &Arc<Sim>, reference: &str) -> Option<View> {
    let mut txn = sim.txn();
    let p = txn.payment(reference)?;
    if p.state != crate::payments::PaymentState::Created {
        return None;
    }
    let (msn, amount, currency, description) = (
        p.msn.clone(),
        p.amount,
        p.currency.clone(),
        p.description.clone(),
    );
    let store = txn.store();
    if !express::awaits_choice(store, reference) {
        return None;
    }
    Some(View {
        msn,
        amount,
        currency,
        description,
        return_url: store.return_urls.get(reference).cloned(),
    })
}

fn header(v: &View, reference: &str) -> String {
    let mut main = format!(
        "<header class=\"brand\"><p>Vipps MobilePay Express <span class=\"sim\">(simulator)</span></p></header>\n\
         <h1 id=\"merchant\">Merchant {}</h1>\n",
        escape(&v.msn)
    );
    if let Some(d) = &v.description {
        main.push_str(&format!("<p id=\"description\">{}</p>\n", escape(d)));
    }
    main.push_str(&format!(
        "<p class=\"muted\">Reference <code id=\"reference\">{}</code></p>\n",
        escape(reference)
    ));
    main
}

fn reject_form(action: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}/reject\"><button id=\"reject\" class=\"secondary\" type=\"submit\">Reject</button></form>\n"
    )
}

/// Step 1 for an Express payment still waiting for the customer; `None` for any other page.
pub fn page(sim: &Arc<Sim>, reference: &str) -> Option<Response> {
    let v = view(sim, reference)?;
    let action = format!("/sim/landing/{}", encode_segment(reference));
    let mut main = header(&v, reference);
    main.push_str(&format!(
        "<p class=\"total\">Items <strong id=\"amount\">{}</strong> + shipping</p>\n\
         <p id=\"consent\">Share your name, address, email address and phone number with the merchant.</p>\n\
         <form method=\"post\" action=\"{action}/express/options\">\n<fieldset><legend>Delivery address</legend>\n",
        escape(&money(v.amount, &v.currency))
    ));
    for (i, a) in express::addresses(&v.currency).iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        main.push_str(&format!(
            "<label><input type=\"radio\" name=\"address\" id=\"address-{i}\" value=\"{i}\"{checked}> {}</label><br>\n",
            escape(&a.label())
        ));
    }
    main.push_str(
        "</fieldset>\n<div class=\"actions\"><button id=\"express-next\" type=\"submit\">Share and choose delivery</button></div>\n</form>\n",
    );
    main.push_str(&reject_form(&action));
    Some(html::page(
        200,
        html::document("Vipps MobilePay Express – address", "en", &main),
    ))
}

fn blocked_page(b: Blocked) -> Response {
    html::error_page(b.status, "Express payment not possible", &b.detail)
}

fn gone(reference: &str) -> Response {
    html::error_page(
        409,
        "Payment not waiting",
        &format!("Payment '{reference}' is not an Express payment waiting for the customer."),
    )
}

fn address_of(
    form: &std::collections::HashMap<String, String>,
    currency: &str,
) -> Result<express::Address, Blocked> {
    let index: u64 = form
        .get("address")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    express::pick_address(&json!({ "address_index": index }), currency)
}

/// Step 2: the options for the chosen address (the merchant's callback, when dynamic).
pub async fn options(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Response {
    let Some(v) = view(&sim, &reference) else {
        return gone(&reference);
    };
    let form = parse_form(&body);
    let address = match address_of(&form, &v.currency) {
        Ok(a) => a,
        Err(b) => return blocked_page(b),
    };
    let offered = match express::offer(&sim, &reference, &address).await {
        Ok(o) if !o.is_empty() => o,
        Ok(_) => {
            return html::error_page(
                409,
                "Express payment not possible",
                "No shipping option was offered.",
            )
        }
        Err(b) => return blocked_page(b),
    };
    let action = format!("/sim/landing/{}", encode_segment(&reference));
    let index = form.get("address").cloned().unwrap_or_else(|| "0".into());
    let mut main = header(&v, &reference);
    main.push_str(&format!(
        "<p id=\"address\">Deliver to {}</p>\n<form method=\"post\" action=\"{action}/express/approve\">\n\
         <input type=\"hidden\" name=\"address\" value=\"{}\">\n<fieldset><legend>Delivery</legend>\n",
        escape(&address.label()),
        escape(&index)
    ));
    let chosen = offered.iter().position(|o| o.is_default).unwrap_or(0);
    for (i, o) in offered.iter().enumerate() {
        let checked = if i == chosen { " checked" } else { "" };
        main.push_str(&format!(
            "<label><input type=\"radio\" name=\"option\" id=\"option-{id}\" value=\"{id}\" data-total=\"{total}\"{checked}> {label}: {cost}</label><br>\n",
            id = escape(&o.id),
            total = v.amount + o.value,
            label = escape(&o.label()),
            cost = escape(&money(o.value, &v.currency)),
        ));
    }
    main.push_str(&format!(
        "</fieldset>\n<p class=\"muted\">The total includes shipping: items {}.</p>\n\
         <div class=\"actions\"><button id=\"approve\" type=\"submit\">Approve</button></div>\n</form>\n",
        escape(&money(v.amount, &v.currency))
    ));
    main.push_str(&reject_form(&action));
    html::page(
        200,
        html::document("Vipps MobilePay Express – delivery", "en", &main),
    )
}

/// The customer approves with the chosen address and option.
pub async fn approve(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Response {
    let Some(v) = view(&sim, &reference) else {
        return gone(&reference);
    };
    let form = parse_form(&body);
    let address = match address_of(&form, &v.currency) {
        Ok(a) => a,
        Err(b) => return blocked_page(b),
    };
    let option = form.get("option").map(String::as_str);
    match express::approve(&sim, &reference, address, option).await {
        Ok(_) => match &v.return_url {
            Some(url) => html::see_other(url),
            None => html::page(
                200,
                html::document(
                    "Vipps MobilePay",
                    "en",
                    "<h1>Payment approved</h1>\n<p id=\"status\" role=\"status\">You can close this window.</p>",
                ),
            ),
        },
        Err(b) => blocked_page(b),
    }
}
