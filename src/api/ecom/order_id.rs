//! Order ids that follow the orderId recommendations: unique per MSN, only `a-zA-Z0-9-`, at
//! most 50 characters, no leading zeros, never digits only, an MSN prefix when a shop has
//! several sales units, and a `-1`, `-2` suffix for a new attempt at the same order.

use crate::error::{Error, ErrorKind, Result};
use crate::json::input::Fields;
use serde_json::{json, Value};

const MAX_LEN: usize = 50;

/// `{"prefix": "acme-shop", "order_number": "00123" | 123, "msn": "123456"?, "attempt": 0?}`
/// → `{"order_id": "123456-acme-shop-123-1"}`.
pub fn make_order_id(request: &Value) -> Result<Value> {
    let map = request
        .as_object()
        .ok_or_else(|| Error::invalid_input("the request must be a JSON object"))?;
    let f = Fields::new(map, "", ErrorKind::InvalidInput);
    let prefix = clean(f.req_str("prefix")?);
    if !prefix.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Err(f.error(
            "prefix",
            "must contain a letter, so that order ids are never digits only",
        ));
    }
    let number = match map.get("order_number") {
        Some(Value::String(s)) => clean(s),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => {
            return Err(f.error(
                "order_number",
                "is required: a string or a non-negative integer",
            ))
        }
    };
    let number = match number.trim_start_matches('0') {
        "" if !number.is_empty() => "0".to_owned(),
        trimmed => trimmed.to_owned(),
    };
    if number.is_empty() {
        return Err(f.error(
            "order_number",
            "has no usable characters (a-z, A-Z, 0-9, '-')",
        ));
    }
    let mut parts = Vec::new();
    if let Some(msn) = f.opt_str("msn")? {
        crate::config::check_msn(&f, "msn", msn)?;
        parts.push(msn.to_owned());
    }
    parts.push(prefix);
    parts.push(number);
    match f.opt_u64("attempt")? {
        None | Some(0) => {}
        Some(n) => parts.push(n.to_string()),
    }
    // No leading zeros anywhere: an MSN or a prefix may start with 0 (found by fuzzing).
    let order_id = parts.join("-").trim_start_matches(['0', '-']).to_owned();
    if order_id.len() > MAX_LEN {
        return Err(f.error(
            "prefix",
            format!(
                "makes the order id {} characters long; the limit is {MAX_LEN}",
                order_id.len()
            ),
        ));
    }
    Ok(json!({ "order_id": order_id }))
}

/// Keeps `a-zA-Z0-9`, turns runs of anything else into one '-', trims dashes at the ends.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(request: Value) -> String {
        make_order_id(&request).unwrap()["order_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn follows_the_recommendations() {
        assert_eq!(
            id(json!({"prefix": "acme-shop", "order_number": "00123"})),
            "acme-shop-123"
        );
        assert_eq!(
            id(json!({"prefix": "Acme Shop!", "order_number": 42, "msn": "123456", "attempt": 2})),
            "123456-Acme-Shop-42-2"
        );
        assert_eq!(
            id(json!({"prefix": "acme", "order_number": "000"})),
            "acme-0"
        );
        assert_eq!(
            id(json!({"prefix": "acme", "order_number": "A/B 7"})),
            "acme-A-B-7"
        );
    }

    #[test]
    fn refuses_what_cannot_be_a_good_order_id() {
        assert!(make_order_id(&json!({"prefix": "123", "order_number": 1})).is_err());
        assert!(make_order_id(&json!({"prefix": "a".repeat(48), "order_number": 123})).is_err());
        assert!(make_order_id(&json!({"prefix": "acme", "order_number": -1})).is_err());
        assert!(make_order_id(&json!({"prefix": "acme", "order_number": "!!"})).is_err());
        assert!(make_order_id(&json!({"prefix": "acme", "order_number": 1, "msn": "12"})).is_err());
    }
}
