//! ePayment's domain error codes (`extraDetails: [{"name":"ErrorCode","reason":"6090"}]`),
//! explained for the merchant who reads them, with the right kind and whether the same call
//! (with the same `Idempotency-Key`) may succeed later.
//!
//! One table, [`CODES`]; the source of every row is in `docs/api-notes.md` (the ePayment API
//! guide's error page, 2025–2026). The README's "ePayment error codes" section shows the same
//! table and a test checks that the two agree.

use crate::error::{Error, ErrorKind};
use serde_json::Value;

/// One documented code.
pub struct Code {
    pub code: &'static str,
    /// The documented title, named in the message next to the API's own (titles are reworded
    /// over time, so the API's text is kept too).
    pub title: &'static str,
    pub kind: ErrorKind,
    pub retryable: bool,
    pub explanation: &'static str,
}

const fn code(
    code: &'static str,
    title: &'static str,
    kind: ErrorKind,
    retryable: bool,
    explanation: &'static str,
) -> Code {
    Code {
        code,
        title,
        kind,
        retryable,
        explanation,
    }
}

use ErrorKind::{Api, Conflict, NotFound};

/// Every code the ePayment docs list. `retryable` is true only where the same request may
/// succeed later unchanged: an internal error and "order processing" (another operation holds
/// the payment). Everything else needs a different request, another payment or the merchant.
pub const CODES: &[Code] = &[
    code("3010", "Internal error", Api, true, "Vipps MobilePay had an internal error; retry with the same idempotency key, and if it persists check the request and the status page."),
    code("4010", "Capture idempotency conflict", Conflict, false, "This idempotency key was used for a capture with a different body: a retry must repeat the request exactly."),
    code("4020", "Idempotency error", Conflict, false, "This idempotency key was already used: a new operation needs a new key."),
    code("4040", "Invalid amount", Api, false, "The amount is not valid: amounts are whole numbers in minor units (øre, cent)."),
    code("4050", "Invalid CustomerToken", Api, false, "The customer token from the personal QR code is not valid."),
    code("4060", "Invalid PersonalQr", Api, false, "The personal QR code is not valid."),
    code("4070", "Invalid phone number", Api, false, "The phone number is not valid: give country code and number, without + or spaces."),
    code("4080", "Invalid scope", Api, false, "The requested profile scope is not valid: check profile.scope."),
    code("4090", "Invalid URL", Api, false, "A URL in the request is not valid: returnUrl and callback URLs must be valid https URLs."),
    code("4100", "Metadata capacity exceeded", Api, false, "The payment has more metadata entries than allowed."),
    code("4110", "Metadata duplicate keys not allowed", Api, false, "The metadata has the same key twice."),
    code("4120", "Metadata key length exceeded", Api, false, "A metadata key is too long."),
    code("4130", "Metadata value length exceeded", Api, false, "A metadata value is too long."),
    code("4140", "Missing required parameter", Api, false, "A field this payment flow needs is missing."),
    code("4150", "Reference exists or refund idempotency conflict", Conflict, false, "This reference is already used by another payment, or a refund was retried with a different body: a new payment needs a new reference, a retry the same body."),
    code("5010", "Blocking sources not applicable", Api, false, "Blocking payment sources is available for Danish and Finnish sales units only."),
    code("5020", "Express payment not allowed", Api, false, "This sales unit is not enabled for Express payments; the merchant must ask Vipps MobilePay."),
    code("5030", "Illegal scope", Api, false, "This sales unit may not ask for that profile information; the merchant must ask Vipps MobilePay."),
    code("5040", "Invalid currency for merchant", Api, false, "The currency does not match the sales unit's market."),
    code("5050", "Long-living payment not allowed", Api, false, "This sales unit may not use expiresAt (long-living payments); the merchant must ask Vipps MobilePay."),
    code("5060", "Merchant bank account not verified", Api, false, "The merchant's bank account is not verified yet, so payments cannot be received."),
    code("5070", "Payment cannot be created", Api, false, "The payment cannot be created for this sales unit in its current setup."),
    code("5080", "PUSH_MESSAGE not allowed", Api, false, "This sales unit may not use the PUSH_MESSAGE flow; the merchant must ask Vipps MobilePay."),
    code("5090", "Reference not found", NotFound, false, "No payment with this reference exists for this merchant serial number."),
    code("5100", "Refund not possible", Api, false, "Refunds are not possible for this sales unit's setup; contact Vipps MobilePay."),
    code("6010", "Amount too small", Api, false, "The amount is below the smallest amount allowed for the currency."),
    code("6020", "Attempted refund before reservation", Api, false, "Nothing can be refunded yet: the payment has no captured amount."),
    code("6030", "Cancel period expired", Api, false, "The payment can no longer be cancelled: cancel is possible only within the reservation period."),
    code("6040", "Cannot cancel a captured payment", Api, false, "The payment is fully captured and cannot be cancelled: refund it instead."),
    code("6050", "Cannot cancel a non-reserved payment", Api, false, "The payment is not reserved, so there is nothing to cancel."),
    code("6060", "Cannot cancel authorized payment", Api, false, "The customer has already approved: a cancel of the transaction only is no longer possible."),
    code("6070", "Cannot capture a cancelled payment", Api, false, "The payment was cancelled, so nothing more can be captured."),
    code("6080", "Cannot capture before reservation", Api, false, "The customer has not approved the payment yet: capture after it is authorized."),
    code("6090", "Capture amount too high", Api, false, "The capture is larger than what is reserved and not yet captured or cancelled."),
    code("6100", "Capture period expired", Api, false, "The reservation has expired: the money can no longer be captured."),
    code("6110", "Expiration date is too late", Api, false, "expiresAt is too far ahead."),
    code("6120", "Expiration date is too soon", Api, false, "expiresAt must be at least 10 minutes ahead."),
    code("6130", "Long living payments require a receipt", Api, false, "A payment with expiresAt needs a receipt."),
    code("6140", "Must capture full amount", Api, false, "This payment cannot be captured partly: capture the full amount."),
    code("6150", "Not enough refundable", Api, false, "The refund is larger than what was captured and not yet refunded."),
    code("6160", "Order processing", Api, true, "Another operation on this payment is in progress; retry shortly with the same idempotency key."),
    code("6170", "Payment already captured", Api, false, "The payment has already been captured."),
    code("6180", "Payment already refunded", Api, false, "The payment has already been refunded."),
    code("6190", "Payment cannot be cancelled", Api, false, "The payment cannot be cancelled in its current state."),
    code("6200", "Payment cannot be captured", Api, false, "The payment cannot be captured in its current state."),
    code("6210", "Payment cannot be refunded", Api, false, "The payment cannot be refunded in its current state."),
    code("6220", "Refund period expired", Api, false, "The payment can no longer be refunded: refunds are possible within 365 days."),
    code("6230", "Payment is already reserved", Api, false, "The payment with this reference has already been approved."),
    code("7010", "Customer not found", Api, false, "No customer can pay with this phone number; do not tell the customer the number is wrong, offer another way to pay."),
    code("10010", "Approve failed", Api, false, "Test environment: the forced approval failed."),
    code("10020", "Approve not allowed", Api, false, "Test environment: this payment cannot be approved by the test endpoint."),
    code("10030", "Identification required", Api, false, "Test environment: the test user must be identified first."),
    code("10040", "Invalid payment source", Api, false, "Test environment: the test user's payment source is not valid."),
    code("10050", "No cards", Api, false, "Test environment: the test user has no card; add one in the app."),
    code("10060", "Operation not supported", Api, false, "Test environment: this operation is not supported."),
    code("10070", "Payment limit exceeded", Api, false, "Test environment: the test user's payment limit is exceeded."),
];

