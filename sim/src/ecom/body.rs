//! Reading an eCom request body: malformed JSON or a non-object is an `InvalidRequest`.

use super::errors::EcomError;
use crate::json_body::{parse_object, parse_optional};
use crate::reply::Reply;
use crate::state::Sim;
use serde_json::{Map, Value};

/// A required JSON object body.
pub fn object(sim: &Sim, body: &[u8]) -> Result<Map<String, Value>, Reply> {
    match parse_object(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => {
            Err(EcomError::invalid("body", "The request body must be a JSON object.").reply(sim))
        }
        Err(detail) => Err(EcomError::invalid("body", detail).reply(sim)),
    }
}

/// An optional JSON object body (empty = `{}`).
pub fn optional_object(sim: &Sim, body: &[u8]) -> Result<Map<String, Value>, Reply> {
    match parse_optional(body) {
        Ok(None) => Ok(Map::new()),
        Ok(Some(Value::Object(m))) => Ok(m),
        Ok(Some(_)) => {
            Err(EcomError::invalid("body", "The request body must be a JSON object.").reply(sim))
        }
        Err(detail) => Err(EcomError::invalid("body", detail).reply(sim)),
    }
}

/// The 93 for an `X-Request-Id` reused with a different body.
pub fn request_id_mismatch(sim: &Sim, request_id: &str) -> Reply {
    EcomError::payment(
        "93",
        format!("X-Request-Id '{request_id}' was already used with a different request body for this order and endpoint: an idempotent retry must send the same payload."),
    )
    .reply(sim)
}
