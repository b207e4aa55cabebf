//! The rules that tie a `CreatePaymentRequest`'s parts to its `userFlow` and payment method,
//! and the checks of the fields the API only passes through (docs/api-notes.md, "User flows,
//! profile sharing, long-living and card payments"):
//! - `paymentMethod.type: CARD` only with `userFlow: WEB_REDIRECT`;
//! - `qrFormat` only with `userFlow: QR` (the spec: "only applicable when `userFlow` is set to
//!   `QR`"; sent with another flow it would be ignored, which hides a mistake, so it is refused);
//! - `expiresAt` (checked in `validation`) needs a `receipt` (error code 6130);
//! - `receiptUrl`: an `https://` URL or a custom scheme, like `returnUrl`;
//! - `industryData.airlineData` with its four required fields; `profile.scope` space-separated
//!   names from the documented list.

use crate::error::Result;
use crate::json::input::Fields;

/// `profile.scope` values (ePayment `ProfileRequest`; the Userinfo API guide).
pub(crate) const PROFILE_SCOPES: &[&str] = &[
    "name",
    "address",
    "email",
    "phoneNumber",
    "birthDate",
    "nin",
];

/// Checks the flow-dependent rules; `flow` and the method's `type` are already valid enums.
pub(crate) fn validate_flow_rules(body: &Fields, flow: &str) -> Result<()> {
    let method = body.req_object("paymentMethod")?;
    if method.opt_str("type")? == Some("CARD") && flow != "WEB_REDIRECT" {
        return Err(method.error(
            "type",
            format!("CARD can only be combined with userFlow WEB_REDIRECT, not {flow}"),
        ));
    }
    if body.opt_object("qrFormat")?.is_some() && flow != "QR" {
        return Err(body.error(
            "qrFormat",
            format!("applies to userFlow QR only, not {flow}"),
        ));
    }
    if body.opt_str("expiresAt")?.is_some() && body.opt_object("receipt")?.is_none() {
        return Err(body.error(
            "receipt",
            "is required with expiresAt: a long-living payment needs a receipt (orderLines and bottomLine)",
        ));
    }
    if let Some(url) = body.opt_str("receiptUrl")? {
        check_url(body, "receiptUrl", url)?;
    }
    if let Some(industry) = body.opt_object("industryData")? {
        if let Some(airline) = industry.opt_object("airlineData")? {
            check_airline_data(&airline)?;
        }
    }
    if let Some(profile) = body.opt_object("profile")? {
        if let Some(scope) = profile.opt_str("scope")? {
            check_scope(&profile, scope)?;
        }
    }
    Ok(())
}

/// `https://…` or a custom scheme (`myapp://…`), as the spec allows for `receiptUrl`; plain
/// `http://` is refused.
fn check_url(body: &Fields, name: &str, url: &str) -> Result<()> {
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
    let scheme_ok = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || url.contains(char::is_whitespace) || url.len() <= scheme.len() + 3 {
        return Err(body.error(name, format!("must be an https:// URL, got {url:?}")));
    }
    if scheme.eq_ignore_ascii_case("http") {
        return Err(body.error(name, "must use https://, not http://"));
    }
    Ok(())
}

/// `industryData.airlineData` (the spec's `AirlineData`): "If present, `passengerName`,
/// `airlineCode`, `airlineDesignatorCode`, and `agencyInvoiceNumber` are all required."
fn check_airline_data(airline: &Fields) -> Result<()> {
    for (name, min, max) in [
        ("agencyInvoiceNumber", 1, 6),
        ("airlineCode", 3, 3),
        ("airlineDesignatorCode", 2, 2),
        ("passengerName", 1, 49),
    ] {
        let value = airline.req_str(name)?;
        airline.check_len(name, value, min, max)?;
    }
    if !airline
        .req_str("airlineCode")?
        .bytes()
        .all(|b| b.is_ascii_digit())
    {
        return Err(airline.error("airlineCode", "must be the IATA 3-digit code, e.g. 074"));
    }
    if let Some(ticket) = airline.opt_str("ticketNumber")? {
        airline.check_len("ticketNumber", ticket, 1, 150)?;
    }
    Ok(())
}

