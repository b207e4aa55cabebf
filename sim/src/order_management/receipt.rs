//! Validation of a `Receipt` (`orderLines` + `bottomLine`) as the Order Management API checks
//! it, in two steps:
//!
//! 1. [`check_shape`]: every field per the spec (required fields, integers in minor units,
//!    `taxRate` 0–10000 or the deprecated `taxPercentage` 0–100, at least one of the two,
//!    `unitInfo.quantity` a decimal string `^\d+([\.]\d{1,8})?$` of at most 10 characters,
//!    enums), no negative amounts (the API's changelog of August 2022: "Removed possibility of
//!    having negative amount on orderLines"; a return is a line with `isReturn: true`), and per
//!    line `totalAmount = totalAmountExcludingTax + totalTaxAmount`.
//! 2. [`check_against`]: against the payment: `bottomLine.currency` is the payment's currency,
//!    and Σ `totalAmount` (lines with `isReturn: true` count negative) + `bottomLine.tipAmount`
//!    equals the payment amount. A mismatch names the difference.

use crate::validate::{Checker, FieldError, Need};
use serde_json::{Map, Value};

pub const CURRENCIES: &[&str] = &["NOK", "DKK", "EUR"];
pub const QUANTITY_UNITS: &[&str] = &["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"];
pub const BARCODE_FORMATS: &[&str] = &["EAN-13", "CODE 39", "CODE 128"];
/// Upper bound for any amount, far above any payment, so sums cannot overflow.
const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// What the second step needs from a receipt of valid shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub currency: String,
    /// Σ totalAmount, returns negative.
    pub lines_total: i64,
    pub tip: i64,
}

