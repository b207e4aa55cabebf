//! The receipt builder: from a shop's order lines and the payment's amount, the `orderLines`
//! and `bottomLine` that Order Management accepts, with the tax arithmetic done once, in
//! integer minor units, the same way for every plugin. No I/O.
//!
//! The rounding rule, per line (README "Receipts"):
//! 1. gross = round(unit_price × quantity) − discount, or `total_amount` as given (already
//!    after its discount). `quantity` is an exact decimal (`"1.5"`), so the product is exact
//!    and only its half-øre (or finer) part is rounded, half away from zero;
//! 2. tax = round_half_away_from_zero(gross × rate / (10000 + rate)), rate in basis points:
//!    the tax is derived from the gross, which is what the customer pays;
//! 3. net = gross − tax, so totalAmount = totalAmountExcludingTax + totalTaxAmount exactly.
//!
//! Then the lines (a return counts negative), plus `tipAmount`, minus `giftCardAmount`, must be
//! the payment's amount to the øre; a mismatch is refused, naming each line and the difference.

use super::validation::{
    parse_quantity, validate_receipt, Expected, Quantity, ORDER_MANAGEMENT, RECEIPT_CURRENCIES,
    TAX_RATE_MAX,
};
use crate::error::{ErrorKind, Result};
use crate::json::input::request_map;
use crate::json::input::Fields;
use crate::model::amount::{format_minor, read_amount, Amount, EPAYMENT_MAX_VALUE};
use serde_json::{json, Map, Value};

/// Builds a receipt: `{"amount": {"value", "currency"}, "lines": [{"name", "id",
/// "quantity"?, "quantity_unit"?, "unit_price" | "total_amount", "tax_rate" |
/// "tax_percentage", "discount"?, "is_shipping"?, "is_return"?, "product_url"?}],
/// "bottom_line"?: {...}}` → `{"orderLines", "bottomLine"}`, ready for `add_receipt`.
pub fn build_receipt(request: &Value) -> Result<Value> {
    let map = request_map(request)?;
    let request = Fields::new(map, "", ErrorKind::InvalidInput);
    let payment = read_amount(
        &request,
        "amount",
        Some(RECEIPT_CURRENCIES),
        EPAYMENT_MAX_VALUE,
    )?;
    if request.opt_array("lines")?.map_or(true, Vec::is_empty) {
        return Err(request.error("lines", "is required: at least one order line"));
    }
    let mut lines = Vec::new();
    for line in request.opt_object_array("lines")? {
        lines.push(build_line(&line, payment.currency)?);
    }
    // The bottom line's other fields (receiptNumber, tipAmount, ...) pass through.
    let mut bottom = match (request.opt_object("bottom_line")?, map.get("bottom_line")) {
        (Some(_), Some(Value::Object(given))) => given.clone(),
        _ => Map::new(),
    };
    if let Some(given) = bottom.get("currency").and_then(Value::as_str) {
        if given != payment.currency {
            return Err(request.error(
                "bottom_line.currency",
                format!(
                    "must be the payment's currency {:?}, got {given:?}",
                    payment.currency
                ),
            ));
        }
    }
    bottom.insert("currency".into(), json!(payment.currency));
    let mut receipt = Map::new();
    receipt.insert("orderLines".into(), Value::Array(lines));
    receipt.insert("bottomLine".into(), Value::Object(bottom));
    // The built receipt passes the same checks as one written by hand: each line adds up,
    // and the lines add up to the payment.
    validate_receipt(
        &Fields::new(&receipt, "", ErrorKind::InvalidInput),
        ORDER_MANAGEMENT,
        Some(Expected {
            payment: Amount {
                value: payment.value,
                currency: payment.currency,
            },
            from: "amount",
        }),
    )
    .map_err(|mut error| {
        error.message = error.message.replacen(
            "orderLines add up",
            "the built lines (orderLines) add up",
            1,
        );
        error
    })?;
    Ok(Value::Object(receipt))
}

