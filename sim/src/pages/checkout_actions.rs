//! What the checkout page's buttons do, server side:
//!
//! - `POST /sim/checkout/pay`: approve with the entered details (→ session callback, webhooks);
//! - `POST /sim/checkout/cancel`: the user cancels (→ `PaymentTerminated`);
//! - `POST /sim/checkout/shipping-options`: ask the merchant's dynamic options callback.
//!
//! Pay and cancel take the form fields either as a plain form post (the page without
//! JavaScript; answered `303` to the `returnUrl`, the form targets the top window) or as JSON
//! (the page's script; answered `200 {"returnUrl","sessionState","reference"}`).

use super::checkout_page::{snapshot, Elements, Missing, SessionSnapshot};
use super::html::{self, parse_form};
use super::logistics::{self, CallbackAddress, DynamicOutcome, ShipOption};
use crate::payments::PaymentState;
use crate::reply::Reply;
use crate::state::Sim;
use crate::user_actions::{self, ActionError, ApproveDetails};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Form,
    Json,
}

/// A refusal, shown as an error page (form) or `{"error","fields"}` (JSON).
struct Refused {
    status: u16,
    heading: &'static str,
    message: String,
    fields: Vec<String>,
}

impl Refused {
    fn new(status: u16, heading: &'static str, message: impl Into<String>) -> Refused {
        Refused {
            status,
            heading,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    fn missing(m: Missing) -> Refused {
        let message = match m {
            Missing::Unknown => "Session expired or not known.",
            Missing::Expired => "Session expired or not known: this checkout session has expired.",
        };
        Refused::new(404, "Session not found", message)
    }

    fn respond(self, mode: Mode) -> Response {
        match mode {
            Mode::Json => Reply::json(
                self.status,
                &json!({"error": self.message, "fields": self.fields}),
            )
            .into_response(),
            Mode::Form => {
                let message = if self.fields.is_empty() {
                    self.message
                } else {
                    format!("{} ({})", self.message, self.fields.join(", "))
                };
                html::error_page(self.status, self.heading, &message)
            }
        }
    }
}

/// The session after the action, for the answer.
struct Done {
    reference: String,
    return_url: String,
    session_state: &'static str,
}

impl Done {
    fn respond(self, mode: Mode) -> Response {
        match mode {
            Mode::Form => html::see_other(&self.return_url),
            Mode::Json => Reply::json(
                200,
                &json!({
                    "reference": self.reference,
                    "returnUrl": self.return_url,
                    "sessionState": self.session_state,
                }),
            )
            .into_response(),
        }
    }
}

/// Reads the fields of a JSON object (string values; numbers as text) or of a form post.
fn read_fields(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Mode, HashMap<String, String>), Refused> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    if !is_json {
        return Ok((Mode::Form, parse_form(body)));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Refused::new(400, "Bad request", format!("The body is not JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(Refused::new(
            400,
            "Bad request",
            "The body must be a JSON object.",
        ));
    };
    let fields = obj
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            Value::Number(n) => Some((k, n.to_string())),
            _ => None,
        })
        .collect();
    Ok((Mode::Json, fields))
}

fn field<'a>(fields: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    fields.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn session_for(
    fields: &HashMap<String, String>,
    sim: &Arc<Sim>,
) -> Result<SessionSnapshot, Refused> {
    let token = field(fields, "token")
        .ok_or_else(|| Refused::new(400, "No session token", "The form has no session token."))?;
    let snap = snapshot(sim, token).map_err(Refused::missing)?;
    if snap.payment_state != PaymentState::Created {
        return Err(Refused::new(
            409,
            "Checkout completed",
            format!(
                "This checkout is already completed ({}).",
                snap.session_state
            ),
        ));
    }
    Ok(snap)
}

fn action_error(e: ActionError) -> Refused {
    match e {
        ActionError::NotFound => Refused::missing(Missing::Unknown),
        ActionError::Refused(r) => Refused::new(409, "Payment not possible", r.detail),
    }
}

