//! Webhooks API v1: registrations, and the signing of deliveries.

pub mod api;
pub mod registry;
pub mod signing;

use crate::state::Sim;
use axum::routing::{delete, post};
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/webhooks/v1/webhooks", post(api::register).get(api::list))
        .route("/webhooks/v1/webhooks/{id}", delete(api::delete))
}