/// One built `OrderLine`.
fn build_line(line: &Fields, currency: &str) -> Result<Value> {
    let name = line.req_str("name")?;
    line.check_len("name", name, 1, 2048)?;
    let id = line.req_str("id")?;
    line.check_len("id", id, 1, 255)?;
    let quantity_text = read_quantity(line)?;
    let quantity = parse_quantity(&quantity_text).ok_or_else(|| {
        line.error(
            "quantity",
            format!(
                "must be a decimal number of at most 10 characters with at most 8 decimals \
                 (e.g. 2 or \"1.5\"), got {quantity_text:?}"
            ),
        )
    })?;
    let discount = non_negative(line, "discount")?.unwrap_or(0);
    let unit_price = non_negative(line, "unit_price")?;
    let total_amount = non_negative(line, "total_amount")?;
    let gross = match (unit_price, total_amount) {
        (Some(_), Some(_)) => {
            return Err(line.error("unit_price", "or total_amount: give one, not both"))
        }
        (None, None) => {
            return Err(line.error(
                "unit_price",
                "or total_amount is required (minor units: 49900 is 499.00)",
            ))
        }
        (Some(price), None) => {
            let before_discount = times_quantity(price, quantity)
                .ok_or_else(|| line.error("unit_price", "times quantity is too large"))?;
            let gross = before_discount - i128::from(discount);
            if gross < 0 {
                return Err(line.error(
                    "discount",
                    format!(
                        "({}) is more than unit_price × quantity ({})",
                        format_minor(discount, currency),
                        format_minor(clamp(before_discount), currency)
                    ),
                ));
            }
            gross
        }
        (None, Some(total)) => i128::from(total),
    };
    if gross > i128::from(EPAYMENT_MAX_VALUE) {
        return Err(line.error(
            "unit_price",
            format!(
                "gives a line total of {}, more than a payment can be",
                format_minor(clamp(gross), currency)
            ),
        ));
    }
    let gross = gross as i64;
    let rate = read_rate(line)?;
    let tax = tax_of_gross(gross, rate);
    let mut built = Map::new();
    built.insert("name".into(), json!(name));
    built.insert("id".into(), json!(id));
    built.insert("totalAmount".into(), json!(gross));
    built.insert("totalAmountExcludingTax".into(), json!(gross - tax));
    built.insert("totalTaxAmount".into(), json!(tax));
    built.insert("taxRate".into(), json!(rate));
    // Whole percents also as `taxPercentage`: Checkout v3's order lines and ePayment's receipt
    // (the 2023 Receipt schema) require it, and Order Management takes both when they agree.
    if rate % 100 == 0 {
        built.insert("taxPercentage".into(), json!(rate / 100));
    }
    built.insert("discount".into(), json!(discount));
    if let Some(price) = unit_price {
        let mut unit = Map::new();
        unit.insert("unitPrice".into(), json!(price));
        unit.insert("quantity".into(), json!(quantity_text));
        // The spec's default, written out: Checkout's OrderSummary requires it.
        let unit_name = line.opt_str("quantity_unit")?.unwrap_or("PCS");
        unit.insert("quantityUnit".into(), json!(unit_name));
        built.insert("unitInfo".into(), Value::Object(unit));
    }
    if let Some(url) = line.opt_str("product_url")? {
        built.insert("productUrl".into(), json!(url));
    }
    built.insert(
        "isShipping".into(),
        json!(line.opt_bool("is_shipping")?.unwrap_or(false)),
    );
    built.insert(
        "isReturn".into(),
        json!(line.opt_bool("is_return")?.unwrap_or(false)),
    );
    Ok(Value::Object(built))
}

/// `quantity`: an integer, or a decimal written as a string (`"1.5"`; a JSON decimal number
/// is a float and is refused, never rounded); 1 when absent.
fn read_quantity(line: &Fields) -> Result<String> {
    let value = line
        .entries()
        .find(|(key, _)| key.as_str() == "quantity")
        .map(|(_, value)| value);
    match value {
        None | Some(Value::Null) => Ok("1".into()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Number(n)) if n.is_u64() => Ok(n.to_string()),
        Some(other) => Err(line.error(
            "quantity",
            format!(
                "must be a whole number or a decimal string such as \"1.5\", got {}",
                match other {
                    Value::Number(n) => n.to_string(),
                    other => crate::json::input::type_name(other).to_owned(),
                }
            ),
        )),
    }
}

