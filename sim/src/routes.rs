//! The one place where every API is mounted. A new part (eCom v2, HTML pages) adds a module
//! with a `routes()` function and one `.merge(...)` line here.

use crate::state::Sim;
use crate::{auth, checkout, control, epayment, gateway, pages, problem, webhooks};
use axum::extract::State;
use axum::http::Uri;
use axum::middleware;
use axum::Router;
use std::sync::Arc;

/// Every route, behind the gateway (size limit, request log, faults, JSON errors).
pub fn app(sim: Arc<Sim>) -> Router {
    Router::new()
        .merge(auth::access_token::routes())
        .merge(checkout::routes())
        .merge(
            epayment::routes().route_layer(middleware::from_fn_with_state(
                Arc::clone(&sim),
                epayment::rate_limit::enforce,
            )),
        )
        .merge(webhooks::routes())
        .merge(crate::ecom::routes())
        .merge(crate::order_management::routes())
        .merge(crate::userinfo::routes())
        .merge(control::routes())
        .merge(epayment::express::routes())
        .merge(pages::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&sim),
            gateway::gateway,
        ))
        .with_state(sim)
}

async fn not_found(State(sim): State<Arc<Sim>>, uri: Uri) -> crate::reply::Reply {
    problem::generic(&sim, 404, &format!("No API at {}.", uri.path()))
}
