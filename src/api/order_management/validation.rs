//! Client-side checks of an Order Management receipt (and of a Checkout `orderSummary`, which
//! has the same lines), per `order-management-v2.openapi.yaml`, plus the arithmetic the API
//! refuses with a 400: per line, gross = net + tax; over the receipt, the lines add up to the
//! payment's amount. A mistake comes back as `invalid_input` naming the line and the difference,
//! before anything is sent.

use crate::error::Result;
use crate::json::input::Fields;
use crate::model::amount::{format_minor, Amount};

/// The currencies of the spec's `CurrencyEnum`.
pub(crate) const RECEIPT_CURRENCIES: &[&str] = &["NOK", "DKK", "EUR"];
/// `OrderLine.taxRate`: basis points, 0 to 10000 (2500 = 25 %).
pub(crate) const TAX_RATE_MAX: i64 = 10_000;
/// `UnitInfo.quantity`: `maxLength: 10`, `^\d+([\.]\d{1,8})?$`.
const QUANTITY_MAX_LEN: usize = 10;
const QUANTITY_MAX_DECIMALS: usize = 8;
/// `QuantityUnitEnum`.
const QUANTITY_UNITS: &[&str] = &["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"];
/// `imageId`: 1 to 128 characters of `^[0-9A-Za-z-_\.]+$`.
pub(crate) const IMAGE_ID_MAX: usize = 128;
/// The spec gives the order id a pattern but no length; ePayment references are at most 64
/// and eCom order ids 50, so 255 refuses only what no API made.
pub(crate) const ORDER_ID_MAX: usize = 255;
/// Checkout's limits on a line's name and id (the Order Management spec has none).
const NAME_MAX: usize = 2048;
const ID_MAX: usize = 255;

/// A quantity as the API writes it (`"1.5"`): the digits without the point and how many of
/// them are decimals, so `1.5` is `15` with scale 1. Exact: no float ever holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quantity {
    pub digits: u64,
    pub scale: u32,
}

/// Parses `^\d+([\.]\d{1,8})?$` of at most 10 characters.
pub(crate) fn parse_quantity(text: &str) -> Option<Quantity> {
    if text.is_empty() || text.len() > QUANTITY_MAX_LEN {
        return None;
    }
    let (whole, decimals) = match text.split_once('.') {
        Some((whole, decimals)) => (whole, decimals),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !all_digits(whole)
        || !all_digits(decimals)
        || (text.contains('.') && decimals.is_empty())
        || decimals.len() > QUANTITY_MAX_DECIMALS
    {
        return None;
    }
    // At most 10 characters, so at most 10 digits: fits in a u64.
    let digits = format!("{whole}{decimals}").parse().ok()?;
    Some(Quantity {
        digits,
        scale: decimals.len() as u32,
    })
}

/// `^[0-9A-Za-z-_\.]+$`: the characters of the spec's `OrderId` and `imageId`. Both go into
/// URL paths, so a value made only of dots (`..`) is refused as well: it would change the path.
pub(crate) fn check_path_id(fields: &Fields, name: &str, value: &str, max: usize) -> Result<()> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
    if !value.bytes().all(allowed) {
        return Err(fields.error(
            name,
            format!("may contain only a-z, A-Z, 0-9, '-', '_' and '.', got {value:?}"),
        ));
    }
    if !value.is_empty() && value.bytes().all(|b| b == b'.') {
        return Err(fields.error(name, format!("must not be only dots, got {value:?}")));
    }
    fields.check_len(name, value, 1, max)
}

/// What the lines of a receipt must add up to, when the caller knows it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expected<'a> {
    /// The payment's amount and currency.
    pub payment: Amount<'a>,
    /// The name of the field the payment's amount came from, for messages.
    pub from: &'a str,
}