/// `tax_rate` in basis points (2500 = 25 %, as the API's `taxRate`), or `tax_percentage` in
/// whole percent (25, as the deprecated `taxPercentage`): exactly one.
fn read_rate(line: &Fields) -> Result<i64> {
    match (line.opt_i64("tax_rate")?, line.opt_i64("tax_percentage")?) {
        (Some(_), Some(_)) => Err(line.error("tax_rate", "or tax_percentage: give one, not both")),
        (None, None) => Err(line.error(
            "tax_rate",
            "is required: basis points, 2500 = 25 %, 1500 = 15 %, 1200 = 12 %, 0 (or tax_percentage: 25)",
        )),
        (Some(rate), None) if (0..=TAX_RATE_MAX).contains(&rate) => Ok(rate),
        (Some(rate), None) => Err(line.error(
            "tax_rate",
            format!("must be 0 to 10000 basis points (2500 = 25 %), got {rate}"),
        )),
        (None, Some(percent)) if (0..=100).contains(&percent) => Ok(percent * 100),
        (None, Some(percent)) => Err(line.error(
            "tax_percentage",
            format!("must be 0 to 100, got {percent}"),
        )),
    }
}

fn non_negative(line: &Fields, name: &str) -> Result<Option<i64>> {
    match line.opt_i64(name)? {
        Some(v) if v < 0 => Err(line.error(name, "must not be negative")),
        other => Ok(other),
    }
}

/// `price × quantity` in minor units, rounded half away from zero (both are non-negative, so
/// half up). None when it does not fit.
fn times_quantity(price: i64, quantity: Quantity) -> Option<i128> {
    let exact = i128::from(price).checked_mul(i128::from(quantity.digits))?;
    let divisor = 10_i128.pow(quantity.scale);
    Some(divide_half_away_from_zero(exact, divisor))
}

/// The tax in a gross amount at `rate` basis points: gross × rate / (10000 + rate), rounded
/// half away from zero.
pub(crate) fn tax_of_gross(gross: i64, rate: i64) -> i64 {
    let numerator = i128::from(gross) * i128::from(rate);
    let denominator = 10_000 + i128::from(rate);
    divide_half_away_from_zero(numerator, denominator) as i64
}

