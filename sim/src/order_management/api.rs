//! The four Order Management endpoints. Order of checks: headers (401/400/403), path
//! parameters (400 `paymentType` / `orderId`), the body's shape (400 with each field), the
//! order (404), then what depends on stored state: a second receipt (409), the sum and currency
//! against the payment (400), an `imageId` that was never uploaded (400), an existing image id
//! (409). A refused request changes nothing.

use super::errors::{self, authorize};
use super::images::{check_upload, is_id};
use super::implicit;
use super::orders::{self, KnownOrder};
use super::receipt::{check_against, check_shape};
use crate::json_body::parse_object;
use crate::outbound::url;
use crate::reply::Reply;
use crate::state::Sim;
use crate::validate::{Checker, Need};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{json, Map, Value};
use std::sync::Arc;

pub const PAYMENT_TYPES: &[&str] = &["ECOM", "RECURRING"];
pub const CATEGORIES: &[&str] = &[
    "GENERAL",
    "RECEIPT",
    "ORDER_CONFIRMATION",
    "DELIVERY",
    "TICKET",
    "BOOKING",
];

/// Headers and path parameters; the merchant serial number.
fn preamble(
    sim: &Sim,
    headers: &HeaderMap,
    payment_type: &str,
    order_id: &str,
) -> Result<String, Reply> {
    let msn = authorize(sim, headers)?;
    if !PAYMENT_TYPES.contains(&payment_type) {
        return Err(errors::field(
            sim,
            "paymentType",
            "The paymentType must be ECOM (ePayment, Checkout and eCom payments) or RECURRING.",
        ));
    }
    if !is_id(order_id) {
        return Err(errors::field(
            sim,
            "orderId",
            "The orderId must match ^[0-9A-Za-z-_\\.]+$.",
        ));
    }
    Ok(msn)
}

fn body_object(sim: &Sim, body: &[u8]) -> Result<Map<String, Value>, Reply> {
    match parse_object(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(errors::field(
            sim,
            "body",
            "The request body must be a JSON object.",
        )),
        Err(detail) => Err(errors::field(sim, "body", &detail)),
    }
}

fn unknown_order(sim: &Sim, payment_type: &str, order_id: &str) -> Reply {
    errors::not_found(
        sim,
        &format!("No {payment_type} payment with orderId '{order_id}' exists for this merchant."),
    )
}

fn known(sim: &Sim, msn: &str, payment_type: &str, order_id: &str) -> Result<KnownOrder, Reply> {
    orders::find(&sim.store(), msn, payment_type, order_id)
        .ok_or_else(|| unknown_order(sim, payment_type, order_id))
}

fn key(msn: &str, id: &str) -> (String, String) {
    (msn.to_string(), id.to_string())
}

