//! The ePayment `Amount`: `{currency: NOK|DKK|EUR, value: integer 0..=65000000}`.

use crate::validate::{Checker, Need};
use serde_json::{Map, Value};

pub const CURRENCIES: &[&str] = &["NOK", "DKK", "EUR"];
pub const MAX_VALUE: i64 = 65_000_000;

/// Checks `obj[key]` as an Amount; `Some((currency, value))` when valid.
pub fn check(
    c: &mut Checker,
    obj: &Map<String, Value>,
    parent: &str,
    key: &str,
) -> Option<(String, i64)> {
    let amount = c.object(obj, parent, key, Need::Required)?;
    let path = c.path(parent, key);
    let currency = c.one_of(amount, &path, "currency", Need::Required, CURRENCIES);
    let value = c.integer(amount, &path, "value", Need::Required, 0, MAX_VALUE);
    Some((currency?.to_string(), value?))
}
