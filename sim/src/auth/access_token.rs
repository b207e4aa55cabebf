//! `POST /accesstoken/get` (access-token spec v2.0.0).
//!
//! A missing credential header is 400 (the spec marks all three `required`); a wrong one is 401.

use super::guards::header;
use crate::problem;
use crate::reply::{Reply, JSON_UTF8};
use crate::state::Sim;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::json;
use std::sync::Arc;

/// The `resource` every Vipps access token names.
const RESOURCE: &str = "00000002-0000-0000-c000-000000000000";

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/accesstoken/get", post(get_token))
}

async fn get_token(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Reply {
    let expected = [
        ("client_id", sim.opts.client_id.as_str()),
        ("client_secret", sim.opts.client_secret.as_str()),
        (
            "Ocp-Apim-Subscription-Key",
            sim.opts.subscription_key.as_str(),
        ),
    ];
    for (name, want) in expected {
        match header(&headers, name) {
            None => {
                return problem::epayment(
                    &sim,
                    400,
                    "Bad Request",
                    &format!("The {name} header is required."),
                    None,
                )
            }
            Some(got) if got != want => {
                return problem::epayment(
                    &sim,
                    401,
                    "Unauthorized",
                    "The client credentials or subscription key are not valid.",
                    None,
                )
            }
            Some(_) => {}
        }
    }
    let now = sim.clock.now_secs();
    let lifetime = i64::try_from(sim.opts.token_lifetime_secs).unwrap_or(i64::MAX / 2);
    let expires_on = now.saturating_add(lifetime);
    let token = sim.ids.jwt_like(&json!({
        "aud": RESOURCE,
        "iss": "https://vipps-sim.invalid/",
        "iat": now,
        "nbf": now,
        "exp": expires_on,
        "sub": sim.opts.client_id,
    }));
    sim.tokens.issue(token.clone(), expires_on, now);
    sim.stats.count_token_fetch();
    Reply::typed(
        200,
        JSON_UTF8,
        &json!({
            "token_type": "Bearer",
            "expires_in": lifetime.to_string(),
            "ext_expires_in": "0",
            "expires_on": expires_on.to_string(),
            "not_before": now.to_string(),
            "resource": RESOURCE,
            "access_token": token,
        }),
    )
}