/// `POST /order-management/v2/{paymentType}/receipts/{orderId}` → 201 `"<id>"`.
pub async fn add_receipt(
    State(sim): State<Arc<Sim>>,
    Path((payment_type, order_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let msn = match preamble(&sim, &headers, &payment_type, &order_id) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let receipt = match body_object(&sim, &body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let totals = match check_shape(&receipt) {
        Ok(t) => t,
        Err(e) => return errors::invalid(&sim, &e),
    };
    let mut store = sim.store();
    let Some(order) = orders::find(&store, &msn, &payment_type, &order_id) else {
        return unknown_order(&sim, &payment_type, &order_id);
    };
    if implicit::receipt_of(&store, &msn, &order_id).is_some() {
        return errors::error(
            &sim,
            409,
            &format!("A receipt for orderId '{order_id}' already exists; it cannot be changed."),
            &[],
        );
    }
    let mismatches = check_against(&totals, order.amount, &order.currency);
    if !mismatches.is_empty() {
        return errors::invalid(&sim, &mismatches);
    }
    let om = &mut store.order_management;
    om.orders.entry(key(&msn, &order_id)).or_default().receipt = Some(Value::Object(receipt));
    Reply::json(201, &json!(sim.ids.uuid()))
}

/// `PUT /order-management/v2/{paymentType}/categories/{orderId}` → 200 `"<id>"`; the latest
/// category replaces the previous one.
pub async fn set_category(
    State(sim): State<Arc<Sim>>,
    Path((payment_type, order_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let msn = match preamble(&sim, &headers, &payment_type, &order_id) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let request = match body_object(&sim, &body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut c = Checker::camel();
    let category = c.one_of(&request, "", "category", Need::Required, CATEGORIES);
    let link = c.string(&request, "", "orderDetailsUrl", Need::Required, 1, 2048);
    if let Some(link) = link {
        if let Err(reason) = check_link(link) {
            c.fail("orderDetailsUrl", reason);
        }
    }
    let image_id = c.string_matching(
        &request,
        "",
        "imageId",
        Need::Optional,
        1,
        128,
        is_id,
        "^[0-9A-Za-z-_\\.]+$",
    );
    if !c.is_ok() {
        return errors::invalid(&sim, &c.errors);
    }
    let (Some(category), Some(link)) = (category, link) else {
        return errors::invalid(&sim, &c.errors);
    };
    let mut store = sim.store();
    if orders::find(&store, &msn, &payment_type, &order_id).is_none() {
        return unknown_order(&sim, &payment_type, &order_id);
    }
    let om = &mut store.order_management;
    let mut stored = json!({ "category": category, "orderDetailsUrl": link });
    if let Some(id) = image_id {
        if !om.images.contains_key(&key(&msn, id)) {
            return errors::field(
                &sim,
                "imageId",
                &format!("No image with imageId '{id}' was uploaded by this merchant."),
            );
        }
        stored["imageId"] = json!(id);
    }
    om.orders.entry(key(&msn, &order_id)).or_default().category = Some(stored);
    Reply::json(200, &json!(sim.ids.uuid()))
}

/// An absolute https URL; http only for loopback hosts (local shops), as for callbacks.
fn check_link(text: &str) -> Result<(), &'static str> {
    let parts = url::split(text).ok_or("The orderDetailsUrl must be an absolute https URL.")?;
    if parts.scheme.eq_ignore_ascii_case("https")
        || (parts.scheme.eq_ignore_ascii_case("http")
            && url::is_loopback_host(url::host_of(parts.authority)))
    {
        Ok(())
    } else {
        Err("The orderDetailsUrl must use https (http is accepted only for loopback hosts).")
    }
}

/// `GET /order-management/v2/{paymentType}/{orderId}` → 200 `{category?, receipt?}`; 404 for
/// an unknown order and for one with neither a receipt nor a category.
pub async fn get_order(
    State(sim): State<Arc<Sim>>,
    Path((payment_type, order_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    let msn = match preamble(&sim, &headers, &payment_type, &order_id) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(r) = known(&sim, &msn, &payment_type, &order_id) {
        return r;
    }
    let store = sim.store();
    let category = store
        .order_management
        .orders
        .get(&key(&msn, &order_id))
        .and_then(|i| i.category.clone());
    let receipt = implicit::receipt_of(&store, &msn, &order_id);
    if category.is_none() && receipt.is_none() {
        return errors::not_found(
            &sim,
            &format!("No receipt or category has been added to orderId '{order_id}'."),
        );
    }
    let mut body = json!({});
    if let Some(c) = category {
        body["category"] = c;
    }
    if let Some(r) = receipt {
        body["receipt"] = r;
    }
    Reply::json(200, &body)
}

/// `POST /order-management/v1/images` → 200 `{imageId}`; 409 when the merchant already has an
/// image with that id (even with the same content).
pub async fn upload_image(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Reply {
    let msn = match authorize(&sim, &headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let request = match body_object(&sim, &body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let (image_id, image) = match check_upload(&request) {
        Ok(x) => x,
        Err(e) => return errors::invalid(&sim, &e),
    };
    let mut store = sim.store();
    let images = &mut store.order_management.images;
    if images.contains_key(&key(&msn, &image_id)) {
        return errors::error(
            &sim,
            409,
            &format!("An image with imageId '{image_id}' already exists."),
            &[],
        );
    }
    images.insert(key(&msn, &image_id), image);
    Reply::json(200, &json!({ "imageId": image_id }))
}
