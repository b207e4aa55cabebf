//! `GET /sim/app/{phoneNumber}`: a stand-in for the customer's app, the payment history of one
//! phone number. It lists the payments approved with that number (newest first), each with the
//! Order Management receipt (its lines and bottom line) and the category link and image.
//! `GET /sim/app/images/{msn}/{imageId}` serves an uploaded image.
//!
//! Stable hooks for browser tests: `#payments` holds one `li.payment[data-reference]` per
//! payment (`data-msn`, `data-state`, `data-amount`); inside it `tr.receipt-line` per order line
//! (`data-line-id`, `data-total-amount`, `data-shipping`, `data-return`), `.bottom-line`
//! (`data-total-amount`, `data-total-tax`, `data-currency`), `a.category-link`
//! (`data-category`, `href`), `img.category-image`; `.no-receipt` (per payment) and `#empty`
//! (no payments at all) when missing. Payments waiting for this number come first
//! (`app_pending`: `#pending`, `li.pending-payment` with Approve and Reject).

use super::html::{self, encode_segment, escape, money};
use crate::order_management::history::{msisdn, Approval};
use crate::order_management::{implicit, orders};
use crate::state::{Sim, Store};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use serde_json::Value;
use std::sync::Arc;

pub async fn history_page(State(sim): State<Arc<Sim>>, Path(phone): Path<String>) -> Response {
    let Some(number) = msisdn(&phone) else {
        return html::error_page(
            404,
            "Unknown phone number",
            &format!("'{phone}' is not a phone number."),
        );
    };
    // Lazy expiry first, so states are current.
    sim.txn().refresh_all();
    let store = sim.store();
    let approvals = store.order_management.history.for_phone(&number);
    let mut main = format!(
        "<header class=\"brand\"><p>Vipps MobilePay <span class=\"sim\">(simulator)</span></p></header>\n\
         <h1>Payment history</h1>\n<p class=\"muted\">Phone <code id=\"phone\">{}</code></p>\n",
        escape(&number)
    );
    main.push_str(&super::app_pending::section(&store, &number));
    if approvals.is_empty() {
        main.push_str("<p id=\"empty\">No payments yet.</p>\n");
    } else {
        main.push_str("<ul id=\"payments\">\n");
        for a in &approvals {
            main.push_str(&payment_item(&store, a));
        }
        main.push_str("</ul>\n");
    }
    html::page(
        200,
        html::document("Vipps MobilePay – Payment history", "en", &main),
    )
}

fn payment_item(store: &Store, a: &Approval) -> String {
    let order = orders::find(store, &a.msn, "ECOM", &a.reference);
    let (amount, currency, state) = order.map(|o| (o.amount, o.currency, o.state)).unwrap_or((
        0,
        "NOK".into(),
        "UNKNOWN".into(),
    ));
    let mut out = format!(
        "<li class=\"payment\" data-reference=\"{r}\" data-msn=\"{m}\" data-state=\"{s}\" data-amount=\"{amount}\">\n\
         <h2 class=\"merchant\">Merchant {m}</h2>\n\
         <p><strong class=\"amount\">{money}</strong> <span class=\"state\">{s}</span></p>\n\
         <p class=\"muted\">Reference <code class=\"reference\">{r}</code></p>\n",
        r = escape(&a.reference),
        m = escape(&a.msn),
        s = escape(&state),
        money = escape(&money(amount, &currency)),
    );
    let info = store
        .order_management
        .orders
        .get(&(a.msn.clone(), a.reference.clone()));
    match implicit::receipt_of(store, &a.msn, &a.reference) {
        Some(receipt) => out.push_str(&receipt_html(&receipt)),
        None => out.push_str("<p class=\"no-receipt\">No receipt.</p>\n"),
    }
    if let Some(category) = info.and_then(|i| i.category.as_ref()) {
        out.push_str(&category_html(&a.msn, category));
    }
    out.push_str("</li>\n");
    out
}

