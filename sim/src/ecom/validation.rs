//! Request body validation (`InitiatePaymentCommand`, `PaymentActionsRequest`,
//! `CancelPaymentActionRequest`, `ForceApproveRequest`), each violation named by its field.

use super::express;
use super::model::PaymentType;
use crate::outbound::url;
use crate::validate::{is_digits, is_reference_chars, Checker, Need};
use serde_json::{Map, Value};

pub const PAYMENT_TYPES: &[&str] = &["eComm Regular Payment", "eComm Express Payment"];
/// Amounts are Java ints on the Vipps side.
pub const MAX_AMOUNT: i64 = i32::MAX as i64;
pub const MIN_AMOUNT: i64 = 100;

pub fn is_phone(s: &str) -> bool {
    s.len() == 8 && is_digits(s)
}

fn is_order_id(s: &str) -> bool {
    is_reference_chars(s)
}

/// The parts of a valid initiate request the simulator keeps (as the order's `initiate`).
#[derive(Clone, Debug)]
pub struct ValidInitiate {
    pub order_id: String,
    /// The initiated amount in øre.
    pub amount: i64,
    pub transaction_text: String,
    pub payment_type: PaymentType,
    pub callback_prefix: String,
    pub fallback: String,
    pub auth_token: Option<String>,
    pub consent_removal_prefix: Option<String>,
    pub shipping_details_prefix: Option<String>,
    pub static_shipping: Vec<Value>,
    pub mobile_number: Option<String>,
    pub skip_landing_page: bool,
}

/// A URL the simulator will call: https, or http on a loopback host (for local receivers).
fn check_callback_url(c: &mut Checker, path: &str, value: Option<&str>) {
    let Some(v) = value else { return };
    let ok = url::split(v).is_some_and(|p| {
        p.scheme.eq_ignore_ascii_case("https") || url::is_loopback_host(url::host_of(p.authority))
    });
    if !ok {
        c.fail(
            path,
            "must be an https URL (http is accepted for loopback hosts only).",
        );
    }
}

