//! Reading request and configuration JSON with errors that name the offending field.
//!
//! Every entry point takes JSON from another language, so every type mistake must come back
//! as `invalid_input` (or `config`) saying which field and what was expected.

use crate::error::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

/// Parses a JSON text that must be an object.
pub fn parse_object(text: &str, what: &str, kind: ErrorKind) -> Result<Map<String, Value>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::new(kind, format!("{what} is not valid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::new(
            kind,
            format!("{what} must be a JSON object, got {}", type_name(&other)),
        )),
    }
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a decimal number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A view over a JSON object that reports errors with the field's full path.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
    kind: ErrorKind,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>, path: &str, kind: ErrorKind) -> Self {
        Fields {
            map,
            path: path.to_owned(),
            kind,
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.map.iter()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn path_of(&self, name: &str) -> String {
        if name.is_empty() {
            self.path.clone()
        } else if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{}", self.path, name)
        }
    }

    pub fn error(&self, name: &str, message: impl AsRef<str>) -> Error {
        Error::new(
            self.kind,
            format!("{} {}", self.path_of(name), message.as_ref()),
        )
    }

    fn present(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn wrong_type(&self, name: &str, expected: &str, got: &Value) -> Error {
        self.error(name, format!("must be {expected}, got {}", type_name(got)))
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(self.wrong_type(name, "a string", other)),
        }
    }

    pub fn req_str(&self, name: &str) -> Result<&'a str> {
        self.opt_str(name)?
            .ok_or_else(|| self.error(name, "is required"))
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(name, "a boolean", other)),
        }
    }

    /// An integer; a decimal number is refused, never rounded (money is in minor units).
    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.error(name, format!("must be an integer, got {n}"))),
            Some(other) => Err(self.wrong_type(name, "an integer", other)),
        }
    }

    pub fn req_i64(&self, name: &str) -> Result<i64> {
        self.opt_i64(name)?
            .ok_or_else(|| self.error(name, "is required"))
    }

    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>> {
        match self.opt_i64(name)? {
            Some(v) if v < 0 => Err(self.error(name, "must not be negative")),
            other => Ok(other.map(|v| v as u64)),
        }
    }

    pub fn opt_object(&self, name: &str) -> Result<Option<Fields<'a>>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields::new(map, &self.path_of(name), self.kind))),
            Some(other) => Err(self.wrong_type(name, "an object", other)),
        }
    }

    pub fn req_object(&self, name: &str) -> Result<Fields<'a>> {
        self.opt_object(name)?
            .ok_or_else(|| self.error(name, "is required"))
    }

    pub fn opt_array(&self, name: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(self.wrong_type(name, "an array", other)),
        }
    }

    /// The objects of an array field, each with its index in the path (`lines[2].name`).
    pub fn opt_object_array(&self, name: &str) -> Result<Vec<Fields<'a>>> {
        let Some(items) = self.opt_array(name)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(map) => Ok(Fields::new(
                    map,
                    &format!("{}[{i}]", self.path_of(name)),
                    self.kind,
                )),
                other => Err(self.error(
                    &format!("{name}[{i}]"),
                    format!("must be an object, got {}", type_name(other)),
                )),
            })
            .collect()
    }

    /// A string of `min..=max` characters (counted as Unicode scalar values, like the APIs do).
    pub fn check_len(&self, name: &str, value: &str, min: usize, max: usize) -> Result<()> {
        let len = value.chars().count();
        if len < min || len > max {
            return Err(self.error(
                name,
                format!("must be {min} to {max} characters long, got {len}"),
            ));
        }
        Ok(())
    }

    pub fn check_enum(&self, name: &str, allowed: &[&str]) -> Result<Option<&'a str>> {
        match self.opt_str(name)? {
            Some(v) if !allowed.contains(&v) => Err(self.error(
                name,
                format!("must be one of {}, got {v:?}", allowed.join(", ")),
            )),
            other => Ok(other),
        }
    }
}

/// Parses a request's JSON text: an object, or an `invalid_input` error that says why not.
pub(crate) fn parse_request_json(text: &str) -> Result<Value> {
    let request: Value = serde_json::from_str(text)
        .map_err(|e| Error::invalid_input(format!("request_json is not valid JSON: {e}")))?;
    if !request.is_object() {
        return Err(Error::invalid_input(format!(
            "request_json must be a JSON object, got {}",
            type_name(&request)
        )));
    }
    Ok(request)
}

/// The request as an object we may edit (the caller's value is never changed).
pub(crate) fn request_object(request: &Value) -> Result<Map<String, Value>> {
    request_map(request).cloned()
}

/// The request as an object to read.
pub(crate) fn request_map(request: &Value) -> Result<&Map<String, Value>> {
    match request {
        Value::Object(map) => Ok(map),
        other => Err(Error::invalid_input(format!(
            "the request must be a JSON object, got {}",
            type_name(other)
        ))),
    }
}

