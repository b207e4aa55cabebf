//! Client-side checks of a Checkout v3 `InitiateSessionRequest`, per the spec's constraints,
//! so a plugin learns about a mistake with the field's name before anything is sent.
//! Fields the library does not know are left alone: they pass through to the API.

use crate::api::order_management::validation::{validate_receipt, Expected, CHECKOUT};
use crate::error::Result;
use crate::json::input::Fields;
use crate::model::amount::read_amount;
use crate::model::reference::check_reference;

pub(crate) const REFERENCE_MIN: usize = 8;
pub(crate) const REFERENCE_MAX: usize = 50;

/// Returns the session's reference (`transaction.reference`), checked.
pub fn validate_session_request(body: &Fields) -> Result<String> {
    body.check_enum("type", &["PAYMENT", "SUBSCRIPTION"])?;
    validate_merchant_info(&body.req_object("merchantInfo")?)?;
    let reference = validate_transaction(&body.req_object("transaction")?)?;
    if let Some(logistics) = body.opt_object("logistics")? {
        validate_logistics(&logistics)?;
    }
    if let Some(configuration) = body.opt_object("configuration")? {
        validate_configuration(&configuration)?;
    }
    if let Some(prefill) = body.opt_object("prefillCustomer")? {
        for name in [
            "firstName",
            "lastName",
            "email",
            "streetAddress",
            "city",
            "postalCode",
            "country",
        ] {
            prefill.opt_str(name)?;
        }
        if let Some(phone) = prefill.opt_str("phoneNumber")? {
            check_msisdn(&prefill, "phoneNumber", phone)?;
        }
    }
    Ok(reference)
}

fn validate_merchant_info(info: &Fields) -> Result<()> {
    check_url(info, "callbackUrl", info.req_str("callbackUrl")?)?;
    check_url(info, "returnUrl", info.req_str("returnUrl")?)?;
    if let Some(url) = info.opt_str("termsAndConditionsUrl")? {
        check_url(info, "termsAndConditionsUrl", url)?;
    }
    if let Some(token) = info.opt_str("callbackAuthorizationToken")? {
        info.check_len("callbackAuthorizationToken", token, 1, 1024)?;
    }
    Ok(())
}

fn validate_transaction(transaction: &Fields) -> Result<String> {
    let amount = read_amount(transaction, "amount", None, i32::MAX as i64)?;
    let reference = transaction.req_str("reference")?;
    check_reference(
        transaction,
        "reference",
        reference,
        REFERENCE_MIN,
        REFERENCE_MAX,
    )?;
    let description = transaction.req_str("paymentDescription")?;
    transaction.check_len("paymentDescription", description, 3, 100)?;
    if let Some(summary) = transaction.opt_object("orderSummary")? {
        // The session creates the receipt itself: the same checks and sums as add_receipt.
        validate_receipt(
            &summary,
            CHECKOUT,
            Some(Expected {
                payment: amount,
                from: "transaction.amount",
            }),
        )?;
    }
    Ok(reference.to_owned())
}

/// The brands of the spec's fixed logistics options (`PostenLogisticsOption`, …).
const FIXED_OPTION_BRANDS: &[&str] = &[
    "POSTEN",
    "POSTNORD",
    "PORTERBUDDY",
    "HELTHJEM",
    "POSTI",
    "OTHER",
];

fn validate_logistics(logistics: &Fields) -> Result<()> {
    if let Some(url) = logistics.opt_str("dynamicOptionsCallback")? {
        check_url(logistics, "dynamicOptionsCallback", url)?;
    }
    for option in logistics.opt_object_array("fixedOptions")? {
        // The spec's `fixedOptions` items are a `oneOf` of one schema per brand, each fixing
        // `brand` by its `pattern` and requiring it: a brand the spec lacks (GLS, DAO and
        // INSTABOX are newer) matches no branch, so it is refused; such a carrier goes out as
        // OTHER with its `title`. The patterns are unanchored; they are read as the names.
        let brands = FIXED_OPTION_BRANDS.join(", ");
        let brand = match option.opt_str("brand")? {
            Some(b) if FIXED_OPTION_BRANDS.contains(&b) => b,
            Some(b) => {
                return Err(option.error(
                    "brand",
                    format!(
                    "must be one of {brands} (another carrier is OTHER with a title), got {b:?}"
                ),
                ))
            }
            None => {
                return Err(option.error(
                    "brand",
                    format!("is required ({brands}; another carrier is OTHER with a title)"),
                ))
            }
        };
        // Each branch's own `required`: `amount` (all but PORTERBUDDY), `title` (OTHER).
        if brand != "PORTERBUDDY" && option.opt_object("amount")?.is_none() {
            return Err(option.error("amount", format!("is required with brand {brand}")));
        }
        if brand == "OTHER" && option.opt_str("title")?.is_none() {
            return Err(option.error("title", "is required with brand OTHER"));
        }
        if let Some(id) = option.opt_str("id")? {
            option.check_len("id", id, 1, 200)?;
        }
        option.opt_i64("priority")?;
        option.opt_bool("isDefault")?;
        if option.opt_object("amount")?.is_some() {
            read_amount(&option, "amount", None, i32::MAX as i64)?;
        }
    }
    Ok(())
}