/// Where a receipt's two shapes differ: Order Management's `Receipt` and Checkout's
/// `OrderSummary` (its own spec, which names the bottom line `orderBottomLine` and requires a
/// `quantityUnit` in `unitInfo`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    pub bottom_line: &'static str,
    /// The bottom line's currencies (None: any three upper-case letters).
    pub currencies: Option<&'static [&'static str]>,
    pub quantity_unit_required: bool,
    /// Whether `giftCardAmount` paid part of the order, so the payment is that much less.
    /// Order Management deprecated the field ("the sum comes from the lines") and ignores it;
    /// in Checkout it is the part paid by gift card or coupon.
    pub gift_card_paid: bool,
    /// Checkout v3's `OrderLine` requires `taxPercentage` (whole percent) and has no `taxRate`;
    /// Order Management's 2025 receipt takes either.
    pub tax_percentage_required: bool,
}

pub(crate) const ORDER_MANAGEMENT: Shape = Shape {
    bottom_line: "bottomLine",
    currencies: Some(RECEIPT_CURRENCIES),
    quantity_unit_required: false,
    gift_card_paid: false,
    tax_percentage_required: false,
};

pub(crate) const CHECKOUT: Shape = Shape {
    bottom_line: "orderBottomLine",
    currencies: None,
    quantity_unit_required: true,
    gift_card_paid: true,
    tax_percentage_required: true,
};

/// Checks a receipt: `orderLines` (at least one) and the bottom line, as `shape` has them.
/// With `expected`, the bottom line's currency must be the payment's, and the lines (a return
/// counts negative), plus `tipAmount` (minus `giftCardAmount` in Checkout), must add up to the
/// payment's amount.
pub(crate) fn validate_receipt(
    receipt: &Fields,
    shape: Shape,
    expected: Option<Expected>,
) -> Result<()> {
    if receipt.opt_array("orderLines")?.is_none() {
        return Err(receipt.error("orderLines", "is required (at least one line)"));
    }
    let lines = receipt.opt_object_array("orderLines")?;
    if lines.is_empty() {
        return Err(receipt.error("orderLines", "must have at least one line"));
    }
    let bottom = receipt.req_object(shape.bottom_line)?;
    let currency = check_bottom_line(&bottom, shape.currencies)?;
    if let Some(expected) = expected {
        if currency != expected.payment.currency {
            return Err(bottom.error(
                "currency",
                format!(
                    "must be the payment's currency {:?} ({}), got {currency:?}",
                    expected.payment.currency, expected.from
                ),
            ));
        }
    }
    let mut totals = Vec::with_capacity(lines.len());
    for line in &lines {
        totals.push(validate_line(line, currency, shape)?);
    }
    if let Some(expected) = expected {
        check_sum(receipt, &bottom, &totals, expected, shape)?;
    }
    Ok(())
}

/// What a line adds to the receipt's sum, and how to name it in a message.
struct LineTotal {
    index: usize,
    name: String,
    id: String,
    /// The line's `totalAmount`, negative for a return.
    signed: i64,
}

fn check_bottom_line<'a>(bottom: &Fields<'a>, currencies: Option<&[&str]>) -> Result<&'a str> {
    let currency = bottom.req_str("currency")?;
    match currencies {
        Some(allowed) => {
            bottom.check_enum("currency", allowed)?;
        }
        None if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) => {
            return Err(bottom.error(
                "currency",
                format!("must be a three-letter ISO 4217 code, got {currency:?}"),
            ));
        }
        None => {}
    }
    for name in [
        "tipAmount",
        "giftCardAmount",
        "totalAmount",
        "totalTax",
        "totalDiscount",
        "shippingAmount",
    ] {
        non_negative(bottom, name)?;
    }
    for name in ["posId", "receiptNumber", "terminalId"] {
        bottom.opt_str(name)?;
    }
    Ok(currency)
}

/// `unitInfo.quantity` against `^\d+([\.]\d{1,8})?$` and `maxLength: 10`, named in the error.
pub(crate) fn check_quantity(unit: &Fields, quantity: &str) -> Result<()> {
    if parse_quantity(quantity).is_none() {
        return Err(unit.error(
            "quantity",
            format!(
                "must be a decimal number as a string, at most {QUANTITY_MAX_LEN} characters \
                 with at most {QUANTITY_MAX_DECIMALS} decimals (e.g. \"2\" or \"1.5\"), got {quantity:?}"
            ),
        ));
    }
    Ok(())
}