fn int(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The lines and the bottom line; returned lines count negative in the sums, as in the app.
fn receipt_html(receipt: &Value) -> String {
    let bottom = receipt.get("bottomLine").cloned().unwrap_or(Value::Null);
    let currency = text(&bottom, "currency");
    let lines = receipt
        .get("orderLines")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = String::from("<table class=\"receipt\">\n<tbody>\n");
    let (mut total, mut tax) = (0i64, 0i64);
    for line in &lines {
        let sign = if flag(line, "isReturn") { -1 } else { 1 };
        let amount = sign * int(line, "totalAmount");
        total += amount;
        tax += sign * int(line, "totalTaxAmount");
        let quantity = line
            .get("unitInfo")
            .map(|u| format!("{} {}", text(u, "quantity"), text(u, "quantityUnit")))
            .unwrap_or_default();
        let rate = match line.get("taxRate").and_then(Value::as_i64) {
            Some(r) => format!("{}.{:02} %", r / 100, r % 100),
            None => format!("{} %", int(line, "taxPercentage")),
        };
        out.push_str(&format!(
            "<tr class=\"receipt-line\" data-line-id=\"{id}\" data-total-amount=\"{amount}\" data-shipping=\"{ship}\" data-return=\"{ret}\">\
             <td class=\"line-name\">{name}</td><td class=\"line-quantity\">{qty}</td>\
             <td class=\"line-tax\">{rate}</td><td class=\"line-total\">{money}</td></tr>\n",
            id = escape(text(line, "id")),
            ship = flag(line, "isShipping"),
            ret = flag(line, "isReturn"),
            name = escape(text(line, "name")),
            qty = escape(quantity.trim()),
            rate = escape(&rate),
            money = escape(&money(amount, currency)),
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    let tip = int(&bottom, "tipAmount");
    let mut bottom_html = format!(
        "<div class=\"bottom-line\" data-total-amount=\"{t}\" data-total-tax=\"{tax}\" data-currency=\"{c}\">\
         <p>Total <strong class=\"bottom-total\">{total}</strong></p>\
         <p class=\"muted\">of which VAT <span class=\"bottom-tax\">{vat}</span></p>",
        t = total + tip,
        c = escape(currency),
        total = escape(&money(total + tip, currency)),
        vat = escape(&money(tax, currency)),
    );
    if tip != 0 {
        bottom_html.push_str(&format!(
            "<p class=\"muted\">Tip <span class=\"bottom-tip\">{}</span></p>",
            escape(&money(tip, currency))
        ));
    }
    let number = text(&bottom, "receiptNumber");
    if !number.is_empty() {
        bottom_html.push_str(&format!(
            "<p class=\"muted\">Receipt <span class=\"receipt-number\">{}</span></p>",
            escape(number)
        ));
    }
    out.push_str(&bottom_html);
    out.push_str("</div>\n");
    out
}

fn category_html(msn: &str, category: &Value) -> String {
    let kind = text(category, "category");
    let label = match kind {
        "ORDER_CONFIRMATION" => "Order confirmation",
        "RECEIPT" => "Receipt",
        "DELIVERY" => "Delivery",
        "TICKET" => "Ticket",
        "BOOKING" => "Booking",
        _ => "Details",
    };
    let mut out = format!(
        "<p><a class=\"category-link\" data-category=\"{k}\" href=\"{href}\" rel=\"noopener noreferrer\">{label}</a></p>\n",
        k = escape(kind),
        href = escape(text(category, "orderDetailsUrl")),
    );
    if let Some(id) = category.get("imageId").and_then(Value::as_str) {
        out.push_str(&format!(
            "<img class=\"category-image\" alt=\"\" src=\"/sim/app/images/{}/{}\">\n",
            encode_segment(msn),
            encode_segment(id)
        ));
    }
    out
}

pub async fn image(
    State(sim): State<Arc<Sim>>,
    Path((msn, image_id)): Path<(String, String)>,
) -> Response {
    let store = sim.store();
    let Some(img) = store.order_management.images.get(&(msn, image_id.clone())) else {
        return html::error_page(404, "Image not found", &format!("No image '{image_id}'."));
    };
    let mut resp = Response::new(Body::from(img.bytes.clone()));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(img.content_type),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}