fn validate_configuration(configuration: &Fields) -> Result<()> {
    configuration.check_enum(
        "customerInteraction",
        &["CUSTOMER_PRESENT", "CUSTOMER_NOT_PRESENT"],
    )?;
    configuration.check_enum(
        "elements",
        &["Full", "PaymentAndContactInfo", "PaymentOnly"],
    )?;
    configuration.check_enum("userFlow", &["WEB_REDIRECT", "NATIVE_REDIRECT"])?;
    configuration.opt_bool("requireUserInfo")?;
    configuration.opt_bool("showOrderSummary")?;
    if let Some(countries) = configuration.opt_object("countries")? {
        if let Some(supported) = countries.opt_array("supported")? {
            crate::model::country::check_codes(&countries, "supported", supported)?;
        }
    }
    if let Some(consent) = configuration.opt_object("customConsent")? {
        consent.req_str("text")?;
        consent
            .opt_bool("required")?
            .ok_or_else(|| consent.error("required", "is required"))?;
    }
    Ok(())
}

/// An absolute http(s) URL. Plain http is the merchant's choice for its own endpoints
/// (the API decides whether to accept it), but it must be a URL, not a path.
pub fn check_url(fields: &Fields, name: &str, url: &str) -> Result<()> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace);
    if !ok {
        return Err(fields.error(
            name,
            format!("must be an absolute http(s) URL, got {:?}", shown_url(url)),
        ));
    }
    Ok(())
}

/// A URL as an error message may show it: without its query and fragment, and without user
/// info, since a plugin may put a callback token there (`?callback_token=…`) and messages are
/// shown to merchants and written to logs. What was cut is marked with `…`.
pub(crate) fn shown_url(url: &str) -> String {
    let (before_query, cut) = match url.find(['?', '#']) {
        Some(at) => (&url[..at], true),
        None => (url, false),
    };
    let (prefix, rest) = match before_query.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), before_query),
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = match authority.rsplit_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => authority.to_owned(),
    };
    let mut shown = format!("{prefix}{host}{path}");
    if cut {
        shown.push_str("?…");
    }
    shown
}

