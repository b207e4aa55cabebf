//! Userinfo API: `GET /vipps-userinfo-api/userinfo/{sub}` (docs/api-notes.md, "Profile
//! sharing"). A payment created with `profile.scope` gets a `sub` when the customer approves;
//! this answers the simulator's test customer for the scopes that payment asked for, for 168
//! hours after the approval (the documented time limit), on the simulated clock.
//!
//! Local choices (the docs give no error bodies): a missing or wrong access token is 401, a
//! `sub` the simulator never issued or whose time is over is 404, both RFC 7807 problems.

use crate::auth::guards;
use crate::payments::model::EventName;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// "Profile data is available for 168 hours (1 week) after the initial request."
pub const AVAILABLE_MS: i64 = 168 * 60 * 60 * 1000;
/// The test customer's phone number when the payment named none.
pub const TEST_PHONE: &str = "4791234567";

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/vipps-userinfo-api/userinfo/{sub}", get(userinfo))
}

async fn userinfo(
    State(sim): State<Arc<Sim>>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Reply {
    if let Err(reply) = guards::bearer(&sim, &headers) {
        return reply;
    }
    let now = sim.now_ms();
    let found = {
        let store = sim.store();
        store
            .payments
            .values()
            .find(|p| p.profile_sub.as_deref() == Some(sub.as_str()))
            .map(|p| {
                let approved = p
                    .events
                    .iter()
                    .find(|e| e.name == EventName::Authorized)
                    .map(|e| e.at_ms);
                let phone = store
                    .order_management
                    .history
                    .given_phone(&p.reference)
                    .map(str::to_string);
                (p.profile_scope.clone().unwrap_or_default(), approved, phone)
            })
    };
    match found {
        Some((scope, Some(approved), phone)) if now - approved <= AVAILABLE_MS => {
            Reply::json(200, &test_customer(&sub, &scope, phone.as_deref()))
        }
        _ => problem::epayment(
            &sim,
            404,
            "Not Found",
            "No user information for this sub: it is unknown, or more than 168 hours old.",
            None,
        ),
    }
}

/// The test customer's claims for a space-separated `scope` (OpenID Connect claim names, as
/// the Userinfo API answers them).
pub fn test_customer(sub: &str, scope: &str, phone: Option<&str>) -> Value {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(sub));
    for s in scope.split_whitespace() {
        match s {
            "name" => {
                claims.insert("name".into(), json!("Ada Lovelace"));
                claims.insert("given_name".into(), json!("Ada"));
                claims.insert("family_name".into(), json!("Lovelace"));
            }
            "email" => {
                claims.insert("email".into(), json!("ada.lovelace@example.com"));
                claims.insert("email_verified".into(), json!(true));
            }
            "phoneNumber" => {
                claims.insert("phone_number".into(), json!(phone.unwrap_or(TEST_PHONE)));
            }
            "address" => {
                let home = json!({
                    "address_type": "home",
                    "country": "NO",
                    "formatted": "Robert Levins gate 5\n0154\nOslo\nNO",
                    "postal_code": "0154",
                    "region": "Oslo",
                    "street_address": "Robert Levins gate 5",
                });
                claims.insert("address".into(), home);
                claims.insert("other_addresses".into(), json!([]));
            }
            "birthDate" => {
                claims.insert("birthdate".into(), json!("1815-12-10"));
            }
            "nin" => {
                claims.insert("nin".into(), json!("10121550000"));
            }
            _ => {}
        }
    }
    Value::Object(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_granted_scopes_are_answered() {
        let v = test_customer("s-1", "name email", None);
        assert_eq!(v["given_name"], "Ada");
        assert_eq!(v["email_verified"], true);
        assert!(v.get("phone_number").is_none());
        assert!(v.get("address").is_none());
        let v = test_customer("s-1", "phoneNumber address", Some("4798765432"));
        assert_eq!(v["phone_number"], "4798765432");
        assert_eq!(v["address"]["postal_code"], "0154");
        assert!(v.get("name").is_none());
    }
}
