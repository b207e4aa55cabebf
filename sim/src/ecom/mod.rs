//! eCom API v2 (legacy; `ecom-v2.openapi.yaml` 2.0.3 + `ms_import.yaml`): initiate, capture,
//! cancel, refund, details, status and the integration-test approve, with payment callbacks,
//! the express shipping-details round trip and consent removal, plus the simulated landing
//! page and the `/_sim/ecom/…` control additions.
//!
//! Orders live in [`crate::state::Store::ecom`], keyed by (MSN, orderId). Errors are the eCom
//! error array ([`errors`]). Outbound calls use the shared delivery machinery
//! ([`crate::outbound`]) with one attempt and no retry.

pub mod actions;
pub mod body;
pub mod callbacks;
pub mod control;
pub mod errors;
pub mod express;
pub mod headers;
pub mod idempotency;
pub mod initiate;
pub mod landing;
pub mod model;
pub mod modify;
pub mod query;
pub mod rules;
pub mod shipping;
pub mod test_approve;
pub mod validation;
pub mod views;

pub use model::EcomStore;

use crate::state::Sim;
use axum::routing::{get, post, put};
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/ecomm/v2/payments", post(initiate::initiate))
        .route(
            "/ecomm/v2/payments/{order_id}/capture",
            post(modify::capture),
        )
        .route("/ecomm/v2/payments/{order_id}/cancel", put(modify::cancel))
        .route("/ecomm/v2/payments/{order_id}/refund", post(modify::refund))
        .route("/ecomm/v2/payments/{order_id}/details", get(query::details))
        .route("/ecomm/v2/payments/{order_id}/status", get(query::status))
        .route(
            "/ecomm/v2/integration-test/payments/{order_id}/approve",
            post(test_approve::force_approve),
        )
        .route("/sim/ecom-landing/{order_id}", get(landing::page))
        .route(
            "/sim/ecom-landing/{order_id}/approve",
            post(landing::approve),
        )
        .route("/sim/ecom-landing/{order_id}/reject", post(landing::reject))
        .route(
            "/_sim/ecom/consents/{user_id}/remove",
            post(control::remove_consent),
        )
}