/// `numerator / denominator` rounded half away from zero; `denominator` > 0.
fn divide_half_away_from_zero(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

fn clamp(value: i128) -> i64 {
    value.clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_is_derived_from_the_gross_and_rounded_half_away_from_zero() {
        let cases = [
            // (gross, rate, tax): 25 %: tax is a fifth of the gross.
            (10000, 2500, 2000),
            (3333, 2500, 667), // 666.6
            (1, 2500, 0),      // 0.2
            (3, 2500, 1),      // 0.6
            (25, 2500, 5),     // 5.0
            (2, 2500, 0),      // 0.4
            // 15 %: 115 → 15.
            (11500, 1500, 1500),
            (999, 1500, 130), // 130.304...
            // 12 %: 112 → 12.
            (11200, 1200, 1200),
            (14, 1200, 2), // 1.5 exactly: half away from zero
            (0, 2500, 0),
            (49900, 0, 0),
            (10000, 10000, 5000),
        ];
        for (gross, rate, tax) in cases {
            assert_eq!(tax_of_gross(gross, rate), tax, "{gross} at {rate}");
        }
        assert_eq!(divide_half_away_from_zero(-3, 2), -2);
        assert_eq!(divide_half_away_from_zero(3, 2), 2);
        assert_eq!(divide_half_away_from_zero(-5, 4), -1);
    }

    #[test]
    fn decimal_quantities_are_exact_until_the_last_half_ore() {
        let q = |text| parse_quantity(text).unwrap();
        assert_eq!(times_quantity(3333, q("3")), Some(9999));
        assert_eq!(times_quantity(4990, q("1.5")), Some(7485));
        assert_eq!(times_quantity(3333, q("1.5")), Some(5000)); // 4999.5 → 5000
        assert_eq!(times_quantity(15000, q("0.822")), Some(12330));
        assert_eq!(times_quantity(1, q("0.00000001")), Some(0));
        assert_eq!(
            times_quantity(i64::MAX, q("9999999999")),
            Some(i128::from(i64::MAX) * 9_999_999_999)
        );
    }

    fn build(request: Value) -> Result<Value> {
        build_receipt(&request)
    }

    #[test]
    fn a_line_is_built_with_its_unit_info_and_flags() {
        let receipt = build(json!({
            "amount": {"value": 12478, "currency": "NOK"},
            "lines": [
                {"name": "Apples", "id": "sku-apple", "quantity": "1.5", "quantity_unit": "KG",
                 "unit_price": 4990, "tax_rate": 1500},
                {"name": "Shipping", "id": "ship", "total_amount": 4993, "tax_percentage": 25,
                 "is_shipping": true}
            ],
            "bottom_line": {"receiptNumber": "42"}
        }))
        .unwrap();
        assert_eq!(
            receipt,
            json!({
                "orderLines": [
                    {"name": "Apples", "id": "sku-apple", "totalAmount": 7485, "totalAmountExcludingTax": 6509,
                     "totalTaxAmount": 976, "taxRate": 1500, "taxPercentage": 15, "discount": 0,
                     "unitInfo": {"unitPrice": 4990, "quantity": "1.5", "quantityUnit": "KG"},
                     "isShipping": false, "isReturn": false},
                    {"name": "Shipping", "id": "ship", "totalAmount": 4993, "totalAmountExcludingTax": 3994,
                     "totalTaxAmount": 999, "taxRate": 2500, "taxPercentage": 25, "discount": 0, "isShipping": true, "isReturn": false}
                ],
                "bottomLine": {"currency": "NOK", "receiptNumber": "42"}
            })
        );
    }

    #[test]
    fn a_mismatch_names_the_lines_and_the_difference() {
        let error = build(json!({
            "amount": {"value": 10500, "currency": "NOK"},
            "lines": [
                {"name": "Mug", "id": "mug", "quantity": 2, "unit_price": 2500, "tax_rate": 2500},
                {"name": "Tea", "id": "tea", "unit_price": 5000, "discount": 500, "tax_rate": 1500}
            ]
        }))
        .unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(
            error
                .message
                .contains("the built lines (orderLines) add up to 95.00 NOK"),
            "{}",
            error.message
        );
        assert!(
            error
                .message
                .contains("the receipt is 10.00 NOK short of the payment"),
            "{}",
            error.message
        );
        assert!(
            error
                .message
                .contains("[0] \"Mug\" (id \"mug\") 50.00 NOK; [1] \"Tea\" (id \"tea\") 45.00 NOK"),
            "{}",
            error.message
        );
    }

    #[test]
    fn bad_lines_are_refused_with_their_field() {
        let base = || json!({"name": "Mug", "id": "mug", "unit_price": 2500, "tax_rate": 2500});
        let cases: Vec<(&str, Value, &str)> = vec![
            ("quantity", json!(1.5), "lines[0].quantity must be a whole number or a decimal string such as \"1.5\", got 1.5"),
            ("quantity", json!("1,5"), "lines[0].quantity must be a decimal number"),
            ("quantity", json!(-2), "lines[0].quantity must be a whole number"),
            ("tax_rate", json!(25.0), "lines[0].tax_rate must be an integer"),
            ("tax_rate", json!(10001), "lines[0].tax_rate must be 0 to 10000"),
            ("unit_price", json!(24.99), "lines[0].unit_price must be an integer"),
            ("unit_price", json!(-1), "lines[0].unit_price must not be negative"),
            ("total_amount", json!(2500), "lines[0].unit_price or total_amount: give one"),
            ("tax_percentage", json!(25), "lines[0].tax_rate or tax_percentage: give one"),
            ("discount", json!(2501), "lines[0].discount (25.01 NOK) is more than unit_price × quantity (25.00 NOK)"),
            ("is_shipping", json!("no"), "lines[0].is_shipping must be a boolean"),
        ];
        for (field, value, expected) in cases {
            let mut line = base();
            line[field] = value;
            let error =
                build(json!({"amount": {"value": 2500, "currency": "NOK"}, "lines": [line]}))
                    .unwrap_err();
            assert!(
                error.message.starts_with(expected),
                "{field}: {}",
                error.message
            );
        }
        let mut line = base();
        line.as_object_mut().unwrap().remove("tax_rate");
        let error = build(json!({"amount": {"value": 2500, "currency": "NOK"}, "lines": [line]}))
            .unwrap_err();
        assert!(
            error.message.starts_with("lines[0].tax_rate is required"),
            "{}",
            error.message
        );
        for (request, expected) in [
            (json!({"lines": [base()]}), "amount is required"),
            (
                json!({"amount": {"value": 2500, "currency": "SEK"}, "lines": [base()]}),
                "amount.currency must be one of",
            ),
            (
                json!({"amount": {"value": 2500, "currency": "NOK"}, "lines": []}),
                "lines is required",
            ),
            (
                json!({"amount": {"value": 2500, "currency": "NOK"}, "lines": [base()], "bottom_line": {"currency": "EUR"}}),
                "bottom_line.currency must be the payment's currency",
            ),
        ] {
            let error = build(request).unwrap_err();
            assert!(error.message.starts_with(expected), "{}", error.message);
        }
    }
}