pub async fn pay(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    let (mode, fields) = match read_fields(&headers, &body) {
        Ok(x) => x,
        Err(e) => return e.respond(Mode::Form),
    };
    match do_pay(&sim, &fields).await {
        Ok(done) => done.respond(mode),
        Err(e) => e.respond(mode),
    }
}

pub async fn cancel(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    let (mode, fields) = match read_fields(&headers, &body) {
        Ok(x) => x,
        Err(e) => return e.respond(Mode::Form),
    };
    let outcome = session_for(&fields, &sim).and_then(|snap| {
        user_actions::reject_payment(&sim, &snap.reference).map_err(action_error)?;
        sim.store().shipping_offers.remove(&snap.reference);
        Ok(Done {
            reference: snap.reference,
            return_url: snap.return_url,
            session_state: "PaymentTerminated",
        })
    });
    match outcome {
        Ok(done) => done.respond(mode),
        Err(e) => e.respond(mode),
    }
}

/// Contact details as entered: (firstName, lastName, email, phoneNumber).
fn contact(fields: &HashMap<String, String>, bad: &mut Vec<String>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["firstName", "lastName"] {
        match field(fields, key) {
            Some(v) => {
                out.insert(key.into(), json!(v));
            }
            None => bad.push(key.into()),
        }
    }
    match field(fields, "email") {
        Some(e) if e.contains('@') && !e.starts_with('@') && !e.ends_with('@') => {
            out.insert("email".into(), json!(e));
        }
        _ => bad.push("email".into()),
    }
    // The form's `phone` becomes `phoneNumber`: digits only, as the API reports MSISDNs.
    let phone: Option<String> = field(fields, "phone").map(|p| {
        p.trim_start_matches('+')
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect()
    });
    match phone {
        Some(p) if (8..=15).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            out.insert("phoneNumber".into(), json!(p));
        }
        _ => bad.push("phone".into()),
    }
    out
}

fn address(fields: &HashMap<String, String>, bad: &mut Vec<String>) -> CallbackAddress {
    let mut get = |key: &str| match field(fields, key) {
        Some(v) => v.to_string(),
        None => {
            bad.push(key.into());
            String::new()
        }
    };
    let mut a = CallbackAddress {
        street_address: get("streetAddress"),
        postal_code: get("postalCode"),
        city: get("city"),
        country: get("country").to_ascii_uppercase(),
    };
    if !a.country.is_empty()
        && (a.country.len() != 2 || !a.country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        bad.push("country".into());
        a.country.clear();
    }
    a
}

fn address_json(a: &CallbackAddress) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("streetAddress".into(), json!(a.street_address));
    m.insert("postalCode".into(), json!(a.postal_code));
    m.insert("city".into(), json!(a.city));
    m.insert("country".into(), json!(a.country));
    m
}

/// The options the user may pick from at payment time. When a dynamic callback is configured
/// but the page never asked it (no script ran), it is asked now with the entered address.
async fn options_at_pay(
    sim: &Arc<Sim>,
    snap: &SessionSnapshot,
    addr: Option<&CallbackAddress>,
) -> Vec<ShipOption> {
    let offered = sim.store().shipping_offers.get(&snap.reference).cloned();
    if offered.is_none() {
        if let (Some(url), Some(addr)) = (logistics::dynamic_callback(&snap.request), addr) {
            if snap.elements().asks_address() {
                if let DynamicOutcome::Options(list) =
                    logistics::call_dynamic(sim, &url, &snap.callback_token, addr, &snap.currency)
                        .await
                {
                    return list;
                }
            }
        }
    }
    snap.shipping_options(offered.as_ref())
}

