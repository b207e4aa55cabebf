//! The test-control API under `/_sim/` (JSON in and out, no authentication).

pub mod fault_routes;
pub mod faults;
pub mod inspect_routes;
pub mod payment_routes;
pub mod request_log;
pub mod stats;

use crate::state::Sim;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/_sim/reset", post(inspect_routes::reset))
        .route("/_sim/clock/advance", post(inspect_routes::advance_clock))
        .route("/_sim/stats", get(inspect_routes::stats))
        .route(
            "/_sim/rate-limits",
            post(crate::epayment::rate_limit::set_switch)
                .get(crate::epayment::rate_limit::get_switch),
        )
        .route(
            "/_sim/requests",
            get(inspect_routes::requests).delete(inspect_routes::clear_requests),
        )
        .route(
            "/_sim/callbacks",
            get(inspect_routes::callbacks).delete(inspect_routes::clear_callbacks),
        )
        .route("/_sim/ledger", get(inspect_routes::ledger))
        .route(
            "/_sim/faults",
            post(fault_routes::add_fault)
                .get(fault_routes::list_faults)
                .delete(fault_routes::clear_faults),
        )
        .route(
            "/_sim/callback-faults",
            post(fault_routes::add_callback_fault)
                .get(fault_routes::list_callback_faults)
                .delete(fault_routes::clear_callback_faults),
        )
        .route(
            "/_sim/delivery-policy",
            get(fault_routes::get_policy).put(fault_routes::set_policy),
        )
        .route(
            "/_sim/payments/{reference}/approve",
            post(payment_routes::approve),
        )
        .route(
            "/_sim/payments/{reference}/reject",
            post(payment_routes::reject),
        )
        .route(
            "/_sim/payments/{reference}/expire",
            post(payment_routes::expire),
        )
}