fn validate_line(line: &Fields, currency: &str, shape: Shape) -> Result<LineTotal> {
    let name = line.req_str("name")?;
    line.check_len("name", name, 1, NAME_MAX)?;
    let id = line.req_str("id")?;
    line.check_len("id", id, 1, ID_MAX)?;
    let gross = required_amount(line, "totalAmount")?;
    let net = required_amount(line, "totalAmountExcludingTax")?;
    let tax = required_amount(line, "totalTaxAmount")?;
    non_negative(line, "discount")?;
    // taxRate (basis points) replaced taxPercentage (whole percent); either one must be there.
    let percentage = line.opt_i64("taxPercentage")?;
    let rate = line.opt_i64("taxRate")?;
    if percentage.is_some_and(|p| !(0..=100).contains(&p)) {
        return Err(line.error("taxPercentage", "must be 0 to 100"));
    }
    if rate.is_some_and(|r| !(0..=TAX_RATE_MAX).contains(&r)) {
        return Err(line.error("taxRate", "must be 0 to 10000 (2500 = 25 %)"));
    }
    if percentage.is_none() && shape.tax_percentage_required {
        return Err(line.error(
            "taxPercentage",
            "is required by Checkout v3 (a whole percent, 0 to 100; build_receipt gives it for \
             whole-percent rates; a fractional rate such as 25.5 % cannot be sent to Checkout)",
        ));
    }
    if percentage.is_none() && rate.is_none() {
        return Err(line.error("taxRate", "or taxPercentage is required"));
    }
    if let (Some(p), Some(r)) = (percentage, rate) {
        if p * 100 != r {
            return Err(line.error(
                "taxPercentage",
                format!(
                    "{p} and taxRate {r} disagree: taxRate is in basis points ({} for {p} %)",
                    p * 100
                ),
            ));
        }
    }
    if let Some(unit) = line.opt_object("unitInfo")? {
        non_negative(&unit, "unitPrice")?;
        unit.req_i64("unitPrice")?;
        check_quantity(&unit, unit.req_str("quantity")?)?;
        if unit.check_enum("quantityUnit", QUANTITY_UNITS)?.is_none()
            && shape.quantity_unit_required
        {
            return Err(unit.error("quantityUnit", "is required (PCS, KG, ...)"));
        }
    }
    line.opt_str("productUrl")?;
    let is_return = line.opt_bool("isReturn")?.unwrap_or(false);
    line.opt_bool("isShipping")?;
    if net.checked_add(tax) != Some(gross) {
        let sum = net.saturating_add(tax);
        return Err(line.error(
            "totalAmount",
            format!(
                "({name:?}, id {id:?}) is {}, but totalAmountExcludingTax {} + totalTaxAmount {} \
                 is {}: the line is off by {}",
                format_minor(gross, currency),
                format_minor(net, currency),
                format_minor(tax, currency),
                format_minor(sum, currency),
                format_minor(gross.saturating_sub(sum), currency),
            ),
        ));
    }
    Ok(LineTotal {
        index: line_index(line),
        name: name.to_owned(),
        id: id.to_owned(),
        signed: if is_return { -gross } else { gross },
    })
}

/// The index in `orderLines[3]`, read back from the field's path.
fn line_index(line: &Fields) -> usize {
    let path = line.path_of("");
    path.rsplit_once('[')
        .and_then(|(_, rest)| rest.trim_end_matches(']').parse().ok())
        .unwrap_or(0)
}