pub fn validate_initiate(
    body: &Map<String, Value>,
) -> Result<ValidInitiate, Vec<crate::validate::FieldError>> {
    let mut c = Checker::camel();
    let customer = c.object(body, "", "customerInfo", Need::Required);
    let mobile = customer.and_then(|ci| {
        c.string_matching(
            ci,
            "customerInfo",
            "mobileNumber",
            Need::Optional,
            8,
            8,
            is_phone,
            r"^\d{8}$",
        )
    });
    let info = c.object(body, "", "merchantInfo", Need::Required);
    let tx = c.object(body, "", "transaction", Need::Required);

    let mut merchant = None;
    if let Some(info) = info {
        let p = "merchantInfo";
        let callback = c.string(info, p, "callbackPrefix", Need::Required, 1, 255);
        check_callback_url(&mut c, "merchantInfo.callbackPrefix", callback);
        let fallback = c.string(info, p, "fallBack", Need::Required, 1, 255);
        let token = c.string(info, p, "authToken", Need::Optional, 1, 255);
        let is_app = c.boolean(info, p, "isApp", Need::Optional).unwrap_or(false);
        if let Some(f) = fallback {
            if !is_app && !f.contains("://") {
                c.fail(
                    "merchantInfo.fallBack",
                    "must be a URL (or, with isApp, an app URL scheme or INTENT).",
                );
            }
        }
        let payment_type = c.one_of(info, p, "paymentType", Need::Optional, PAYMENT_TYPES);
        let express = payment_type == Some("eComm Express Payment");
        let consent = c.string(info, p, "consentRemovalPrefix", Need::Optional, 1, 255);
        check_callback_url(&mut c, "merchantInfo.consentRemovalPrefix", consent);
        let shipping = c.string(info, p, "shippingDetailsPrefix", Need::Optional, 1, 255);
        check_callback_url(&mut c, "merchantInfo.shippingDetailsPrefix", shipping);
        let statics = c.array(info, p, "staticShippingDetails", Need::Optional, 0);
        let mut static_shipping = Vec::new();
        for (i, o) in statics.into_iter().flatten().enumerate() {
            let path = format!("merchantInfo.staticShippingDetails[{i}]");
            match o.as_object() {
                None => c.fail(&path, "must be an object."),
                Some(obj) => {
                    c.one_of(obj, &path, "isDefault", Need::Required, &["Y", "N"]);
                    c.integer(obj, &path, "priority", Need::Optional, i64::MIN, i64::MAX);
                    c.string(obj, &path, "shippingMethod", Need::Required, 1, 256);
                    c.string(obj, &path, "shippingMethodId", Need::Required, 1, 100);
                    match obj.get("shippingCost") {
                        Some(v) if v.as_f64().is_some_and(|n| n >= 0.0) => {}
                        _ => c.fail(
                            format!("{path}.shippingCost"),
                            "The shippingCost field is required: a number ≥ 0 (NOK, not øre).",
                        ),
                    }
                    if express::check_option(o).is_ok() {
                        static_shipping.push(o.clone());
                    }
                }
            }
        }
        if express {
            if consent.is_none() {
                c.fail(
                    "merchantInfo.consentRemovalPrefix",
                    "The consentRemovalPrefix field is required for express payments (eComm Express Payment).",
                );
            }
            if shipping.is_none() && statics.is_none_or(|s| s.is_empty()) {
                c.fail(
                    "merchantInfo.shippingDetailsPrefix",
                    "Express payments need shippingDetailsPrefix or staticShippingDetails.",
                );
            }
        }
        merchant = Some((
            callback,
            fallback,
            token,
            express,
            consent,
            shipping,
            static_shipping,
        ));
    }

    let mut transaction = None;
    if let Some(tx) = tx {
        let p = "transaction";
        let amount = c.integer(tx, p, "amount", Need::Required, MIN_AMOUNT, MAX_AMOUNT);
        let order_id = c.string_matching(
            tx,
            p,
            "orderId",
            Need::Required,
            1,
            50,
            is_order_id,
            "^[a-zA-Z0-9-]{1,50}$",
        );
        let text = c.string(tx, p, "transactionText", Need::Required, 1, 100);
        let skip = c
            .boolean(tx, p, "skipLandingPage", Need::Optional)
            .unwrap_or(false);
        c.boolean(tx, p, "useExplicitCheckoutFlow", Need::Optional);
        c.string(tx, p, "scope", Need::Optional, 1, 255);
        c.string(tx, p, "timeStamp", Need::Optional, 0, 64);
        c.object(tx, p, "additionalData", Need::Optional);
        if skip && mobile.is_none() {
            c.fail(
                "customerInfo.mobileNumber",
                "skipLandingPage requires customerInfo.mobileNumber.",
            );
        }
        transaction = Some((amount, order_id, text, skip));
    }

    if !c.is_ok() {
        return Err(c.errors);
    }
    match (merchant, transaction) {
        (
            Some((
                Some(callback),
                Some(fallback),
                token,
                express,
                consent,
                shipping,
                static_shipping,
            )),
            Some((Some(amount), Some(order_id), Some(text), skip)),
        ) => Ok(ValidInitiate {
            order_id: order_id.to_string(),
            amount,
            transaction_text: text.to_string(),
            payment_type: if express {
                PaymentType::Express
            } else {
                PaymentType::Regular
            },
            callback_prefix: callback.to_string(),
            fallback: fallback.to_string(),
            auth_token: token.map(str::to_string),
            consent_removal_prefix: consent.map(str::to_string),
            shipping_details_prefix: shipping.map(str::to_string),
            static_shipping,
            mobile_number: mobile.map(str::to_string),
            skip_landing_page: skip,
        }),
        _ => {
            c.fail("", "The request is incomplete.");
            Err(c.errors)
        }
    }
}

/// A valid capture, refund or cancel body.
pub struct ValidAction {
    pub amount: Option<i64>,
    pub transaction_text: String,
    pub release_remaining: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    Capture,
    Refund,
    Cancel,
}

