//! Validation of `CreatePaymentRequest` (epayment spec 1.4.1 plus the [newer] limits: references
//! up to 64 characters, `expiresAt` up to 60 days ahead).

use super::amount;
use crate::timefmt::parse_rfc3339;
use crate::validate::{is_digits, is_reference_chars, Checker, FieldError, Need};
use serde_json::{Map, Value};

pub const USER_FLOWS: &[&str] = &["PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR"];
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// The parts of a valid request the simulator keeps.
pub struct ValidCreate {
    pub currency: String,
    pub value: i64,
    pub method: String,
    pub reference: String,
    pub user_flow: String,
    pub description: Option<String>,
    pub expires_at_ms: Option<i64>,
    pub scope: Option<String>,
    pub metadata: Option<Value>,
    /// Where the landing page sends the user after approving or rejecting.
    pub return_url: Option<String>,
    /// `qrFormat` of a `userFlow: QR` payment (ignored with other flows, as the spec says it
    /// applies to QR only).
    pub qr_format: Option<super::qr::QrFormat>,
}

pub fn is_phone_number(s: &str) -> bool {
    (10..=15).contains(&s.len()) && is_digits(s)
}

/// Checks a `Customer` (oneOf phoneNumber | personalQr | customerToken).
pub fn check_customer(c: &mut Checker, customer: &Map<String, Value>, path: &str) {
    let given = ["phoneNumber", "personalQr", "customerToken"]
        .iter()
        .filter(|k| customer.get(**k).is_some_and(|v| !v.is_null()))
        .count();
    if given > 1 {
        c.fail(
            path,
            "Specify only one of phoneNumber, personalQr and customerToken.",
        );
    }
    c.string_matching(
        customer,
        path,
        "phoneNumber",
        Need::Optional,
        10,
        15,
        is_phone_number,
        r"^\d{10,15}$",
    );
    c.string(customer, path, "personalQr", Need::Optional, 5, 255);
    c.string(customer, path, "customerToken", Need::Optional, 1, 1000);
}

fn check_metadata(c: &mut Checker, obj: &Map<String, Value>) -> Option<Value> {
    let meta = c.object(obj, "", "metadata", Need::Optional)?;
    if meta.len() > 5 {
        c.fail("metadata", "metadata can hold at most 5 key-value pairs.");
    }
    for (k, v) in meta {
        if k.chars().count() > 100 {
            c.fail("metadata", "metadata keys must be at most 100 characters.");
        }
        match v.as_str() {
            Some(s) if s.chars().count() <= 500 => {}
            Some(_) => c.fail(
                format!("metadata.{k}"),
                "metadata values must be at most 500 characters.",
            ),
            None => c.fail(format!("metadata.{k}"), "metadata values must be strings."),
        }
    }
    Some(Value::Object(meta.clone()))
}

