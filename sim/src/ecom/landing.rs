//! The simulated Vipps landing page of an eCom order, `GET /sim/ecom-landing/{orderId}` (the
//! initiate response's `url`): amount, text and merchant, with Approve (`#approve`) and Reject
//! (`#reject`) buttons. Each is a plain form POSTing to `…/approve` or `…/reject`, which acts
//! as the user and answers 303 to the order's `fallBack`.

use super::actions::{self, ApproveInput};
use super::model::Status;
use crate::problem;
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// `1 234,50 kr` from 123450 øre.
pub fn format_nok(ore: i64) -> String {
    let kroner = (ore / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in kroner.chars().enumerate() {
        if i > 0 && (kroner.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{grouped},{:02}\u{a0}kr", ore % 100)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

fn not_found(sim: &Sim, order_id: &str) -> Response {
    problem::generic(sim, 404, &format!("No eCom order '{order_id}'.")).into_response()
}

pub async fn page(State(sim): State<Arc<Sim>>, Path(order_id): Path<String>) -> Response {
    let Some(key) = actions::find(&sim, &order_id) else {
        return not_found(&sim, &order_id);
    };
    let store = sim.store();
    let Some(order) = store.ecom.orders.get(&key) else {
        return not_found(&sim, &order_id);
    };
    let id = escape(&order.initiate.order_id);
    let actions_html = if order.status == Status::Initiate && !order.approving {
        format!(
            r#"<form method="post" action="/sim/ecom-landing/{id}/approve"><button id="approve" type="submit">Approve</button></form>
<form method="post" action="/sim/ecom-landing/{id}/reject"><button id="reject" type="submit">Reject</button></form>"#
        )
    } else {
        format!(
            r#"<p id="state">This payment is {}.</p><p><a id="back" href="{}">Back to the merchant</a></p>"#,
            order.status.as_str(),
            escape(&order.initiate.fallback)
        )
    };
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vipps (simulated) – {id}</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:3em auto}}button{{font-size:1.2em;margin:.3em 0;width:100%}}#approve{{background:#ff5b24;color:#fff}}</style></head>
<body><h1>Pay with Vipps</h1>
<p>Merchant <span id="merchant">{msn}</span></p>
<p id="amount">{amount}</p>
<p id="text">{text}</p>
<p>Order <span id="order">{id}</span></p>
{actions_html}
</body></html>"#,
        msn = escape(&order.msn),
        amount = format_nok(order.initiate.amount),
        text = escape(&order.initiate.transaction_text),
    );
    html(StatusCode::OK, body)
}

pub async fn approve(State(sim): State<Arc<Sim>>, Path(order_id): Path<String>) -> Response {
    act(&sim, &order_id, true)
}

pub async fn reject(State(sim): State<Arc<Sim>>, Path(order_id): Path<String>) -> Response {
    act(&sim, &order_id, false)
}

/// Acts as the user, then sends the browser to `fallBack` (whatever the outcome: the merchant
/// must check `/details`, as with the real landing page).
fn act(sim: &Arc<Sim>, order_id: &str, approve: bool) -> Response {
    let Some(key) = actions::find(sim, order_id) else {
        return not_found(sim, order_id);
    };
    let _ = if approve {
        actions::approve(sim, &key, ApproveInput::default())
    } else {
        actions::reject(sim, &key)
    };
    let fallback = sim
        .store()
        .ecom
        .orders
        .get(&key)
        .map(|o| o.initiate.fallback.clone())
        .unwrap_or_default();
    match HeaderValue::from_str(&fallback) {
        Ok(location) => {
            let mut resp = StatusCode::SEE_OTHER.into_response();
            resp.headers_mut().insert(header::LOCATION, location);
            resp
        }
        Err(_) => html(
            StatusCode::OK,
            format!(
                r#"<!DOCTYPE html><html><body><p>Done.</p><p><a href="{}">Back to the merchant</a></p></body></html>"#,
                escape(&fallback)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_nok_from_ore() {
        assert_eq!(format_nok(20000), "200,00\u{a0}kr");
        assert_eq!(format_nok(123_450), "1\u{a0}234,50\u{a0}kr");
        assert_eq!(format_nok(100), "1,00\u{a0}kr");
        assert_eq!(format_nok(100_000_005), "1\u{a0}000\u{a0}000,05\u{a0}kr");
    }
}
