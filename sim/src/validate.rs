//! A small schema checker over `serde_json::Value` that collects every violation with its path.
//!
//! Requests are validated by hand rather than through serde structs so that every constraint the
//! specs state (lengths, patterns, ranges, enums, integer-not-float) produces a precise message,
//! and unknown fields pass through untouched.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Whether a field must be present (`null` counts as absent: the optional fields are nullable).
#[derive(Clone, Copy, PartialEq)]
pub enum Need {
    Required,
    Optional,
}

pub struct Checker {
    /// Checkout names fields `Transaction.Reference`; ePayment uses `transaction.reference`.
    pascal_case: bool,
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn camel() -> Checker {
        Checker {
            pascal_case: false,
            errors: Vec::new(),
        }
    }

    pub fn pascal() -> Checker {
        Checker {
            pascal_case: true,
            errors: Vec::new(),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The path of `key` inside `parent`, in this checker's naming style.
    pub fn path(&self, parent: &str, key: &str) -> String {
        let key = if self.pascal_case {
            let mut chars = key.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        } else {
            key.to_string()
        };
        if parent.is_empty() {
            key
        } else {
            format!("{parent}.{key}")
        }
    }

    pub fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.into(),
            message: message.into(),
        });
    }

    /// The field's value, or `None` (recording an error when it is required but missing).
    fn present<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        path: &str,
        need: Need,
    ) -> Option<&'a Value> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                if need == Need::Required {
                    self.fail(path, format!("The {key} field is required."));
                }
                None
            }
            Some(v) => Some(v),
        }
    }

    pub fn object<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
    ) -> Option<&'a Map<String, Value>> {
        let path = self.path(parent, key);
        let v = self.present(obj, key, &path, need)?;
        match v.as_object() {
            Some(o) => Some(o),
            None => {
                self.fail(path, format!("The {key} field must be an object."));
                None
            }
        }
    }

    pub fn array<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
        min_items: usize,
    ) -> Option<&'a Vec<Value>> {
        let path = self.path(parent, key);
        let v = self.present(obj, key, &path, need)?;
        match v.as_array() {
            Some(a) if a.len() >= min_items => Some(a),
            Some(_) => {
                self.fail(
                    path,
                    format!("The {key} field must have at least {min_items} item(s)."),
                );
                None
            }
            None => {
                self.fail(path, format!("The {key} field must be an array."));
                None
            }
        }
    }

    /// A string whose length (in characters) lies in `min..=max`.
    pub fn string<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
        min: usize,
        max: usize,
    ) -> Option<&'a str> {
        let path = self.path(parent, key);
        let v = self.present(obj, key, &path, need)?;
        let Some(s) = v.as_str() else {
            self.fail(path, format!("The {key} field must be a string."));
            return None;
        };
        let len = s.chars().count();
        if len < min || len > max {
            self.fail(
                path,
                format!("The {key} field must be between {min} and {max} characters long."),
            );
            return None;
        }
        Some(s)
    }

    /// A string that must also satisfy `ok`, described by `rule` in the error message.
    #[allow(clippy::too_many_arguments)]
    pub fn string_matching<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
        min: usize,
        max: usize,
        ok: fn(&str) -> bool,
        rule: &str,
    ) -> Option<&'a str> {
        let s = self.string(obj, parent, key, need, min, max)?;
        if ok(s) {
            Some(s)
        } else {
            let path = self.path(parent, key);
            self.fail(path, format!("The {key} field must match {rule}."));
            None
        }
    }

    /// One of the allowed string values.
    pub fn one_of<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
        allowed: &[&str],
    ) -> Option<&'a str> {
        let s = self.string(obj, parent, key, need, 0, usize::MAX)?;
        if allowed.contains(&s) {
            Some(s)
        } else {
            let path = self.path(parent, key);
            self.fail(
                path,
                format!("The {key} field must be one of: {}.", allowed.join(", ")),
            );
            None
        }
    }

    /// A JSON integer (a float such as `100.0` or a numeric string is refused) in `min..=max`.
    pub fn integer(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let path = self.path(parent, key);
        let v = self.present(obj, key, &path, need)?;
        let n = match v {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            Value::Number(n) if n.is_u64() => Some(i64::MAX),
            _ => None,
        };
        let Some(n) = n else {
            self.fail(
                path,
                format!("The {key} field must be an integer (minor units, no decimals)."),
            );
            return None;
        };
        if n < min || n > max {
            self.fail(
                path,
                format!("The {key} field must be between {min} and {max}."),
            );
            return None;
        }
        Some(n)
    }

    pub fn boolean(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        need: Need,
    ) -> Option<bool> {
        let path = self.path(parent, key);
        let v = self.present(obj, key, &path, need)?;
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.fail(path, format!("The {key} field must be a boolean."));
                None
            }
        }
    }
}

/// `^[a-zA-Z0-9-]*$`
pub fn is_reference_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_each_violation_with_its_path() {
        let v = json!({"amount": {"value": 10.5, "currency": "NOK"}, "name": "ab"});
        let obj = v.as_object().unwrap();
        let mut c = Checker::pascal();
        let amount = c
            .object(obj, "Transaction", "amount", Need::Required)
            .unwrap();
        assert_eq!(
            c.integer(amount, "Transaction.Amount", "value", Need::Required, 0, 10),
            None
        );
        assert_eq!(c.string(obj, "", "name", Need::Required, 3, 5), None);
        assert_eq!(c.string(obj, "", "missing", Need::Optional, 3, 5), None);
        assert_eq!(c.boolean(obj, "", "flag", Need::Required), None);
        let paths: Vec<&str> = c.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["Transaction.Amount.Value", "Name", "Flag"]);
    }

    #[test]
    fn integers_and_enums_are_checked_strictly() {
        let v = json!({"n": "5", "m": 7, "e": "B"});
        let obj = v.as_object().unwrap();
        let mut c = Checker::camel();
        assert_eq!(c.integer(obj, "", "n", Need::Required, 0, 10), None);
        assert_eq!(c.integer(obj, "", "m", Need::Required, 0, 10), Some(7));
        assert_eq!(
            c.one_of(obj, "", "e", Need::Required, &["A", "B"]),
            Some("B")
        );
        assert_eq!(c.one_of(obj, "", "m", Need::Required, &["A"]), None);
        assert_eq!(c.errors.len(), 2);
        assert!(is_reference_chars("abc-123") && !is_reference_chars("abc_123"));
    }
}