pub fn validate(body: &Value, now_ms: i64) -> Result<ValidCreate, Vec<FieldError>> {
    let mut c = Checker::camel();
    let empty = Map::new();
    let obj = body.as_object().unwrap_or(&empty);

    let amount = amount::check(&mut c, obj, "", "amount");
    let method = c
        .object(obj, "", "paymentMethod", Need::Required)
        .and_then(|pm| {
            c.one_of(
                pm,
                "paymentMethod",
                "type",
                Need::Required,
                &["WALLET", "CARD"],
            )
        });
    let reference = c.string_matching(
        obj,
        "",
        "reference",
        Need::Required,
        8,
        64,
        is_reference_chars,
        "^[a-zA-Z0-9-]{8,64}$",
    );
    let user_flow = c.one_of(obj, "", "userFlow", Need::Required, USER_FLOWS);
    let description = c.string(obj, "", "paymentDescription", Need::Optional, 3, 100);
    c.one_of(
        obj,
        "",
        "customerInteraction",
        Need::Optional,
        &["CUSTOMER_PRESENT", "CUSTOMER_NOT_PRESENT"],
    );
    let return_url = c.string(obj, "", "returnUrl", Need::Optional, 1, 2048);
    c.string(obj, "", "receiptUrl", Need::Optional, 1, 2048);
    let customer = c.object(obj, "", "customer", Need::Optional);
    if let Some(customer) = customer {
        check_customer(&mut c, customer, "customer");
    }
    let scope = c
        .object(obj, "", "profile", Need::Optional)
        .and_then(|p| c.string(p, "profile", "scope", Need::Optional, 1, 1000));
    let mut qr_format = None;
    if let Some(qr) = c.object(obj, "", "qrFormat", Need::Optional) {
        let format = c.one_of(
            qr,
            "qrFormat",
            "format",
            Need::Required,
            &["TEXT/TARGETURL", "IMAGE/SVG+XML", "IMAGE/PNG"],
        );
        let size = c.integer(qr, "qrFormat", "size", Need::Optional, 100, 2000);
        qr_format = Some(super::qr::QrFormat::from_request(format, size));
    }
    let metadata = check_metadata(&mut c, obj);

    match user_flow {
        Some("PUSH_MESSAGE") if customer.is_none() => c.fail(
            "customer",
            "customer is required when userFlow is PUSH_MESSAGE.",
        ),
        Some("WEB_REDIRECT") if return_url.is_none() => c.fail(
            "returnUrl",
            "returnUrl is required when userFlow is WEB_REDIRECT.",
        ),
        _ => {}
    }
    if method == Some("CARD") && user_flow.is_some_and(|f| f != "WEB_REDIRECT") {
        c.fail(
            "paymentMethod.type",
            "CARD can only be combined with userFlow WEB_REDIRECT.",
        );
    }

    let mut expires_at_ms = None;
    if let Some(text) = c.string(obj, "", "expiresAt", Need::Optional, 1, 64) {
        match parse_rfc3339(text) {
            None => c.fail("expiresAt", "expiresAt must be an RFC 3339 date-time."),
            Some(at) if at <= now_ms + 10 * MINUTE_MS || at >= now_ms + 60 * DAY_MS => c.fail(
                "expiresAt",
                "expiresAt must be more than 10 minutes and less than 60 days in the future.",
            ),
            Some(at) => expires_at_ms = Some(at),
        }
        if !matches!(user_flow, Some("PUSH_MESSAGE" | "QR")) {
            c.fail(
                "expiresAt",
                "expiresAt can only be used with userFlow PUSH_MESSAGE or QR.",
            );
        }
    }

    match (amount, method, reference, user_flow) {
        (Some((currency, value)), Some(method), Some(reference), Some(flow)) if c.is_ok() => {
            Ok(ValidCreate {
                currency,
                value,
                method: method.to_string(),
                reference: reference.to_string(),
                user_flow: flow.to_string(),
                description: description.map(str::to_string),
                expires_at_ms,
                scope: scope.map(str::to_string),
                metadata,
                return_url: return_url.map(str::to_string),
                qr_format: (flow == "QR").then(|| qr_format.unwrap_or(super::qr::QrFormat::Svg)),
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
            "amount": {"currency": "NOK", "value": 1000},
            "paymentMethod": {"type": "WALLET"},
            "reference": "order-12345",
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://example.com/return"
        })
    }

    fn paths(v: &Value) -> Vec<String> {
        match validate(v, 0) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| e.path).collect(),
        }
    }

    #[test]
    fn a_minimal_request_is_valid() {
        assert!(validate(&base(), 0).is_ok());
    }

    #[test]
    fn each_constraint_is_enforced() {
        let mut v = base();
        v["amount"]["value"] = json!(10.5);
        assert_eq!(paths(&v), ["amount.value"]);
        let mut v = base();
        v["amount"]["value"] = json!("1000");
        assert_eq!(paths(&v), ["amount.value"]);
        let mut v = base();
        v["amount"]["currency"] = json!("SEK");
        assert_eq!(paths(&v), ["amount.currency"]);
        let mut v = base();
        v["reference"] = json!("short");
        assert_eq!(paths(&v), ["reference"]);
        let mut v = base();
        v["userFlow"] = json!("PUSH_MESSAGE");
        v["customer"] = json!({"phoneNumber": "12345"});
        assert_eq!(paths(&v), ["customer.phoneNumber"]);
        let mut v = base();
        v["expiresAt"] = json!("2030-01-01T00:00:00Z");
        assert!(paths(&v).contains(&"expiresAt".to_string()));
        let mut v = base();
        v["metadata"] = json!({"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6"});
        assert_eq!(paths(&v), ["metadata"]);
    }

    #[test]
    fn expires_at_window_is_checked_against_now() {
        let now = 1_700_000_000_000;
        let mut v = base();
        v["userFlow"] = json!("QR");
        v["expiresAt"] = json!(crate::timefmt::rfc3339_ms(now + 20 * MINUTE_MS));
        assert_eq!(
            validate(&v, now).ok().and_then(|c| c.expires_at_ms),
            Some(now + 20 * MINUTE_MS)
        );
        v["expiresAt"] = json!(crate::timefmt::rfc3339_ms(now + 5 * MINUTE_MS));
        assert!(validate(&v, now).is_err());
    }
}