fn check_sum(
    receipt: &Fields,
    bottom: &Fields,
    totals: &[LineTotal],
    expected: Expected,
    shape: Shape,
) -> Result<()> {
    let currency = expected.payment.currency;
    let lines: i128 = totals.iter().map(|t| i128::from(t.signed)).sum();
    let tip = i128::from(bottom.opt_i64("tipAmount")?.unwrap_or(0));
    let gift_card = match shape.gift_card_paid {
        true => i128::from(bottom.opt_i64("giftCardAmount")?.unwrap_or(0)),
        false => 0,
    };
    let receipt_total = lines + tip - gift_card;
    let payment = i128::from(expected.payment.value);
    if receipt_total == payment {
        return Ok(());
    }
    let show = |v: i128| format_minor(v.clamp(i64::MIN.into(), i64::MAX.into()) as i64, currency);
    let mut extras = String::new();
    if tip != 0 {
        extras.push_str(&format!(" + tipAmount {}", show(tip)));
    }
    if gift_card != 0 {
        extras.push_str(&format!(" - giftCardAmount {}", show(gift_card)));
    }
    let difference = payment - receipt_total;
    let (by, how) = if difference > 0 {
        (difference, "short of")
    } else {
        (-difference, "over")
    };
    Err(receipt.error(
        "orderLines",
        format!(
            "add up to {}{extras} = {}, but the payment ({}) is {}: the receipt is {} {how} the \
             payment. The lines: {}",
            show(lines),
            show(receipt_total),
            expected.from,
            show(payment),
            show(by),
            describe_lines(totals, currency),
        ),
    ))
}

/// `[0] "Socks" (id "sku-1") 200.00 NOK; [1] ...`, at most 20 lines, for a sum's message.
fn describe_lines(totals: &[LineTotal], currency: &str) -> String {
    const SHOWN: usize = 20;
    let mut parts: Vec<String> = totals
        .iter()
        .take(SHOWN)
        .map(|t| {
            format!(
                "[{}] {:?} (id {:?}) {}",
                t.index,
                t.name,
                t.id,
                format_minor(t.signed, currency)
            )
        })
        .collect();
    if totals.len() > SHOWN {
        parts.push(format!("and {} more", totals.len() - SHOWN));
    }
    parts.join("; ")
}

fn required_amount(fields: &Fields, name: &str) -> Result<i64> {
    let value = fields.req_i64(name)?;
    if value < 0 {
        return Err(fields.error(
            name,
            "must not be negative (mark a returned line with isReturn instead)",
        ));
    }
    Ok(value)
}

