//! Amounts: integer minor units (øre, cents) and a currency, checked before sending.

use crate::error::Result;
use crate::json::input::Fields;

/// The currencies ePayment accepts.
pub(crate) const EPAYMENT_CURRENCIES: &[&str] = &["NOK", "DKK", "EUR"];
/// ePayment's upper bound on an amount, in minor units.
pub(crate) const EPAYMENT_MAX_VALUE: i64 = 65_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount<'a> {
    pub value: i64,
    pub currency: &'a str,
}

/// The currencies with two decimals (100 minor units to one major): every currency the APIs take.
const TWO_DECIMALS: &[&str] = &["NOK", "DKK", "EUR"];

/// An amount in minor units as a person reads it, for messages: `(500, "NOK")` is
/// `"5.00 NOK"`, `(-1250, "EUR")` is `"-12.50 EUR"`. Integer arithmetic only (a float would
/// misprint large amounts). A currency whose decimals the library does not know is shown in
/// minor units, saying so.
pub fn format_minor(value: i64, currency: &str) -> String {
    if !TWO_DECIMALS.contains(&currency) {
        return format!("{value} minor units of {currency}");
    }
    let sign = if value < 0 { "-" } else { "" };
    // unsigned_abs: -i64::MIN does not fit in an i64.
    let abs = value.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
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
    if value < 0 || value > max {
        return Err(amount.error(
            "value",
            format!(
                "must be 0 to {max} minor units (at most {}), got {value} ({})",
                format_minor(max, currency),
                format_minor(value, currency)
            ),
        ));
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

    #[test]
    fn minor_units_are_formatted_with_integer_arithmetic() {
        let cases = [
            (0, "NOK", "0.00 NOK"),
            (5, "NOK", "0.05 NOK"),
            (50, "DKK", "0.50 DKK"),
            (500, "NOK", "5.00 NOK"),
            (1250, "NOK", "12.50 NOK"),
            (100_000, "EUR", "1000.00 EUR"),
            (-5, "NOK", "-0.05 NOK"),
            (-1250, "EUR", "-12.50 EUR"),
            (65_000_000, "NOK", "650000.00 NOK"),
            (i32::MAX as i64, "NOK", "21474836.47 NOK"),
            (i64::MAX, "NOK", "92233720368547758.07 NOK"),
            (i64::MIN, "NOK", "-92233720368547758.08 NOK"),
            (500, "SEK", "500 minor units of SEK"),
        ];
        for (value, currency, shown) in cases {
            assert_eq!(format_minor(value, currency), shown, "{value} {currency}");
        }
    }

    #[test]
    fn an_amount_out_of_range_is_shown_in_major_units_too() {
        let err = read(json!({"value": 65_000_001, "currency": "NOK"}), None).unwrap_err();
        assert!(
            err.message
                .contains("at most 650000.00 NOK), got 65000001 (650000.01 NOK)"),
            "{}",
            err.message
        );
    }
}
