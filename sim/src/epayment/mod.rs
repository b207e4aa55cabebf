//! ePayment API v1: create, get, events, capture, refund, cancel and the test approve endpoint.

pub mod amount;
pub mod create;
pub mod create_validation;
pub mod express;
pub mod headers;
pub mod idempotency;
pub mod modify;
pub mod qr;
pub mod query;
pub mod rate_limit;
pub mod test_approve;
pub mod time_limits;

use crate::state::Sim;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/epayment/v1/payments", post(create::create_payment))
        .route("/epayment/v1/payments/{reference}", get(query::get_payment))
        .route(
            "/epayment/v1/payments/{reference}/events",
            get(query::get_events),
        )
        .route(
            "/epayment/v1/payments/{reference}/capture",
            post(modify::capture),
        )
        .route(
            "/epayment/v1/payments/{reference}/refund",
            post(modify::refund),
        )
        .route(
            "/epayment/v1/payments/{reference}/cancel",
            post(modify::cancel),
        )
        .route(
            "/epayment/v1/test/payments/{reference}/approve",
            post(test_approve::force_approve),
        )
}
