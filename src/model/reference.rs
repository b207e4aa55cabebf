//! Payment references (order ids): the characters every API accepts and the lengths each allows.

use crate::error::Result;
use crate::json::input::Fields;

/// The longest reference any API's documentation names: ePayment's 64 in the live docs (its
/// spec, which the library's requests keep to, says 50; Checkout and eCom take 50). A stable
/// idempotency key can be derived for any reference up to it, whatever the API.
pub(crate) const LONGEST_REFERENCE: usize = 64;

/// Checks `^[a-zA-Z0-9-]{min,max}$`. References also go into URL paths, so this check is
/// what keeps a path from being altered by a crafted reference.
pub fn check_reference(
    fields: &Fields,
    name: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<()> {
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(fields.error(
            name,
            format!("may contain only a-z, A-Z, 0-9 and '-', got {value:?}"),
        ));
    }
    fields.check_len(name, value, min, max)
}

/// Reads the `reference` field that names the payment or session a call acts on.
pub fn read_reference<'a>(fields: &Fields<'a>, min: usize, max: usize) -> Result<&'a str> {
    let reference = fields.req_str("reference")?;
    check_reference(fields, "reference", reference, min, max)?;
    Ok(reference)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    #[test]
    fn only_url_safe_references_pass() {
        let map = json!({});
        let f = Fields::new(map.as_object().unwrap(), "", ErrorKind::InvalidInput);
        assert!(check_reference(&f, "reference", "acme-shop-123-order123abc", 8, 50).is_ok());
        assert!(check_reference(&f, "reference", "short", 8, 50).is_err());
        assert!(check_reference(&f, "reference", "order/../../x", 1, 50).is_err());
        assert!(check_reference(&f, "reference", "order 1234", 1, 50).is_err());
        assert!(check_reference(&f, "reference", &"a".repeat(51), 8, 50).is_err());
    }
}