/// A phone number in MSISDN form: country code and number, digits only (`4791234567`).
pub fn check_msisdn(fields: &Fields, name: &str, phone: &str) -> Result<()> {
    if !(10..=15).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fields.error(
            name,
            "must be 10 to 15 digits with the country code and no '+' (e.g. 4791234567)",
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
        json!({
            "merchantInfo": {"callbackUrl": "https://shop.example/cb", "returnUrl": "https://shop.example/return"},
            "transaction": {"amount": {"value": 49900, "currency": "NOK"}, "reference": "acme-order-10001", "paymentDescription": "Socks",
                "orderSummary": {"orderLines": [{"name": "Socks", "id": "sku-1", "totalAmount": 49900, "totalAmountExcludingTax": 39920, "totalTaxAmount": 9980, "taxRate": 2500, "taxPercentage": 25}],
                                  "orderBottomLine": {"currency": "NOK"}}},
            "type": "PAYMENT",
            "configuration": {"elements": "Full", "countries": {"supported": ["NO", "DK"]}},
            "someFutureField": {"anything": true}
        })
    }

    fn check(body: &Value) -> Result<String> {
        validate_session_request(&Fields::new(
            body.as_object().unwrap(),
            "",
            ErrorKind::InvalidInput,
        ))
    }

    #[test]
    fn a_complete_request_passes_with_unknown_fields() {
        check(&valid()).unwrap();
    }

    #[test]
    fn each_constraint_names_its_field() {
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "/transaction/reference",
                json!("short"),
                "transaction.reference",
            ),
            (
                "/transaction/paymentDescription",
                json!("ab"),
                "transaction.paymentDescription",
            ),
            (
                "/transaction/amount/value",
                json!(499.5),
                "transaction.amount.value",
            ),
            (
                "/merchantInfo/callbackUrl",
                json!("/cb"),
                "merchantInfo.callbackUrl",
            ),
            (
                "/configuration/elements",
                json!("Everything"),
                "configuration.elements",
            ),
            (
                "/configuration/countries/supported",
                json!(["NOR"]),
                "configuration.countries.supported[0]",
            ),
            (
                "/transaction/orderSummary/orderLines",
                json!([]),
                "transaction.orderSummary.orderLines",
            ),
            ("/type", json!("DONATION"), "type"),
        ];
        for (pointer, value, field) in cases {
            let mut body = valid();
            *body
                .pointer_mut(pointer)
                .unwrap_or_else(|| panic!("{pointer}")) = value;
            let err = check(&body).unwrap_err();
            assert!(err.message.starts_with(field), "{pointer}: {}", err.message);
        }
    }

    /// Each branch of the spec's `fixedOptions` `oneOf` requires `brand` (one of its six)
    /// and its own fields: `amount` (all but PORTERBUDDY), `title` (OTHER).
    #[test]
    fn fixed_options_keep_to_a_branch_of_the_spec() {
        let with = |option: Value| {
            let mut body = valid();
            body["logistics"] = json!({"fixedOptions": [option]});
            check(&body).map_err(|e| e.message)
        };
        let free = json!({"value": 0, "currency": "NOK"});
        let refused = [
            (
                json!({"id": "a", "amount": free}),
                "logistics.fixedOptions[0].brand is required",
            ),
            (
                json!({"id": "a", "brand": "GLS", "amount": free}),
                "logistics.fixedOptions[0].brand must be one of",
            ),
            (
                json!({"id": "a", "brand": "POSTEN"}),
                "logistics.fixedOptions[0].amount is required with brand POSTEN",
            ),
            (
                json!({"id": "a", "brand": "OTHER", "amount": free}),
                "logistics.fixedOptions[0].title is required with brand OTHER",
            ),
        ];
        for (option, expected) in refused {
            let message = with(option.clone()).unwrap_err();
            assert!(message.starts_with(expected), "{option}: {message}");
        }
        with(json!({"id": "a", "brand": "PORTERBUDDY"})).unwrap();
        with(json!({"id": "a", "brand": "OTHER", "title": "GLS", "amount": free})).unwrap();
    }

    #[test]
    fn order_lines_need_a_whole_tax_percentage_as_checkout_s_spec_requires() {
        let mut body = valid();
        let line = body["transaction"]["orderSummary"]["orderLines"][0]
            .as_object_mut()
            .unwrap();
        line.remove("taxPercentage");
        // taxRate alone is Order Management's 2025 form; Checkout v3's OrderLine lacks it.
        let message = check(&body).unwrap_err().message;
        assert!(
            message.contains("taxPercentage is required by Checkout v3"),
            "{message}"
        );
        let line = body["transaction"]["orderSummary"]["orderLines"][0]
            .as_object_mut()
            .unwrap();
        line.insert("taxPercentage".into(), json!(15));
        let message = check(&body).unwrap_err().message;
        assert!(message.contains("disagree"), "{message}");
    }

    #[test]
    fn urls_in_messages_lose_their_query_and_user_info() {
        let cases = [
            ("https://shop.example/cb", "https://shop.example/cb"),
            (
                "ftp://shop.example/cb?callback_token=abc",
                "ftp://shop.example/cb?…",
            ),
            (
                "https://shop.example/c b#frag",
                "https://shop.example/c b?…",
            ),
            ("ftp://user:pw@shop.example/x", "ftp://…@shop.example/x"),
            ("shop.example/cb?t=1", "shop.example/cb?…"),
        ];
        for (url, shown) in cases {
            assert_eq!(shown_url(url), shown, "{url}");
        }
    }
}
