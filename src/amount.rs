//! Amounts: integer minor units (øre, cents) and a currency, checked before sending.

use crate::error::Result;
use crate::input::Fields;

/// The currencies ePayment accepts.
pub(crate) const EPAYMENT_CURRENCIES: &[&str] = &["NOK", "DKK", "EUR"];
/// ePayment's upper bound on an amount, in minor units.
pub(crate) const EPAYMENT_MAX_VALUE: i64 = 65_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount<'a> {
    pub value: i64,
    pub currency: &'a str,
}

/// Reads `{"value": <integer minor units>, "currency": "NOK"}` from `fields[name]`.
/// `currencies` limits the currency (None: any three upper-case letters).
pub fn read_amount<'a>(
    fields: &Fields<'a>,
    name: &str,
    currencies: Option<&[&str]>,
    max: i64,
) -> Result<Amount<'a>> {
    let amount = fields.req_object(name)?;
    let value = amount.req_i64("value")?;
    if value < 0 || value > max {
        return Err(amount.error(
            "value",
            format!("must be 0 to {max} minor units, got {value}"),
        ));
    }
    let currency = amount.req_str("currency")?;
    match currencies {
        Some(allowed) if !allowed.contains(&currency) => {
            return Err(amount.error(
                "currency",
                format!("must be one of {}, got {currency:?}", allowed.join(", ")),
            ));
        }
        None if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) => {
            return Err(amount.error(
                "currency",
                format!("must be a three-letter ISO 4217 code, got {currency:?}"),
            ));
        }
        _ => {}
    }
    Ok(Amount { value, currency })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    fn read(value: serde_json::Value, currencies: Option<&[&str]>) -> Result<i64> {
        let map = json!({ "amount": value });
        let f = Fields::new(
            map.as_object().unwrap(),
            "transaction",
            ErrorKind::InvalidInput,
        );
        read_amount(&f, "amount", currencies, EPAYMENT_MAX_VALUE).map(|a| a.value)
    }

    #[test]
    fn minor_units_only() {
        assert_eq!(
            read(
                json!({"value": 49900, "currency": "NOK"}),
                Some(EPAYMENT_CURRENCIES)
            )
            .unwrap(),
            49900
        );
        let err = read(json!({"value": 499.0, "currency": "NOK"}), None).unwrap_err();
        assert!(
            err.message
                .contains("transaction.amount.value must be an integer"),
            "{}",
            err.message
        );
        assert!(read(json!({"value": "499", "currency": "NOK"}), None).is_err());
        assert!(read(json!({"value": -1, "currency": "NOK"}), None).is_err());
        assert!(read(json!({"value": 65_000_001, "currency": "NOK"}), None).is_err());
    }

    #[test]
    fn currencies_are_checked() {
        assert!(read(
            json!({"value": 1, "currency": "SEK"}),
            Some(EPAYMENT_CURRENCIES)
        )
        .is_err());
        assert!(read(json!({"value": 1, "currency": "SEK"}), None).is_ok());
        assert!(read(json!({"value": 1, "currency": "nok"}), None).is_err());
    }
}