async fn do_pay(sim: &Arc<Sim>, fields: &HashMap<String, String>) -> Result<Done, Refused> {
    let snap = session_for(fields, sim)?;
    let elements = snap.elements();
    let mut bad = Vec::new();
    let contact = elements.asks_contact().then(|| contact(fields, &mut bad));
    let addr = elements.asks_address().then(|| address(fields, &mut bad));
    if !bad.is_empty() {
        return Err(Refused {
            status: 400,
            heading: "Check your details",
            message: "Some fields are missing or invalid.".into(),
            fields: bad,
        });
    }
    let options = options_at_pay(sim, &snap, addr.as_ref()).await;
    let chosen = if options.is_empty() {
        None
    } else {
        let picked = match field(fields, "shipping") {
            Some(id) => options.iter().find(|o| o.id == id),
            // A form without a choice (e.g. dynamic options never shown): the default.
            None => options
                .iter()
                .find(|o| o.is_default)
                .or_else(|| options.first()),
        };
        Some(picked.ok_or_else(|| Refused {
            status: 400,
            heading: "Check your details",
            message: "Choose one of the offered delivery options.".into(),
            fields: vec!["shipping".into()],
        })?)
    };
    if options.is_empty()
        && elements.asks_address()
        && logistics::dynamic_callback(&snap.request).is_some()
    {
        return Err(Refused::new(
            400,
            "No delivery options",
            "The shop offered no delivery options for this address.",
        ));
    }

    let mut details = ApproveDetails::default();
    if let Some(c) = &contact {
        let email = c.get("email").cloned().unwrap_or(Value::Null);
        details.user_info = Some(json!({ "sub": sim.ids.uuid(), "email": email }));
        let mut billing = c.clone();
        let mut shipping = c.clone();
        if let Some(a) = &addr {
            billing.extend(address_json(a));
            shipping.extend(address_json(a));
        }
        if let Some(o) = chosen {
            shipping.insert("shippingMethodId".into(), json!(o.id));
            shipping.insert("amount".into(), o.amount_json());
        }
        details.billing_details = Some(Value::Object(billing));
        details.shipping_details = Some(Value::Object(shipping));
    }
    if let Some(wanted) = field(fields, "paymentMethod").filter(|m| matches!(*m, "Wallet" | "Card"))
    {
        details.payment_method = Some(wanted.to_string());
    }
    if elements == Elements::PaymentOnly {
        details.shipping_details = None;
    }
    user_actions::approve_payment(sim, &snap.reference, details).map_err(action_error)?;
    sim.store().shipping_offers.remove(&snap.reference);
    Ok(Done {
        reference: snap.reference,
        return_url: snap.return_url,
        session_state: "PaymentSuccessful",
    })
}

/// `POST /sim/checkout/shipping-options` `{"token","streetAddress","postalCode","city","country"}`
/// → `{"source":"dynamic"|"fixed","options":[…],"fallbackReason"?}`.
pub async fn shipping_options(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, fields) = match read_fields(&headers, &body) {
        Ok(x) => x,
        Err(e) => return e.respond(Mode::Json),
    };
    let snap = match session_for(&fields, &sim) {
        Ok(s) => s,
        Err(e) => return e.respond(Mode::Json),
    };
    let fixed = snap.shipping_options(None);
    let list = |opts: &[ShipOption]| {
        opts.iter()
            .map(ShipOption::to_page_json)
            .collect::<Vec<_>>()
    };
    let url = match logistics::dynamic_callback(&snap.request) {
        Some(url) if snap.elements().asks_address() => url,
        _ => {
            return Reply::json(200, &json!({"source": "fixed", "options": list(&fixed)}))
                .into_response()
        }
    };
    let mut bad = Vec::new();
    let addr = address(&fields, &mut bad);
    if !bad.is_empty() {
        return Refused {
            status: 400,
            heading: "Check your details",
            message: "The address is incomplete.".into(),
            fields: bad,
        }
        .respond(Mode::Json);
    }
    match logistics::call_dynamic(&sim, &url, &snap.callback_token, &addr, &snap.currency).await {
        DynamicOutcome::Options(opts) => {
            let answer = json!({"source": "dynamic", "options": list(&opts)});
            sim.store().shipping_offers.insert(snap.reference, opts);
            Reply::json(200, &answer).into_response()
        }
        DynamicOutcome::Fallback(reason) => {
            sim.store().shipping_offers.remove(&snap.reference);
            Reply::json(
                200,
                &json!({"source": "fixed", "options": list(&fixed), "fallbackReason": reason}),
            )
            .into_response()
        }
    }
}
