//! Order Management API (spec `order-management-v2.openapi.yaml`, 2.1): receipts, categories
//! and images that enrich a payment in the customer's app, plus the app's payment history.
//!
//! | Endpoint | Answer |
//! |---|---|
//! | `POST /order-management/v2/{paymentType}/receipts/{orderId}` | 201, a JSON string (id) |
//! | `PUT /order-management/v2/{paymentType}/categories/{orderId}` | 200, a JSON string (id) |
//! | `GET /order-management/v2/{paymentType}/{orderId}` | 200 `OrderV2Response` |
//! | `POST /order-management/v1/images` | 200 `{imageId}` |
//!
//! Receipts, categories and images are kept per merchant serial number; an order is an
//! ePayment/Checkout reference or an eCom orderId of that merchant (`paymentType` `ECOM`).

pub mod api;
pub mod control;
pub mod errors;
pub mod history;
pub mod images;
pub mod implicit;
pub mod orders;
pub mod receipt;

use crate::state::Sim;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// What was stored for one order.
#[derive(Clone, Debug, Default)]
pub struct OrderInfo {
    /// The receipt as posted (validated).
    pub receipt: Option<Value>,
    /// `{category, orderDetailsUrl, imageId?}`, the latest one.
    pub category: Option<Value>,
}

#[derive(Default)]
pub struct OmStore {
    /// By (merchant serial number, orderId).
    pub orders: HashMap<(String, String), OrderInfo>,
    /// By (merchant serial number, imageId).
    pub images: HashMap<(String, String), images::Image>,
    pub history: history::History,
}

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route(
            "/order-management/v2/{payment_type}/receipts/{order_id}",
            post(api::add_receipt),
        )
        .route(
            "/order-management/v2/{payment_type}/categories/{order_id}",
            put(api::set_category),
        )
        .route(
            "/order-management/v2/{payment_type}/{order_id}",
            get(api::get_order),
        )
        .route(
            "/order-management/v1/images",
            // The gateway enforces the size limit; axum's own 2 MB default is below it.
            post(api::upload_image).layer(DefaultBodyLimit::max(crate::MAX_IMAGE_BODY_BYTES)),
        )
        .route(
            "/_sim/order-management/{order_id}",
            get(control::stored_order),
        )
}
