//! The eCom error body: a JSON array of `{"errorGroup","errorCode","errorMessage","contextId"}`
//! sent as `application/json;charset=UTF-8` (spec `ErrorArray`; guide "Errors").

use crate::reply::{Reply, JSON_UTF8};
use crate::state::Sim;
use crate::validate::FieldError;
use serde_json::{json, Value};

/// One refusal: HTTP status, error group, code and message.
#[derive(Clone, Debug, PartialEq)]
pub struct EcomError {
    pub status: u16,
    pub group: &'static str,
    pub code: String,
    pub message: String,
}

impl EcomError {
    pub fn new(
        status: u16,
        group: &'static str,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> EcomError {
        EcomError {
            status,
            group,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A `Payment` group refusal (HTTP 400).
    pub fn payment(code: &str, message: impl Into<String>) -> EcomError {
        EcomError::new(400, "Payment", code, message)
    }

    /// A `VippsError` group refusal (HTTP 400).
    pub fn vipps(code: &str, message: impl Into<String>) -> EcomError {
        EcomError::new(400, "VippsError", code, message)
    }

    /// An `InvalidRequest`: the field name is the error code (guide "Error codes").
    pub fn invalid(field: &str, message: impl Into<String>) -> EcomError {
        EcomError::new(400, "InvalidRequest", field, message)
    }

    /// 35: no order with this id for this MSN (HTTP 404, knowledge base "Why do I get HTTP 404").
    pub fn order_not_found(order_id: &str, msn: &str) -> EcomError {
        EcomError::new(
            404,
            "Merchant",
            "35",
            format!(
                "Requested Order not found: no order '{order_id}' for merchantSerialNumber {msn}."
            ),
        )
    }

    /// 401 for a missing or wrong access token or subscription key.
    pub fn unauthorized(message: impl Into<String>) -> EcomError {
        EcomError::new(401, "Authentication", "Unauthorized", message)
    }

    pub fn reply(&self, sim: &Sim) -> Reply {
        many(sim, self.status, std::slice::from_ref(self))
    }
}

/// The error array for one or more errors sharing an HTTP status.
pub fn many(sim: &Sim, status: u16, errors: &[EcomError]) -> Reply {
    let body: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "errorGroup": e.group,
                "errorCode": e.code,
                "errorMessage": e.message,
                "contextId": sim.ids.uuid(),
            })
        })
        .collect();
    Reply::typed(status, JSON_UTF8, &Value::Array(body))
}

/// Field violations as `InvalidRequest` entries, one per field.
pub fn validation(sim: &Sim, errors: &[FieldError]) -> Reply {
    let list: Vec<EcomError> = errors
        .iter()
        .map(|e| EcomError::invalid(&e.path, format!("{}: {}", e.path, e.message)))
        .collect();
    many(sim, 400, &list)
}