pub(crate) fn object_or_empty(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// An object of one field, to read a lone value with the [`Fields`] readers and their errors.
pub(crate) fn one_field(name: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(name.to_owned(), value);
    map
}

/// The object at `name`, to edit: for a field a validator has already required (so the error
/// is never expected), without a panic if that ever changes.
pub(crate) fn object_field_mut<'a>(
    map: &'a mut Map<String, Value>,
    name: &str,
) -> Result<&'a mut Map<String, Value>> {
    map.get_mut(name)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| Error::invalid_input(format!("{name} is required: an object")))
}

/// Lenient decoding of the APIs' answers into typed views, for what a library call reads of
/// them once (the normalized status): a field of the wrong type reads as absent, never as an
/// error, so the view's user decides what absent means (an unknown state is refused, never
/// read as `failed`).
pub(crate) mod lenient {
    use serde::de::{Deserialize, DeserializeOwned, Deserializer};
    use serde_json::Value;

    /// `value` decoded as `T`; anything but an object, or an object that is not a `T`, reads
    /// as `T::default()` (a view whose fields all use the readers below never fails).
    pub fn decode<'a, T: Deserialize<'a> + Default>(value: &'a Value) -> T {
        match value {
            Value::Object(_) => T::deserialize(value).unwrap_or_default(),
            _ => T::default(),
        }
    }

    /// A field that must be an object decoded as `T`; anything else is `None`.
    pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            value @ Value::Object(_) => T::deserialize(value).ok(),
            _ => None,
        })
    }

    /// A field that must be an array, each item decoded as by [`decode`]; anything else is
    /// `None`.
    pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(
        deserializer: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Array(items) => Some(items.iter().map(decode).collect()),
            _ => None,
        })
    }

    /// A field that must be an array, its items as they are; anything else is `None`.
    pub fn array<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<Value>>, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Array(items) => Some(items),
            _ => None,
        })
    }

    /// A field that must be a boolean; anything else is `None`.
    pub fn boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
        Ok(Value::deserialize(deserializer)?.as_bool())
    }

    /// A field that must be an integer within `i64`; anything else is `None`.
    pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        Ok(Value::deserialize(deserializer)?.as_i64())
    }

    /// A field as it is, `null` included (`Some(Value::Null)`): for a body whose field may be
    /// present but null, where that differs from absent (a plain `Option<Value>` reads `null`
    /// as `None`). Absent is `None` through `#[serde(default)]`.
    pub fn raw<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
        Value::deserialize(deserializer).map(Some)
    }

    /// Whether a field is present at all, whatever its value (`null` too); absent is `false`
    /// through `#[serde(default)]`.
    pub fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| true)
    }

    /// A field that must be a string; anything else is `None`.
    pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(text) => Some(text),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: &Value) -> Fields<'_> {
        Fields::new(
            value.as_object().unwrap(),
            "transaction",
            ErrorKind::InvalidInput,
        )
    }

    #[test]
    fn decimal_amounts_are_refused_not_rounded() {
        let v = json!({"value": 10.5});
        let err = fields(&v).req_i64("value").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("transaction.value"), "{}", err.message);
        assert!(err.message.contains("integer"));
    }

    #[test]
    fn wrong_types_name_the_field_and_the_type() {
        let v = json!({"reference": 5, "lines": [{"name": "a"}, 3]});
        let f = fields(&v);
        let err = f.req_str("reference").unwrap_err();
        assert_eq!(
            err.message,
            "transaction.reference must be a string, got an integer"
        );
        let err = f.opt_object_array("lines").err().unwrap();
        assert!(
            err.message.contains("transaction.lines[1]"),
            "{}",
            err.message
        );
    }

    #[test]
    fn raw_keeps_a_null_and_present_sees_one() {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct View {
            #[serde(deserialize_with = "lenient::raw")]
            kept: Option<Value>,
            #[serde(deserialize_with = "lenient::present")]
            seen: bool,
        }
        let view: View = lenient::decode(&json!({"kept": null, "seen": null}));
        assert_eq!((view.kept, view.seen), (Some(Value::Null), true));
        let view: View = lenient::decode(&json!({"other": 1}));
        assert_eq!((view.kept, view.seen), (None, false));
        let view: View = lenient::decode(&json!({"kept": [1], "seen": {"a": 2}}));
        assert_eq!((view.kept, view.seen), (Some(json!([1])), true));
    }

    #[test]
    fn non_objects_are_refused() {
        let err = parse_object("[1,2]", "request", ErrorKind::InvalidInput).unwrap_err();
        assert!(err.message.contains("must be a JSON object"));
        let err = parse_object("{", "request", ErrorKind::InvalidInput).unwrap_err();
        assert!(err.message.contains("not valid JSON"));
    }
}
