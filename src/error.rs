//! One error type for every operation, with a small, stable set of kinds.
//!
//! The kinds are part of the ABI: bindings map them to exception classes, so a kind is
//! never renamed or removed, only added.

use serde_json::{json, Map, Value};
use std::fmt;

/// What went wrong, in a form a plugin can branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The caller's input was rejected before anything was sent (bad JSON, wrong type,
    /// a field outside what the API accepts, a NULL pointer).
    InvalidInput,
    /// The client configuration is missing or invalid.
    Config,
    /// The API refused the credentials (401, 403).
    Unauthorized,
    /// The API refused the request for another reason (4xx, or 5xx after the retries).
    Api,
    /// The API answered 409: a duplicate reference or an idempotency key reused with another body.
    Conflict,
    /// The API does not know the payment, session or webhook (404).
    NotFound,
    /// The API answered 429 and the retries within the deadline did not get through.
    RateLimited,
    /// No answer within the configured timeouts.
    Timeout,
    /// The connection failed or was dropped.
    Network,
    /// An inbound callback or webhook failed verification.
    SignatureInvalid,
    /// A bug in this library (for example a caught panic).
    Internal,
    /// The API answered a money call with success (2xx), but the answer could not be read
    /// (not JSON, truncated, empty, not the expected object, over the size cap): the money
    /// may have moved. Always retryable, and only with the same idempotency key, which the
    /// error carries. Never treat it as a failure.
    UnknownOutcome,
}

impl ErrorKind {
    /// The stable name used in the JSON envelope.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Config => "config",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Api => "api",
            ErrorKind::Conflict => "conflict",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::SignatureInvalid => "signature_invalid",
            ErrorKind::Internal => "internal",
            ErrorKind::UnknownOutcome => "unknown_outcome",
        }
    }

    /// Every kind, for documentation and for tests that check the bindings cover them all.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::InvalidInput,
        ErrorKind::Config,
        ErrorKind::Unauthorized,
        ErrorKind::Api,
        ErrorKind::Conflict,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::SignatureInvalid,
        ErrorKind::Internal,
        ErrorKind::UnknownOutcome,
    ];
}

/// An error with everything a plugin needs to show it, log it and decide whether to retry.
///
/// Messages never contain secrets: they are built from field names, status codes and the
/// API's own problem body, never from configuration values.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// What kind of failure it is: the envelope's `error.kind` (README, "Errors").
    pub kind: ErrorKind,
    /// What went wrong, for a log or a merchant (never a secret).
    pub message: String,
    /// True when the same call, with the same idempotency key, may succeed later.
    pub retryable: bool,
    /// The HTTP status of the API's answer, when there was one.
    pub http_status: Option<u16>,
    /// The API's error body as received (problem+json, or the eCom error array). Boxed to
    /// keep `Result<T, Error>` small on the success path.
    pub problem: Option<Box<Value>>,
    /// The API's trace id (from the problem body), for support requests.
    pub trace_id: Option<String>,
    /// The API's domain error code (ePayment `extraDetails` ErrorCode, Checkout `errorCode`).
    pub error_code: Option<String>,
    /// The idempotency key the failed call used, so the caller can retry with the same one.
    pub idempotency_key: Option<String>,
}

impl Error {
    /// An error of `kind`, with the kind's default `retryable`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::RateLimited
                | ErrorKind::Timeout
                | ErrorKind::Network
                | ErrorKind::UnknownOutcome
        );
        Error {
            kind,
            message: message.into(),
            retryable,
            http_status: None,
            problem: None,
            trace_id: None,
            error_code: None,
            idempotency_key: None,
        }
    }

    /// A request the library refuses before sending anything.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// A configuration the library cannot use.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// A bug in the library (never the caller's fault).
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }

    /// The same error, saying whether it may be retried.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// The same error, with the idempotency key the failed call used.
    pub fn with_idempotency_key(mut self, key: Option<&str>) -> Self {
        self.idempotency_key = key.map(str::to_owned);
        self
    }

    /// The `error` object of the envelope.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("kind".into(), json!(self.kind.as_str()));
        map.insert("message".into(), json!(self.message));
        map.insert("retryable".into(), json!(self.retryable));
        map.insert("http_status".into(), json!(self.http_status));
        map.insert(
            "problem".into(),
            self.problem.as_deref().cloned().unwrap_or(Value::Null),
        );
        map.insert("trace_id".into(), json!(self.trace_id));
        map.insert("error_code".into(), json!(self.error_code));
        if let Some(key) = &self.idempotency_key {
            map.insert("idempotency_key".into(), json!(key));
        }
        Value::Object(map)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// A result whose error is the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_and_snake_case() {
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }

    #[test]
    fn transient_kinds_default_to_retryable() {
        assert!(Error::new(ErrorKind::Timeout, "x").retryable);
        assert!(Error::new(ErrorKind::Network, "x").retryable);
        assert!(Error::new(ErrorKind::UnknownOutcome, "x").retryable);
        assert!(!Error::new(ErrorKind::InvalidInput, "x").retryable);
        assert!(!Error::new(ErrorKind::Conflict, "x").retryable);
    }

    #[test]
    fn json_form_has_every_documented_field() {
        let json = Error::invalid_input("reference is required").to_json();
        for field in [
            "kind",
            "message",
            "retryable",
            "http_status",
            "problem",
            "trace_id",
            "error_code",
        ] {
            assert!(json.get(field).is_some(), "missing {field}");
        }
        assert_eq!(json["kind"], "invalid_input");
    }
}