fn non_negative(fields: &Fields, name: &str) -> Result<()> {
    if fields.opt_i64(name)?.is_some_and(|v| v < 0) {
        return Err(fields.error(name, "must not be negative"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    fn receipt() -> Value {
        json!({
            "orderLines": [
                {"name": "Socks", "id": "sku-1", "totalAmount": 10000, "totalAmountExcludingTax": 8000,
                 "totalTaxAmount": 2000, "taxRate": 2500, "taxPercentage": 25, "discount": 0, "isReturn": false, "isShipping": false,
                 "unitInfo": {"unitPrice": 5000, "quantity": "2", "quantityUnit": "PCS"}},
                {"name": "Home delivery", "id": "ship", "totalAmount": 4900, "totalAmountExcludingTax": 3920,
                 "totalTaxAmount": 980, "taxPercentage": 25, "isShipping": true}
            ],
            "bottomLine": {"currency": "NOK", "receiptNumber": "0527013501", "tipAmount": 0}
        })
    }

    fn check(body: &Value, payment: Option<(i64, &str)>) -> Result<()> {
        let expected = payment.map(|(value, currency)| Expected {
            payment: Amount { value, currency },
            from: "payment_amount",
        });
        validate_receipt(
            &Fields::new(body.as_object().unwrap(), "", ErrorKind::InvalidInput),
            ORDER_MANAGEMENT,
            expected,
        )
    }

    fn message(body: &Value, payment: Option<(i64, &str)>) -> String {
        check(body, payment).unwrap_err().message
    }

    #[test]
    fn a_receipt_that_adds_up_passes() {
        check(&receipt(), None).unwrap();
        check(&receipt(), Some((14900, "NOK"))).unwrap();
    }

    #[test]
    fn quantities_follow_the_spec_pattern() {
        let ok = [
            ("2", 2, 0),
            ("1.5", 15, 1),
            ("0.822", 822, 3),
            ("12345678.9", 123456789, 1),
            ("0.00000001", 1, 8),
        ];
        for (text, digits, scale) in ok {
            assert_eq!(
                parse_quantity(text),
                Some(Quantity { digits, scale }),
                "{text}"
            );
        }
        for bad in [
            "",
            "1.",
            ".5",
            "-1",
            "1,5",
            "1e3",
            "1.123456789",
            "12345678901",
            " 1",
            "1.5.0",
        ] {
            assert_eq!(parse_quantity(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn each_constraint_names_its_field() {
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "/orderLines",
                json!([]),
                "orderLines must have at least one line",
            ),
            (
                "/orderLines/0/name",
                json!(""),
                "orderLines[0].name must be 1 to",
            ),
            (
                "/orderLines/0/id",
                json!(7),
                "orderLines[0].id must be a string",
            ),
            (
                "/orderLines/0/totalAmount",
                json!(100.5),
                "orderLines[0].totalAmount must be an integer",
            ),
            (
                "/orderLines/0/totalTaxAmount",
                json!(-1),
                "orderLines[0].totalTaxAmount must not be negative",
            ),
            (
                "/orderLines/0/taxRate",
                json!(10001),
                "orderLines[0].taxRate must be 0 to 10000",
            ),
            (
                "/orderLines/1/taxPercentage",
                json!(101),
                "orderLines[1].taxPercentage must be 0 to 100",
            ),
            (
                "/orderLines/0/unitInfo/quantity",
                json!(2),
                "orderLines[0].unitInfo.quantity must be a string",
            ),
            (
                "/orderLines/0/unitInfo/quantity",
                json!("1,5"),
                "orderLines[0].unitInfo.quantity must be a decimal",
            ),
            (
                "/orderLines/0/unitInfo/quantityUnit",
                json!("BOX"),
                "orderLines[0].unitInfo.quantityUnit must be one of",
            ),
            (
                "/orderLines/0/unitInfo/unitPrice",
                json!(-5),
                "orderLines[0].unitInfo.unitPrice must not be negative",
            ),
            (
                "/orderLines/0/isShipping",
                json!("yes"),
                "orderLines[0].isShipping must be a boolean",
            ),
            (
                "/orderLines/0/isReturn",
                json!(1),
                "orderLines[0].isReturn must be a boolean",
            ),
            (
                "/orderLines/0/discount",
                json!(-100),
                "orderLines[0].discount must not be negative",
            ),
            (
                "/bottomLine/currency",
                json!("SEK"),
                "bottomLine.currency must be one of NOK, DKK, EUR",
            ),
            (
                "/bottomLine/tipAmount",
                json!(-1),
                "bottomLine.tipAmount must not be negative",
            ),
        ];
        for (pointer, value, expected) in cases {
            let mut body = receipt();
            *body
                .pointer_mut(pointer)
                .unwrap_or_else(|| panic!("{pointer}")) = value;
            let error = check(&body, None).unwrap_err();
            assert_eq!(error.kind, ErrorKind::InvalidInput);
            assert!(
                error.message.starts_with(expected),
                "{pointer}: {}",
                error.message
            );
        }
        for (field, expected) in [
            ("orderLines", "orderLines is required"),
            ("bottomLine", "bottomLine is required"),
        ] {
            let mut body = receipt();
            body.as_object_mut().unwrap().remove(field);
            assert!(message(&body, None).starts_with(expected), "{field}");
        }
        let mut body = receipt();
        let line = body["orderLines"][0].as_object_mut().unwrap();
        line.remove("taxRate");
        line.remove("taxPercentage");
        assert!(message(&body, None).contains("taxRate or taxPercentage is required"));
    }

    #[test]
    fn a_line_whose_net_and_tax_do_not_make_its_gross_is_named_with_the_difference() {
        let mut body = receipt();
        body["orderLines"][1]["totalTaxAmount"] = json!(480);
        let text = message(&body, None);
        assert!(
            text.starts_with(
                "orderLines[1].totalAmount (\"Home delivery\", id \"ship\") is 49.00 NOK"
            ),
            "{text}"
        );
        assert!(text.ends_with("the line is off by 5.00 NOK"), "{text}");
    }

    #[test]
    fn the_sum_must_be_the_payment_amount_and_the_message_says_by_how_much() {
        let text = message(&receipt(), Some((15400, "NOK")));
        assert!(
            text.contains(
                "add up to 149.00 NOK = 149.00 NOK, but the payment (payment_amount) is 154.00 NOK"
            ),
            "{text}"
        );
        assert!(
            text.contains("the receipt is 5.00 NOK short of the payment"),
            "{text}"
        );
        assert!(text.contains("[0] \"Socks\" (id \"sku-1\") 100.00 NOK; [1] \"Home delivery\" (id \"ship\") 49.00 NOK"), "{text}");
        let text = message(&receipt(), Some((14000, "NOK")));
        assert!(
            text.contains("the receipt is 9.00 NOK over the payment"),
            "{text}"
        );
    }

    #[test]
    fn returns_count_negative_tips_add_and_only_checkout_subtracts_gift_cards() {
        let mut body = receipt();
        body["orderLines"][1]["isReturn"] = json!(true);
        check(&body, Some((10000 - 4900, "NOK"))).unwrap();
        body["bottomLine"]["tipAmount"] = json!(1000);
        // Deprecated in Order Management, which sums the lines only.
        body["bottomLine"]["giftCardAmount"] = json!(2000);
        check(&body, Some((10000 - 4900 + 1000, "NOK"))).unwrap();
        let text = message(&body, Some((5100, "NOK")));
        assert!(text.contains("+ tipAmount 10.00 NOK = 61.00 NOK"), "{text}");
        // Checkout: the gift card paid part, so the payment is less.
        let summary = as_checkout(body);
        let checkout = |value: i64| {
            validate_receipt(
                &Fields::new(summary.as_object().unwrap(), "", ErrorKind::InvalidInput),
                CHECKOUT,
                Some(Expected {
                    payment: Amount {
                        value,
                        currency: "NOK",
                    },
                    from: "transaction.amount",
                }),
            )
        };
        checkout(10000 - 4900 + 1000 - 2000).unwrap();
        let text = checkout(5100).unwrap_err().message;
        assert!(
            text.contains("+ tipAmount 10.00 NOK - giftCardAmount 20.00 NOK = 41.00 NOK"),
            "{text}"
        );
    }

    /// The receipt as a Checkout `orderSummary`.
    fn as_checkout(mut body: Value) -> Value {
        let bottom = body.as_object_mut().unwrap().remove("bottomLine").unwrap();
        body["orderBottomLine"] = bottom;
        body
    }

    #[test]
    fn checkout_lines_need_a_quantity_unit() {
        let mut summary = as_checkout(receipt());
        validate_receipt(
            &Fields::new(summary.as_object().unwrap(), "", ErrorKind::InvalidInput),
            CHECKOUT,
            None,
        )
        .unwrap();
        summary["orderLines"][0]["unitInfo"]
            .as_object_mut()
            .unwrap()
            .remove("quantityUnit");
        let text = validate_receipt(
            &Fields::new(summary.as_object().unwrap(), "", ErrorKind::InvalidInput),
            CHECKOUT,
            None,
        )
        .unwrap_err()
        .message;
        assert_eq!(
            text,
            "orderLines[0].unitInfo.quantityUnit is required (PCS, KG, ...)"
        );
    }

    #[test]
    fn the_bottom_line_currency_must_be_the_payments() {
        let text = message(&receipt(), Some((14900, "EUR")));
        assert!(
            text.starts_with("bottomLine.currency must be the payment's currency \"EUR\""),
            "{text}"
        );
    }

    #[test]
    fn path_ids_keep_to_the_pattern_and_cannot_climb_the_path() {
        let map = json!({});
        let f = Fields::new(map.as_object().unwrap(), "", ErrorKind::InvalidInput);
        for good in ["acme-1001", "order_1.2", "A", "socks-orange-123"] {
            check_path_id(&f, "orderId", good, ORDER_ID_MAX).unwrap();
        }
        for bad in ["", "..", ".", "a/b", "a b", "ø", "a%2F", &"x".repeat(256)] {
            assert!(
                check_path_id(&f, "orderId", bad, ORDER_ID_MAX).is_err(),
                "{bad:?}"
            );
        }
    }
}