fn check_scope(profile: &Fields, scope: &str) -> Result<()> {
    if scope.split_whitespace().next().is_none() {
        return Err(profile.error("scope", "must name at least one of the profile scopes"));
    }
    for name in scope.split_whitespace() {
        if !PROFILE_SCOPES.contains(&name) {
            return Err(profile.error(
                "scope",
                format!(
                    "has {name:?}, not one of {} (space-separated)",
                    PROFILE_SCOPES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::epayment::validation::validate_create_payment;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    fn check(body: &Value) -> Result<String> {
        validate_create_payment(&Fields::new(
            body.as_object().unwrap(),
            "",
            ErrorKind::InvalidInput,
        ))
    }

    fn base(flow: &str) -> Value {
        json!({"amount": {"value": 1000, "currency": "NOK"}, "paymentMethod": {"type": "WALLET"},
               "reference": "flow-order-1", "userFlow": flow, "returnUrl": "https://shop.example/r",
               "customer": {"phoneNumber": "4791234567"}})
    }

    /// Epoch seconds as RFC 3339 (the simulator's formatter, a dev-dependency).
    fn rfc3339(secs: i64) -> String {
        vipps_sim::timefmt::rfc3339_ms(secs * 1000)
    }

    fn message(body: &Value) -> String {
        check(body).unwrap_err().message
    }

    #[test]
    fn card_is_web_redirect_only() {
        let mut b = base("WEB_REDIRECT");
        b["paymentMethod"]["type"] = json!("CARD");
        check(&b).unwrap();
        for flow in ["QR", "PUSH_MESSAGE", "NATIVE_REDIRECT"] {
            b["userFlow"] = json!(flow);
            assert!(message(&b).starts_with("paymentMethod.type"), "{flow}");
        }
    }

    #[test]
    fn qr_format_only_with_qr() {
        let mut b = base("QR");
        b["qrFormat"] = json!({"format": "IMAGE/PNG", "size": 300});
        check(&b).unwrap();
        b["userFlow"] = json!("WEB_REDIRECT");
        assert!(message(&b).starts_with("qrFormat applies to userFlow QR only"));
    }

    #[test]
    fn expires_at_needs_a_receipt() {
        let in_an_hour = rfc3339(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
                + 3600,
        );
        let mut b = base("PUSH_MESSAGE");
        b["expiresAt"] = json!(in_an_hour);
        assert!(message(&b).starts_with("receipt is required with expiresAt"));
        b["receipt"] = json!({"orderLines": [], "bottomLine": {"currency": "NOK"}});
        check(&b).unwrap();
        b["userFlow"] = json!("WEB_REDIRECT");
        assert!(message(&b).starts_with("expiresAt can only be combined"));
    }

    #[test]
    fn pass_through_fields_are_checked() {
        let cases = [
            ("receiptUrl", json!("http://shop.example/r"), "receiptUrl"),
            ("receiptUrl", json!("not a url"), "receiptUrl"),
            ("industryData", json!("airline"), "industryData"),
            (
                "industryData",
                json!({"airlineData": {"airlineCode": "074"}}),
                "industryData.airlineData.agencyInvoiceNumber",
            ),
            (
                "industryData",
                json!({"airlineData": {"agencyInvoiceNumber": "1", "airlineCode": "KLM",
                                       "airlineDesignatorCode": "KL", "passengerName": "A"}}),
                "industryData.airlineData.airlineCode",
            ),
            (
                "profile",
                json!({"scope": "name shoeSize"}),
                "profile.scope",
            ),
            ("profile", json!({"scope": " "}), "profile.scope"),
            ("customerInteraction", json!("MAYBE"), "customerInteraction"),
        ];
        for (field, value, named) in cases {
            let mut b = base("WEB_REDIRECT");
            b[field] = value;
            assert!(message(&b).starts_with(named), "{field}: {}", message(&b));
        }
        let mut b = base("WEB_REDIRECT");
        b["receiptUrl"] = json!("myapp://receipt/1");
        b["industryData"] = json!({"airlineData": {"agencyInvoiceNumber": "1", "airlineCode": "074",
            "airlineDesignatorCode": "KL", "passengerName": "LOVELACE ADA MRS"}});
        b["profile"] = json!({"scope": "name email address phoneNumber birthDate"});
        b["customerInteraction"] = json!("CUSTOMER_PRESENT");
        b["metadata"] = json!({"orderId": "1"});
        check(&b).unwrap();
    }
}