/// `^\d+([\.]\d{1,8})?$`, at most 10 characters.
pub fn is_quantity(s: &str) -> bool {
    if s.len() > 10 {
        return false;
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && frac.is_none_or(|f| digits(f) && f.len() <= 8)
}

/// Step 1: the receipt on its own.
pub fn check_shape(body: &Map<String, Value>) -> Result<Totals, Vec<FieldError>> {
    let mut c = Checker::camel();
    let mut lines_total = 0i64;
    if let Some(lines) = c.array(body, "", "orderLines", Need::Required, 1) {
        for (i, line) in lines.iter().enumerate() {
            let path = format!("orderLines[{i}]");
            match line.as_object() {
                Some(obj) => {
                    if let Some(signed) = check_line(&mut c, obj, &path) {
                        lines_total += signed;
                    }
                }
                None => c.fail(path, "Each order line must be an object."),
            }
        }
    }
    let mut currency = None;
    let mut tip = 0;
    if let Some(bottom) = c.object(body, "", "bottomLine", Need::Required) {
        let p = "bottomLine";
        currency = c
            .one_of(bottom, p, "currency", Need::Required, CURRENCIES)
            .map(str::to_string);
        tip = c
            .integer(bottom, p, "tipAmount", Need::Optional, 0, MAX_AMOUNT)
            .unwrap_or(0);
        for key in [
            "giftCardAmount",
            "totalTax",
            "totalDiscount",
            "shippingAmount",
        ] {
            c.integer(bottom, p, key, Need::Optional, 0, MAX_AMOUNT);
        }
        // Deprecated and ignored by the API (the sum comes from the lines), but still typed.
        c.integer(bottom, p, "totalAmount", Need::Optional, i64::MIN, i64::MAX);
        for key in ["posId", "receiptNumber", "terminalId"] {
            c.string(bottom, p, key, Need::Optional, 0, usize::MAX);
        }
        if let Some(sources) = c.object(bottom, p, "paymentSources", Need::Optional) {
            for key in ["giftCard", "card", "voucher", "cash"] {
                c.integer(
                    sources,
                    "bottomLine.paymentSources",
                    key,
                    Need::Optional,
                    i64::MIN,
                    i64::MAX,
                );
            }
        }
        if let Some(barcode) = c.object(bottom, p, "barcode", Need::Optional) {
            let bp = "bottomLine.barcode";
            c.one_of(barcode, bp, "format", Need::Required, BARCODE_FORMATS);
            c.string(barcode, bp, "data", Need::Required, 0, usize::MAX);
        }
        if let Some(ship) = c.object(bottom, p, "shippingInfo", Need::Optional) {
            let sp = "bottomLine.shippingInfo";
            for key in ["amount", "amountExcludingTax", "taxAmount"] {
                c.integer(ship, sp, key, Need::Required, 0, MAX_AMOUNT);
            }
            c.integer(ship, sp, "taxPercentage", Need::Required, 0, 100);
        }
    }
    match (c.is_ok(), currency) {
        (true, Some(currency)) => Ok(Totals {
            currency,
            lines_total,
            tip,
        }),
        _ => Err(c.errors),
    }
}

/// One order line; its signed `totalAmount` when the line is valid.
fn check_line(c: &mut Checker, obj: &Map<String, Value>, path: &str) -> Option<i64> {
    let before = c.errors.len();
    c.string(obj, path, "name", Need::Required, 1, usize::MAX);
    c.string(obj, path, "id", Need::Required, 1, usize::MAX);
    let total = c.integer(obj, path, "totalAmount", Need::Required, 0, MAX_AMOUNT);
    let net = c.integer(
        obj,
        path,
        "totalAmountExcludingTax",
        Need::Required,
        0,
        MAX_AMOUNT,
    );
    let tax = c.integer(obj, path, "totalTaxAmount", Need::Required, 0, MAX_AMOUNT);
    let rate = c.integer(obj, path, "taxRate", Need::Optional, 0, 10_000);
    let percentage = c.integer(obj, path, "taxPercentage", Need::Optional, 0, 100);
    let rate_given = obj.get("taxRate").is_some_and(|v| !v.is_null());
    let percentage_given = obj.get("taxPercentage").is_some_and(|v| !v.is_null());
    if rate.is_none() && percentage.is_none() && !rate_given && !percentage_given {
        c.fail(
            c.path(path, "taxRate"),
            "Either taxRate (0-10000, 2500 = 25 %) or the deprecated taxPercentage (0-100) must be set.",
        );
    }
    if let Some(unit) = c.object(obj, path, "unitInfo", Need::Optional) {
        let up = c.path(path, "unitInfo");
        c.integer(unit, &up, "unitPrice", Need::Optional, 0, MAX_AMOUNT);
        c.string_matching(
            unit,
            &up,
            "quantity",
            Need::Required,
            1,
            10,
            is_quantity,
            "^\\d+([\\.]\\d{1,8})?$ (a decimal string such as \"2\" or \"0.822\")",
        );
        c.one_of(unit, &up, "quantityUnit", Need::Optional, QUANTITY_UNITS);
    }
    c.integer(obj, path, "discount", Need::Optional, 0, MAX_AMOUNT);
    c.string(obj, path, "productUrl", Need::Optional, 0, usize::MAX);
    let is_return = c
        .boolean(obj, path, "isReturn", Need::Optional)
        .unwrap_or(false);
    c.boolean(obj, path, "isShipping", Need::Optional);
    let (total, net, tax) = (total?, net?, tax?);
    if total != net + tax {
        c.fail(
            c.path(path, "totalAmount"),
            format!(
                "totalAmount ({total}) must equal totalAmountExcludingTax ({net}) + totalTaxAmount ({tax}) = {}; the difference is {}.",
                net + tax,
                total - (net + tax)
            ),
        );
    }
    (c.errors.len() == before).then_some(if is_return { -total } else { total })
}

/// Step 2: the receipt against the payment it describes.
pub fn check_against(totals: &Totals, amount: i64, currency: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if totals.currency != currency {
        errors.push(FieldError {
            path: "bottomLine.currency".into(),
            message: format!(
                "The currency ({}) must be the payment's currency ({currency}).",
                totals.currency
            ),
        });
    }
    let sum = totals.lines_total + totals.tip;
    if sum != amount {
        let tip = if totals.tip != 0 {
            format!(" plus tipAmount {}", totals.tip)
        } else {
            String::new()
        };
        errors.push(FieldError {
            path: "orderLines".into(),
            message: format!(
                "The order lines' totalAmount ({}){tip} add up to {sum}, but the payment amount is {amount}: a difference of {} (lines - payment).",
                totals.lines_total,
                sum - amount
            ),
        });
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(total: i64, net: i64, tax: i64) -> Value {
        json!({"name": "x", "id": "1", "totalAmount": total,
               "totalAmountExcludingTax": net, "totalTaxAmount": tax, "taxRate": 2500})
    }

    fn paths(v: &Value) -> Vec<String> {
        match check_shape(v.as_object().unwrap()) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.path).collect(),
        }
    }

    #[test]
    fn quantities_are_decimal_strings() {
        for ok in ["1", "0.822", "2.5", "12345678.9", "1.12345678"] {
            assert!(is_quantity(ok), "{ok}");
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
        ] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn a_valid_receipt_sums_returns_negative() {
        let mut ret = line(500, 400, 100);
        ret["isReturn"] = json!(true);
        let v = json!({"orderLines": [line(1000, 800, 200), ret],
                       "bottomLine": {"currency": "NOK", "tipAmount": 50}});
        let totals = check_shape(v.as_object().unwrap()).unwrap();
        assert_eq!(totals.lines_total, 500);
        assert!(check_against(&totals, 550, "NOK").is_empty());
        let errors = check_against(&totals, 560, "DKK");
        let p: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(p, ["bottomLine.currency", "orderLines"]);
        assert!(
            errors[1].message.contains("difference of -10"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn each_refusal_names_its_field() {
        let v = json!({"orderLines": [line(1000, 800, 250)], "bottomLine": {"currency": "NOK"}});
        assert_eq!(paths(&v), ["orderLines[0].totalAmount"]);
        let mut l = line(1000, 800, 200);
        l.as_object_mut().unwrap().remove("taxRate");
        l["unitInfo"] = json!({"unitPrice": 500, "quantity": "2,5"});
        l["discount"] = json!(-1);
        let v = json!({"orderLines": [l], "bottomLine": {"currency": "SEK"}});
        assert_eq!(
            paths(&v),
            [
                "orderLines[0].taxRate",
                "orderLines[0].unitInfo.quantity",
                "orderLines[0].discount",
                "bottomLine.currency"
            ]
        );
        let v = json!({"orderLines": [line(-100, -80, -20)], "bottomLine": {"currency": "NOK"}});
        assert_eq!(
            paths(&v),
            [
                "orderLines[0].totalAmount",
                "orderLines[0].totalAmountExcludingTax",
                "orderLines[0].totalTaxAmount"
            ]
        );
        let mut l = line(100, 80, 20);
        l["taxRate"] = json!(10001);
        assert_eq!(
            paths(&json!({"orderLines": [l], "bottomLine": {"currency": "NOK"}})),
            ["orderLines[0].taxRate"]
        );
        assert_eq!(
            paths(&json!({"orderLines": []})),
            ["orderLines", "bottomLine"]
        );
        let mut l = line(100, 80, 20);
        l["taxPercentage"] = json!(25);
        l.as_object_mut().unwrap().remove("taxRate");
        l["totalAmount"] = json!(100.5);
        assert_eq!(
            paths(&json!({"orderLines": [l], "bottomLine": {"currency": "NOK"}})),
            ["orderLines[0].totalAmount"]
        );
    }
}
