//! Turning an API's error answer into an `Error` that keeps every detail.
//!
//! Shops told us errors lose their detail, so the whole problem body stays in the error,
//! next to the trace id and the API's own error code.

use crate::error::{Error, ErrorKind};
use crate::http::transport::HttpResponse;
use serde_json::Value;

/// The largest error body kept verbatim when it is not JSON.
const MAX_TEXT_PROBLEM: usize = 2048;

/// The error for a refusal: its kind from the status, the API's detail, and whether the caller
/// may retry (decided in `retry.rs`).
pub fn api_error(response: &HttpResponse, what: &str, safe_to_repeat: bool) -> Error {
    let status = response.status;
    let problem: Option<Value> = match serde_json::from_slice::<Value>(&response.body) {
        Ok(value) => Some(value),
        Err(_) if response.body.is_empty() => None,
        Err(_) => {
            let text = String::from_utf8_lossy(&response.body);
            Some(Value::String(text.chars().take(MAX_TEXT_PROBLEM).collect()))
        }
    };
    let kind = match status {
        401 | 403 => ErrorKind::Unauthorized,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Api,
    };
    let detail = problem.as_ref().map(describe).unwrap_or_default();
    let message = if detail.is_empty() {
        format!("{what} failed with HTTP {status}")
    } else {
        format!("{what} failed with HTTP {status}: {detail}")
    };
    let mut error = Error::new(kind, message).with_retryable(
        crate::http::retry::answer_is_retryable(status, safe_to_repeat),
    );
    error.http_status = Some(status);
    error.trace_id = problem
        .as_ref()
        .and_then(trace_id)
        .or_else(|| response.header("traceid").map(str::to_owned));
    error.error_code = problem.as_ref().and_then(error_code);
    error.problem = problem.map(Box::new);
    error
}

/// A one-line summary of a problem body in any of the APIs' shapes.
fn describe(problem: &Value) -> String {
    if let Some(first) = problem.as_array().and_then(|a| a.first()) {
        // eCom: [{"errorGroup","errorCode","errorMessage","contextId"}]
        let code = first.get("errorCode").map(value_text).unwrap_or_default();
        let message = first
            .get("errorMessage")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return format!("{message} (error {code})").trim().to_owned();
    }
    let text = |name: &str| {
        problem
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let mut parts: Vec<String> = [text("title"), text("detail")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    parts.dedup();
    if parts.is_empty() {
        for key in ["message", "error_description", "error"] {
            if !text(key).is_empty() {
                parts.push(text(key).to_owned());
                break;
            }
        }
    }
    if let Some(errors) = problem.get("errors").and_then(Value::as_object) {
        for (field, messages) in errors {
            let joined: Vec<&str> = messages
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            parts.push(format!("{field}: {}", joined.join("; ")));
        }
    }
    if let Some(code) = error_code(problem) {
        parts.push(format!("(error {code})"));
    }
    parts.join(" ")
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn trace_id(problem: &Value) -> Option<String> {
    let object = problem.as_object()?;
    ["traceId", "traceid", "trace_id"]
        .iter()
        .find_map(|k| object.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

fn error_code(problem: &Value) -> Option<String> {
    if let Some(first) = problem.as_array().and_then(|a| a.first()) {
        return first.get("errorCode").map(value_text);
    }
    let from_extra = extra_details_error_code(problem).map(value_text);
    from_extra.or_else(|| problem.get("errorCode").map(value_text))
}

/// The `reason` of the first `extraDetails` entry named `ErrorCode` (ePayment's domain error
/// code), as the problem body has it.
pub(crate) fn extra_details_error_code(problem: &Value) -> Option<&Value> {
    problem
        .get("extraDetails")?
        .as_array()?
        .iter()
        .find(|d| d.get("name").and_then(Value::as_str) == Some("ErrorCode"))
        .and_then(|d| d.get("reason"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, body: Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: serde_json::to_vec(&body).unwrap(),
            attempts: 1,
        }
    }

    #[test]
    fn epayment_problem_keeps_code_trace_and_body() {
        let body = json!({"type":"https://developer.vippsmobilepay.com/docs/APIs/epayment-api/errors","title":"Capture amount too high","status":400,"detail":"Requested 2000, capturable 1000","traceId":"abc-123","extraDetails":[{"name":"ErrorCode","reason":"6090"}]});
        let error = api_error(
            &response(400, body.clone()),
            "capturing payment order-1",
            false,
        );
        assert_eq!(error.kind, ErrorKind::Api);
        assert!(!error.retryable);
        assert_eq!(error.error_code.as_deref(), Some("6090"));
        assert_eq!(error.trace_id.as_deref(), Some("abc-123"));
        assert_eq!(error.problem.as_deref(), Some(&body));
        assert!(
            error.message.contains("Capture amount too high"),
            "{}",
            error.message
        );
    }

    #[test]
    fn statuses_map_to_kinds() {
        assert_eq!(
            api_error(&response(409, json!({})), "x", false).kind,
            ErrorKind::Conflict
        );
        assert_eq!(
            api_error(&response(404, json!({})), "x", false).kind,
            ErrorKind::NotFound
        );
        assert_eq!(
            api_error(&response(401, json!({})), "x", false).kind,
            ErrorKind::Unauthorized
        );
        let limited = api_error(&response(429, json!({})), "x", false);
        assert_eq!(limited.kind, ErrorKind::RateLimited);
        assert!(limited.retryable);
        assert!(api_error(&response(503, json!({})), "x", false).retryable);
    }

    #[test]
    fn checkout_and_ecom_shapes_are_read() {
        let checkout = json!({"errorCode":"Validation-00001","title":"Bad Request","errors":{"Transaction.Reference":["too short"]}});
        let error = api_error(&response(400, checkout), "creating session", false);
        assert_eq!(error.error_code.as_deref(), Some("Validation-00001"));
        assert!(
            error.message.contains("Transaction.Reference: too short"),
            "{}",
            error.message
        );
        let ecom = json!([{"errorGroup":"Payment","errorCode":"61","errorMessage":"Captured amount exceeds the reserved amount","contextId":"c-1"}]);
        let error = api_error(&response(400, ecom), "capturing order", false);
        assert_eq!(error.error_code.as_deref(), Some("61"));
        assert!(error.message.contains("exceeds the reserved amount"));
    }
}
