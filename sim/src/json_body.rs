//! Parsing request bodies ourselves, so malformed JSON gets a clear problem body instead of
//! axum's plain-text rejection.

use serde_json::Value;

/// Parses a JSON body. An empty body is `Ok(None)`; anything unparsable is `Err(detail)`.
pub fn parse_optional(body: &[u8]) -> Result<Option<Value>, String> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| format!("The request body is not valid JSON: {e}"))
}

/// Parses a JSON body that must be an object.
pub fn parse_object(body: &[u8]) -> Result<Value, String> {
    match parse_optional(body)? {
        None => Err("A JSON request body is required.".to_string()),
        Some(v) if v.is_object() => Ok(v),
        Some(_) => Err("The request body must be a JSON object.".to_string()),
    }
}

/// A fingerprint of a request body used to compare idempotent retries: JSON bodies compare by
/// value (key order and whitespace do not matter), anything else byte for byte.
pub fn fingerprint(body: &[u8]) -> Vec<u8> {
    match parse_optional(body) {
        Ok(Some(v)) => v.to_string().into_bytes(),
        Ok(None) => Vec::new(),
        Err(_) => body.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_formatting_but_not_values() {
        assert_eq!(
            fingerprint(br#"{"a":1,"b":2}"#),
            fingerprint(b"{ \"b\": 2, \"a\": 1 }")
        );
        assert_ne!(fingerprint(br#"{"a":1}"#), fingerprint(br#"{"a":2}"#));
        assert_eq!(fingerprint(b""), fingerprint(b"  "));
    }

    #[test]
    fn malformed_and_non_object_bodies_are_errors() {
        assert!(parse_object(b"{").is_err());
        assert!(parse_object(b"[1]").is_err());
        assert!(parse_object(b"").is_err());
        assert!(parse_object(b"{}").is_ok());
    }
}
