//! A fully built response (status, content type, body bytes) that can be stored and replayed.
//!
//! Idempotent endpoints must answer a retried request with exactly the first response, so
//! handlers build a `Reply` value rather than an opaque axum `Response`.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub const JSON: &str = "application/json";
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply::typed(status, JSON, value)
    }

    pub fn typed(status: u16, content_type: &'static str, value: &Value) -> Reply {
        Reply {
            status,
            content_type,
            body: value.to_string().into_bytes(),
        }
    }

    /// A response without a body (e.g. 204, or the force-approve 200).
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            content_type: "",
            body: Vec::new(),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = Response::new(Body::from(self.body));
        *resp.status_mut() = status;
        if !self.content_type.is_empty() {
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
        }
        resp
    }
}
