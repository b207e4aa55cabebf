//! Validation of `InitiateSessionRequest` (checkout-v3 spec plus the [newer] `type`, `taxRate`
//! and logistics brands). Errors are keyed the way Checkout reports them: `Transaction.Reference`.

use crate::validate::{is_reference_chars, Checker, FieldError, Need};
use serde_json::{Map, Value};

const BRANDS: &[&str] = &[
    "POSTEN",
    "POSTNORD",
    "PORTERBUDDY",
    "HELTHJEM",
    "POSTI",
    "OTHER",
    "GLS",
    "DAO",
];
const QUANTITY_UNITS: &[&str] = &["PCS", "KG", "KM", "MINUTE", "LITRE"];

/// What the simulator keeps from a valid request.
pub struct ValidSession {
    pub reference: String,
    pub currency: String,
    pub value: i64,
    pub description: String,
    pub callback_url: String,
    pub callback_token: String,
    pub return_url: String,
    pub order_summary: Option<Value>,
}

fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_country(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Checkout `Amount`: `{value: int32 ≥ 0, currency}`.
pub fn check_amount(
    c: &mut Checker,
    obj: &Map<String, Value>,
    parent: &str,
    key: &str,
    need: Need,
) -> Option<(String, i64)> {
    let amount = c.object(obj, parent, key, need)?;
    let path = c.path(parent, key);
    let value = c.integer(
        amount,
        &path,
        "value",
        Need::Required,
        0,
        i64::from(i32::MAX),
    );
    let currency = c.string_matching(
        amount,
        &path,
        "currency",
        Need::Required,
        3,
        3,
        is_currency,
        "an ISO 4217 code such as NOK",
    );
    Some((currency?.to_string(), value?))
}

fn check_order_line(c: &mut Checker, line: &Value, path: &str) {
    let Some(line) = line.as_object() else {
        c.fail(path, "Each order line must be an object.");
        return;
    };
    c.string(line, path, "name", Need::Required, 1, 2048);
    c.string(line, path, "id", Need::Required, 1, 255);
    for key in ["totalAmount", "totalAmountExcludingTax", "totalTaxAmount"] {
        c.integer(line, path, key, Need::Required, 0, i64::MAX);
    }
    let percentage = c.integer(line, path, "taxPercentage", Need::Optional, 0, 100);
    let rate = c.integer(line, path, "taxRate", Need::Optional, 0, 10_000);
    let given = |k: &str| line.get(k).is_some_and(|v| !v.is_null());
    if percentage.is_none() && rate.is_none() && !given("taxPercentage") && !given("taxRate") {
        c.fail(
            c.path(path, "taxRate"),
            "Either taxRate (0-10000) or taxPercentage (0-100) is required.",
        );
    }
    if let Some(unit) = c.object(line, path, "unitInfo", Need::Optional) {
        let unit_path = c.path(path, "unitInfo");
        c.integer(unit, &unit_path, "unitPrice", Need::Required, 0, i64::MAX);
        c.string(unit, &unit_path, "quantity", Need::Required, 1, 50);
        c.one_of(
            unit,
            &unit_path,
            "quantityUnit",
            Need::Required,
            QUANTITY_UNITS,
        );
    }
    c.integer(line, path, "discount", Need::Optional, 0, i64::MAX);
    c.string(line, path, "productUrl", Need::Optional, 0, 2048);
    c.boolean(line, path, "isReturn", Need::Optional);
    c.boolean(line, path, "isShipping", Need::Optional);
}

fn check_order_summary(c: &mut Checker, tx: &Map<String, Value>) -> Option<Value> {
    let summary = c.object(tx, "Transaction", "orderSummary", Need::Optional)?;
    let path = c.path("Transaction", "orderSummary");
    if let Some(lines) = c.array(summary, &path, "orderLines", Need::Required, 1) {
        let lines_path = c.path(&path, "orderLines");
        for (i, line) in lines.iter().enumerate() {
            check_order_line(c, line, &format!("{lines_path}[{i}]"));
        }
    }
    if let Some(bottom) = c.object(summary, &path, "orderBottomLine", Need::Required) {
        let bottom_path = c.path(&path, "orderBottomLine");
        c.string_matching(
            bottom,
            &bottom_path,
            "currency",
            Need::Required,
            3,
            3,
            is_currency,
            "an ISO 4217 code",
        );
        c.integer(
            bottom,
            &bottom_path,
            "tipAmount",
            Need::Optional,
            0,
            i64::MAX,
        );
        c.integer(
            bottom,
            &bottom_path,
            "giftCardAmount",
            Need::Optional,
            0,
            i64::MAX,
        );
        c.string(bottom, &bottom_path, "terminalId", Need::Optional, 0, 255);
        c.string(
            bottom,
            &bottom_path,
            "receiptNumber",
            Need::Optional,
            0,
            255,
        );
    }
    Some(Value::Object(summary.clone()))
}

fn check_logistics(c: &mut Checker, obj: &Map<String, Value>) {
    let Some(logistics) = c.object(obj, "", "logistics", Need::Optional) else {
        return;
    };
    c.string(
        logistics,
        "Logistics",
        "dynamicOptionsCallback",
        Need::Optional,
        1,
        2048,
    );
    c.object(logistics, "Logistics", "integrations", Need::Optional);
    let Some(options) = c.array(logistics, "Logistics", "fixedOptions", Need::Optional, 0) else {
        return;
    };
    for (i, option) in options.iter().enumerate() {
        let path = format!("Logistics.FixedOptions[{i}]");
        let Some(option) = option.as_object() else {
            c.fail(&path, "Each logistics option must be an object.");
            continue;
        };
        c.string(option, &path, "id", Need::Required, 1, 200);
        c.integer(
            option,
            &path,
            "priority",
            Need::Required,
            0,
            i64::from(i32::MAX),
        );
        c.boolean(option, &path, "isDefault", Need::Required);
        let brand = c.one_of(option, &path, "brand", Need::Required, BRANDS);
        check_amount(c, option, &path, "amount", Need::Required);
        c.string(option, &path, "description", Need::Optional, 0, 2048);
        if brand == Some("OTHER") {
            c.string(option, &path, "title", Need::Required, 1, 200);
        }
    }
}

fn check_configuration(c: &mut Checker, obj: &Map<String, Value>) {
    let Some(config) = c.object(obj, "", "configuration", Need::Optional) else {
        return;
    };
    let p = "Configuration";
    c.one_of(
        config,
        p,
        "customerInteraction",
        Need::Optional,
        &["CUSTOMER_PRESENT", "CUSTOMER_NOT_PRESENT"],
    );
    c.one_of(
        config,
        p,
        "elements",
        Need::Optional,
        &["Full", "PaymentAndContactInfo", "PaymentOnly"],
    );
    c.one_of(
        config,
        p,
        "userFlow",
        Need::Optional,
        &["WEB_REDIRECT", "NATIVE_REDIRECT"],
    );
    c.boolean(config, p, "requireUserInfo", Need::Optional);
    c.boolean(config, p, "showOrderSummary", Need::Optional);
    if let Some(countries) = c.object(config, p, "countries", Need::Optional) {
        if let Some(list) = c.array(
            countries,
            "Configuration.Countries",
            "supported",
            Need::Required,
            0,
        ) {
            if !list.iter().all(|x| x.as_str().is_some_and(is_country)) {
                c.fail(
                    "Configuration.Countries.Supported",
                    "Countries must be ISO-3166 alpha-2 codes.",
                );
            }
        }
    }
    if let Some(consent) = c.object(config, p, "customConsent", Need::Optional) {
        c.string(
            consent,
            "Configuration.CustomConsent",
            "text",
            Need::Required,
            1,
            4096,
        );
        c.boolean(
            consent,
            "Configuration.CustomConsent",
            "required",
            Need::Required,
        );
    }
}

fn check_prefill(c: &mut Checker, obj: &Map<String, Value>) {
    let Some(prefill) = c.object(obj, "", "prefillCustomer", Need::Optional) else {
        return;
    };
    for key in [
        "firstName",
        "lastName",
        "email",
        "phoneNumber",
        "streetAddress",
        "city",
        "postalCode",
        "country",
    ] {
        c.string(prefill, "PrefillCustomer", key, Need::Optional, 0, 2048);
    }
}

pub fn validate(body: &Value) -> Result<ValidSession, Vec<FieldError>> {
    let mut c = Checker::pascal();
    let empty = Map::new();
    let obj = body.as_object().unwrap_or(&empty);

    let merchant = c.object(obj, "", "merchantInfo", Need::Required);
    let (mut callback_url, mut return_url, mut token) = (None, None, None);
    if let Some(m) = merchant {
        callback_url = c.string(m, "MerchantInfo", "callbackUrl", Need::Required, 1, 2048);
        return_url = c.string(m, "MerchantInfo", "returnUrl", Need::Required, 1, 2048);
        token = c.string(
            m,
            "MerchantInfo",
            "callbackAuthorizationToken",
            Need::Required,
            0,
            2048,
        );
        c.string(
            m,
            "MerchantInfo",
            "termsAndConditionsUrl",
            Need::Optional,
            0,
            2048,
        );
    }
    let tx = c.object(obj, "", "transaction", Need::Required);
    let (mut amount, mut reference, mut description, mut summary) = (None, None, None, None);
    if let Some(t) = tx {
        amount = check_amount(&mut c, t, "Transaction", "amount", Need::Required);
        reference = c.string_matching(
            t,
            "Transaction",
            "reference",
            Need::Required,
            8,
            50,
            is_reference_chars,
            "^[-a-zA-Z0-9]*$",
        );
        description = c.string(
            t,
            "Transaction",
            "paymentDescription",
            Need::Required,
            3,
            100,
        );
        summary = check_order_summary(&mut c, t);
    }
    c.one_of(
        obj,
        "",
        "type",
        Need::Optional,
        &["PAYMENT", "SUBSCRIPTION"],
    );
    check_logistics(&mut c, obj);
    check_configuration(&mut c, obj);
    check_prefill(&mut c, obj);

    match (
        amount,
        reference,
        description,
        callback_url,
        return_url,
        token,
    ) {
        (Some((currency, value)), Some(r), Some(d), Some(cb), Some(ret), Some(tok))
            if c.is_ok() =>
        {
            Ok(ValidSession {
                reference: r.to_string(),
                currency,
                value,
                description: d.to_string(),
                callback_url: cb.to_string(),
                callback_token: tok.to_string(),
                return_url: ret.to_string(),
                order_summary: summary,
            })
        }
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "merchantInfo": {
                "callbackUrl": "http://127.0.0.1:1/cb",
                "returnUrl": "http://127.0.0.1:1/ret",
                "callbackAuthorizationToken": "tok"
            },
            "transaction": {
                "amount": {"value": 1000, "currency": "NOK"},
                "reference": "order-12345",
                "paymentDescription": "Socks"
            }
        })
    }

    fn paths(v: &Value) -> Vec<String> {
        validate(v)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.path)
            .collect()
    }

    #[test]
    fn valid_minimal_request_and_field_paths() {
        assert!(validate(&base()).is_ok());
        let mut v = base();
        v["transaction"]["reference"] = json!("bad_ref!");
        v["configuration"] = json!({"elements": "Some"});
        v["type"] = json!("LOAN");
        assert_eq!(
            paths(&v),
            ["Transaction.Reference", "Type", "Configuration.Elements"]
        );
    }

    #[test]
    fn order_lines_and_logistics_are_checked() {
        let mut v = base();
        v["transaction"]["orderSummary"] = json!({
            "orderLines": [{"name": "", "id": "1", "totalAmount": 1, "totalAmountExcludingTax": 1,
                            "totalTaxAmount": 0, "taxPercentage": 101}],
            "orderBottomLine": {"currency": "NOK"}
        });
        v["logistics"] = json!({"fixedOptions": [{"id": "", "priority": 0, "isDefault": true,
            "brand": "OTHER", "amount": {"value": 1, "currency": "NOK"}}]});
        assert_eq!(
            paths(&v),
            [
                "Transaction.OrderSummary.OrderLines[0].Name",
                "Transaction.OrderSummary.OrderLines[0].TaxPercentage",
                "Logistics.FixedOptions[0].Id",
                "Logistics.FixedOptions[0].Title",
            ]
        );
    }
}
