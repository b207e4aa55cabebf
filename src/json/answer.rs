//! Answer objects written straight to JSON, without building a `serde_json::Value` first.
//!
//! The hot no-I/O calls (`handle_callback`, `apply_event`) used to build their answer as a
//! `Value` (one B-tree insert and one allocation per key, plus a deep copy of the parsed body)
//! only to serialize it right away. An [`Object`] borrows what it describes and serializes in
//! the same canonical order a `Value` object has (keys sorted, serde_json without
//! `preserve_order`), so the bytes are the same either way and the Rust API can still hand out
//! a `Value` ([`Object::to_value`]).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// One value of an answer object, borrowed from what it describes.
pub(crate) enum Field<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'a str),
    Strings(&'a [String]),
    Json(&'a Value),
    Object(Object<'a>),
}

/// A JSON object whose keys are written sorted; a repeated key keeps its last value (as
/// inserting into a map would).
#[derive(Default)]
pub(crate) struct Object<'a> {
    entries: Vec<(&'a str, Field<'a>)>,
}

impl<'a> Object<'a> {
    pub fn with_capacity(n: usize) -> Object<'a> {
        Object {
            entries: Vec::with_capacity(n),
        }
    }

    pub fn field(mut self, key: &'a str, value: impl Into<Field<'a>>) -> Object<'a> {
        self.push(key, value);
        self
    }

    pub fn push(&mut self, key: &'a str, value: impl Into<Field<'a>>) {
        self.entries.push((key, value.into()));
    }

    /// The same object as a `Value`, for the Rust API (a map keeps the last of repeated keys,
    /// as the serialization does).
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        for (key, value) in &self.entries {
            map.insert((*key).to_owned(), value.to_value());
        }
        Value::Object(map)
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut order: Vec<&(&str, Field)> = self.entries.iter().collect();
        // A stable sort keeps repeated keys in insertion order: the last one is kept.
        order.sort_by_key(|(key, _)| *key);
        let last_of_key = |at: usize| match (order.get(at), order.get(at + 1)) {
            (Some((key, _)), Some((next, _))) => next != key,
            _ => true,
        };
        let kept = (0..order.len()).filter(|&at| last_of_key(at)).count();
        let mut map = serializer.serialize_map(Some(kept))?;
        for (at, (key, value)) in order.iter().enumerate() {
            if last_of_key(at) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl Field<'_> {
    fn to_value(&self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Bool(b) => Value::Bool(*b),
            Field::Int(i) => Value::from(*i),
            Field::Str(s) => Value::from(*s),
            Field::Strings(list) => Value::from(list.to_vec()),
            Field::Json(value) => (*value).clone(),
            Field::Object(object) => object.to_value(),
        }
    }
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Null => serializer.serialize_unit(),
            Field::Bool(b) => serializer.serialize_bool(*b),
            Field::Int(i) => serializer.serialize_i64(*i),
            Field::Str(s) => serializer.serialize_str(s),
            Field::Strings(list) => list.serialize(serializer),
            Field::Json(value) => value.serialize(serializer),
            Field::Object(object) => object.serialize(serializer),
        }
    }
}

impl From<bool> for Field<'_> {
    fn from(b: bool) -> Self {
        Field::Bool(b)
    }
}

impl From<i64> for Field<'_> {
    fn from(i: i64) -> Self {
        Field::Int(i)
    }
}

impl From<u32> for Field<'_> {
    fn from(i: u32) -> Self {
        Field::Int(i.into())
    }
}

impl<'a> From<&'a str> for Field<'a> {
    fn from(s: &'a str) -> Self {
        Field::Str(s)
    }
}

impl<'a> From<&'a [String]> for Field<'a> {
    fn from(list: &'a [String]) -> Self {
        Field::Strings(list)
    }
}

impl<'a> From<&'a Value> for Field<'a> {
    fn from(value: &'a Value) -> Self {
        Field::Json(value)
    }
}

impl<'a> From<Object<'a>> for Field<'a> {
    fn from(object: Object<'a>) -> Self {
        Field::Object(object)
    }
}

/// `None` is written as `null`.
impl<'a, T: Into<Field<'a>>> From<Option<T>> for Field<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Null, Into::into)
    }
}

/// A typed value as JSON, for the JSON methods (the typed values always serialize; an error
/// here would be a bug, answered as `internal`).
pub(crate) fn to_json<T: Serialize>(value: &T) -> crate::error::Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| crate::error::Error::internal(format!("an answer did not serialize: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_written_sorted_and_the_last_repeat_wins() {
        let raw = json!({"b": [1, 2], "a": {"z": 1, "y": null}});
        let seen = vec!["e1".to_owned(), "e2".to_owned()];
        let object = Object::default()
            .field("zeta", 1i64)
            .field("alpha", "first")
            .field("none", None::<&str>)
            .field("raw", &raw)
            .field("seen", seen.as_slice())
            .field("inner", Object::default().field("y", true).field("x", 7u32))
            .field("alpha", "second");
        let text = serde_json::to_string(&object).unwrap();
        assert_eq!(
            text,
            r#"{"alpha":"second","inner":{"x":7,"y":true},"none":null,"raw":{"a":{"y":null,"z":1},"b":[1,2]},"seen":["e1","e2"],"zeta":1}"#
        );
        // The same bytes a Value object gives: the canonical order.
        assert_eq!(serde_json::to_string(&object.to_value()).unwrap(), text);
    }
}
