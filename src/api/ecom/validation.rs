//! Client-side checks of an eCom v2 initiate request, per the spec's constraints.

use crate::api::checkout::validation::check_url;
use crate::error::Result;
use crate::json::input::Fields;
use crate::model::amount::format_minor;
use crate::model::reference::check_reference;

/// eCom order ids: 1 to 50 of `a-zA-Z0-9-`.
pub(crate) const ORDER_ID_MAX: usize = 50;
/// eCom amounts are int32 minor units, at least NOK 1.00.
pub(crate) const MIN_AMOUNT: i64 = 100;

/// Returns the order id (`transaction.orderId`), checked.
pub fn validate_initiate(body: &Fields) -> Result<String> {
    let info = body.req_object("merchantInfo")?;
    for name in ["callbackPrefix", "fallBack"] {
        let url = info.req_str(name)?;
        check_url(&info, name, url)?;
        info.check_len(name, url, 1, 255)?;
    }
    for name in ["shippingDetailsPrefix", "consentRemovalPrefix"] {
        if let Some(url) = info.opt_str(name)? {
            check_url(&info, name, url)?;
            info.check_len(name, url, 1, 255)?;
        }
    }
    if let Some(token) = info.opt_str("authToken")? {
        info.check_len("authToken", token, 1, 255)?;
    }
    check_ecom_msn(&info, info.req_str("merchantSerialNumber")?)?;
    info.opt_bool("isApp")?;
    let express = info.check_enum(
        "paymentType",
        &["eComm Regular Payment", "eComm Express Payment"],
    )? == Some("eComm Express Payment");
    if express && info.opt_str("consentRemovalPrefix")?.is_none() {
        return Err(info.error(
            "consentRemovalPrefix",
            "is required for express payments (eComm Express Payment)",
        ));
    }
    for option in info.opt_object_array("staticShippingDetails")? {
        option
            .check_enum("isDefault", &["Y", "N"])?
            .ok_or_else(|| option.error("isDefault", "is required (\"Y\" or \"N\")"))?;
        option.check_len("shippingMethod", option.req_str("shippingMethod")?, 1, 256)?;
        option.check_len(
            "shippingMethodId",
            option.req_str("shippingMethodId")?,
            1,
            100,
        )?;
        option.opt_i64("priority")?;
    }
    if let Some(customer) = body.opt_object("customerInfo")? {
        if let Some(phone) = customer.opt_str("mobileNumber")? {
            if !is_ecom_phone(phone) {
                return Err(customer.error(
                    "mobileNumber",
                    "must be 8 digits with no country code (e.g. 91234567)",
                ));
            }
        }
    }
    let transaction = body.req_object("transaction")?;
    let amount = transaction.req_i64("amount")?;
    if !(MIN_AMOUNT..=i32::MAX as i64).contains(&amount) {
        return Err(transaction.error(
            "amount",
            format!(
                "must be {MIN_AMOUNT} to {} øre (an int32 of minor units, {} to {}), got {amount} ({})",
                i32::MAX,
                format_minor(MIN_AMOUNT, "NOK"),
                format_minor(i32::MAX as i64, "NOK"),
                format_minor(amount, "NOK")
            ),
        ));
    }
    let order_id = transaction.req_str("orderId")?;
    check_reference(&transaction, "orderId", order_id, 1, ORDER_ID_MAX)?;
    transaction.check_len(
        "transactionText",
        transaction.req_str("transactionText")?,
        1,
        100,
    )?;
    transaction.opt_bool("skipLandingPage")?;
    transaction.opt_bool("useExplicitCheckoutFlow")?;
    transaction.opt_str("scope")?;
    Ok(order_id.to_owned())
}

/// A phone number as eCom takes it: 8 digits, no country code (a Norwegian number).
pub(crate) fn is_ecom_phone(phone: &str) -> bool {
    phone.len() == 8 && phone.bytes().all(|b| b.is_ascii_digit())
}

/// eCom merchant serial numbers: 5 or 6 digits (`^\d{5,}$`, length 5 to 6).
pub fn check_ecom_msn(fields: &Fields, msn: &str) -> Result<()> {
    if !(5..=6).contains(&msn.len()) || !msn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fields.error(
            "merchantSerialNumber",
            format!("must be 5 or 6 digits for the eCom API, got {msn:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    fn valid() -> Value {
        json!({"customerInfo": {"mobileNumber": "91234567"},
               "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://shop.example/vipps", "fallBack": "https://shop.example/return/1"},
               "transaction": {"amount": 49900, "orderId": "acme-shop-123-order1", "transactionText": "Socks"}})
    }

    fn check(body: &Value) -> Result<String> {
        validate_initiate(&Fields::new(
            body.as_object().unwrap(),
            "",
            ErrorKind::InvalidInput,
        ))
    }

    #[test]
    fn constraints_name_their_fields() {
        check(&valid()).unwrap();
        let cases: Vec<(&str, Value, &str)> = vec![
            ("/transaction/amount", json!(99), "transaction.amount"),
            (
                "/transaction/amount",
                json!(2_147_483_648i64),
                "transaction.amount",
            ),
            ("/transaction/amount", json!(499.0), "transaction.amount"),
            (
                "/transaction/orderId",
                json!("a".repeat(51)),
                "transaction.orderId",
            ),
            (
                "/transaction/orderId",
                json!("order_1"),
                "transaction.orderId",
            ),
            (
                "/transaction/transactionText",
                json!("x".repeat(101)),
                "transaction.transactionText",
            ),
            (
                "/merchantInfo/fallBack",
                json!(format!("https://x.example/{}", "a".repeat(250))),
                "merchantInfo.fallBack",
            ),
            (
                "/merchantInfo/merchantSerialNumber",
                json!("1234"),
                "merchantInfo.merchantSerialNumber",
            ),
            (
                "/customerInfo/mobileNumber",
                json!("+4791234567"),
                "customerInfo.mobileNumber",
            ),
        ];
        for (pointer, value, field) in cases {
            let mut body = valid();
            *body.pointer_mut(pointer).unwrap() = value;
            let err = check(&body).unwrap_err();
            assert!(err.message.starts_with(field), "{pointer}: {}", err.message);
        }
    }

    #[test]
    fn express_needs_a_consent_removal_prefix() {
        let mut body = valid();
        body["merchantInfo"]["paymentType"] = json!("eComm Express Payment");
        assert!(check(&body)
            .unwrap_err()
            .message
            .contains("consentRemovalPrefix"));
        body["merchantInfo"]["consentRemovalPrefix"] = json!("https://shop.example/consent");
        body["merchantInfo"]["staticShippingDetails"] = json!([{"isDefault": "Y", "priority": 0, "shippingCost": 99.0, "shippingMethod": "Posten", "shippingMethodId": "posten"}]);
        check(&body).unwrap();
    }

    #[test]
    fn ecom_phones_are_eight_digits_without_country_code() {
        assert!(is_ecom_phone("91234567"));
        for bad in ["4791234567", "9123456", "9123456a", "+4791234", ""] {
            assert!(!is_ecom_phone(bad), "{bad}");
        }
    }
}