/// `transaction.transactionText` is required (≤100); capture takes an optional
/// `transaction.amount` (absent, null or 0 = everything left), refund a required one (≥1);
/// cancel takes `shouldReleaseRemainingFunds` (default false).
pub fn validate_action(
    body: &Map<String, Value>,
    kind: ActionKind,
) -> Result<ValidAction, Vec<crate::validate::FieldError>> {
    let mut c = Checker::camel();
    let tx = c.object(body, "", "transaction", Need::Required);
    let mut text = None;
    let mut amount = None;
    if let Some(tx) = tx {
        text = c.string(tx, "transaction", "transactionText", Need::Required, 1, 100);
        amount = match kind {
            ActionKind::Capture => {
                c.integer(tx, "transaction", "amount", Need::Optional, 0, MAX_AMOUNT)
            }
            ActionKind::Refund => {
                c.integer(tx, "transaction", "amount", Need::Required, 1, MAX_AMOUNT)
            }
            ActionKind::Cancel => None,
        };
    }
    let release = if kind == ActionKind::Cancel {
        c.boolean(body, "", "shouldReleaseRemainingFunds", Need::Optional)
            .unwrap_or(false)
    } else {
        false
    };
    match text {
        Some(t) if c.is_ok() => Ok(ValidAction {
            amount,
            transaction_text: t.to_string(),
            release_remaining: release,
        }),
        _ => Err(c.errors),
    }
}

/// `ForceApproveRequest`: `customerPhoneNumber` (`^\d{8}$`) and `token`, both optional.
pub fn validate_force_approve(
    body: &Map<String, Value>,
) -> Result<Option<String>, Vec<crate::validate::FieldError>> {
    let mut c = Checker::camel();
    let phone = c.string_matching(
        body,
        "",
        "customerPhoneNumber",
        Need::Optional,
        8,
        8,
        is_phone,
        r"^\d{8}$",
    );
    c.string(body, "", "token", Need::Optional, 0, 4096);
    if c.is_ok() {
        Ok(phone.map(str::to_string))
    } else {
        Err(c.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "customerInfo": {},
            "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://example.com/cb", "fallBack": "https://example.com/back"},
            "transaction": {"orderId": "order-1", "amount": 20000, "transactionText": "Socks"}
        })
    }

    fn paths(v: &Value) -> Vec<String> {
        match validate_initiate(v.as_object().unwrap()) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| e.path).collect(),
        }
    }

    #[test]
    fn minimal_is_valid_and_each_rule_names_its_field() {
        assert!(paths(&base()).is_empty());
        let mut v = base();
        v["transaction"]["amount"] = json!(100.5);
        assert_eq!(paths(&v), ["transaction.amount"]);
        v["transaction"]["amount"] = json!(99);
        assert_eq!(paths(&v), ["transaction.amount"]);
        v["transaction"]["amount"] = json!(2_147_483_648_i64);
        assert_eq!(paths(&v), ["transaction.amount"]);
        let mut v = base();
        v["transaction"]["orderId"] = json!("bad_id");
        assert_eq!(paths(&v), ["transaction.orderId"]);
        let mut v = base();
        v["customerInfo"]["mobileNumber"] = json!("+4791234567");
        assert_eq!(paths(&v), ["customerInfo.mobileNumber"]);
        let mut v = base();
        v["merchantInfo"]["paymentType"] = json!("eComm Express Payment");
        assert_eq!(
            paths(&v),
            [
                "merchantInfo.consentRemovalPrefix",
                "merchantInfo.shippingDetailsPrefix"
            ]
        );
        let mut v = base();
        v["merchantInfo"]["callbackPrefix"] = json!("http://example.com/cb");
        assert_eq!(paths(&v), ["merchantInfo.callbackPrefix"]);
        v["merchantInfo"]["callbackPrefix"] = json!("http://127.0.0.1:9/cb");
        assert!(paths(&v).is_empty());
    }
}