/// The row for a code, if the docs list it.
pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// Rewrites an API error whose problem body carries an ePayment `ErrorCode` in `extraDetails`:
/// the code's kind and retryability, and the explanation added to the message (the API's own
/// title and detail stay in it). Errors without a known code are returned unchanged.
pub fn explain(mut error: Error) -> Error {
    let Some(reason) = error.problem.as_deref().and_then(error_code) else {
        return error;
    };
    if let Some(known) = lookup(&reason) {
        error.kind = known.kind;
        error.retryable = known.retryable;
        error.message = format!(
            "{} [ePayment error {reason}, {}: {}]",
            error.message, known.title, known.explanation
        );
        error.error_code = Some(reason);
    }
    error
}

/// The ePayment error code of a problem body: a text or a number (anything else is no code).
fn error_code(problem: &Value) -> Option<String> {
    match crate::http::problem::extra_details_error_code(problem)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem_error(status: u16, code: &str) -> Error {
        let mut error = Error::new(
            ErrorKind::Api,
            "capturing payment x failed with HTTP 400: Raw title",
        );
        error.http_status = Some(status);
        error.problem = Some(Box::new(json!({
            "type": "https://httpstatuses.io/400", "title": "Raw title", "status": status,
            "extraDetails": [{"name": "ErrorCode", "reason": code}]
        })));
        error
    }

    #[test]
    fn every_code_is_unique_numeric_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for row in CODES {
            assert!(seen.insert(row.code), "{} twice", row.code);
            assert!(row.code.len() >= 4 && row.code.chars().all(|c| c.is_ascii_digit()));
            assert!(row.explanation.ends_with('.'), "{}", row.code);
            let error = explain(problem_error(400, row.code));
            assert_eq!(error.kind, row.kind, "{}", row.code);
            assert_eq!(error.retryable, row.retryable, "{}", row.code);
            assert!(error.message.contains(row.explanation), "{}", error.message);
            assert!(error.message.contains("Raw title"), "the API's text stays");
            assert_eq!(error.error_code.as_deref(), Some(row.code));
        }
        assert_eq!(
            CODES.len(),
            56,
            "the documented list: 1 + 14 + 10 + 23 + 1 + 7"
        );
    }

    #[test]
    fn the_readme_shows_this_table() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        for row in CODES {
            let line = format!(
                "| `{}` | {} | `{}` | {} | {} |",
                row.code,
                row.title,
                row.kind.as_str(),
                if row.retryable { "yes" } else { "no" },
                row.explanation
            );
            assert!(readme.contains(&line), "README lacks: {line}");
        }
    }

    #[test]
    fn kinds_and_retry_follow_the_code() {
        assert_eq!(
            explain(problem_error(409, "4150")).kind,
            ErrorKind::Conflict
        );
        assert_eq!(
            explain(problem_error(404, "5090")).kind,
            ErrorKind::NotFound
        );
        assert!(explain(problem_error(400, "6160")).retryable);
        assert!(explain(problem_error(500, "3010")).retryable);
        assert!(!explain(problem_error(400, "6090")).retryable);
    }

    #[test]
    fn unknown_codes_and_other_shapes_are_left_alone() {
        let unknown = problem_error(400, "9999");
        assert_eq!(explain(unknown.clone()), unknown);
        let mut field_error = Error::new(ErrorKind::Api, "bad");
        field_error.problem = Some(Box::new(
            json!({"extraDetails": [{"name": "reference", "reason": "too short"}]}),
        ));
        assert_eq!(explain(field_error.clone()), field_error);
        let ecom = Error::new(ErrorKind::Api, "x");
        assert_eq!(explain(ecom.clone()), ecom);
    }

    #[test]
    fn numeric_reasons_are_read_too() {
        let mut error = problem_error(400, "x");
        error.problem = Some(Box::new(
            json!({"extraDetails": [{"name": "ErrorCode", "reason": 6080}]}),
        ));
        assert_eq!(explain(error).error_code.as_deref(), Some("6080"));
    }
}
