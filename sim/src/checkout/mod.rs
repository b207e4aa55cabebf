//! Checkout API v3: sessions (create, poll, update, expire) and their callbacks.

pub mod auth;
pub mod create;
pub mod defaults;
pub mod poll;
pub mod session;
pub mod session_view;
pub mod update;
pub mod validation;

use crate::state::Sim;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/checkout/v3/session", post(create::create_session))
        .route(
            "/checkout/v3/session/{reference}",
            get(poll::get_session).patch(update::update_session),
        )
        .route(
            "/checkout/v3/session/{reference}/expire",
            post(update::expire_session),
        )
}
