//! eCom v2 error codes, explained for the merchant who reads them, with the right kind and
//! whether the same call (with the same X-Request-Id) may succeed later.

use crate::error::{Error, ErrorKind};
use serde_json::Value;

struct Code {
    code: &'static str,
    kind: ErrorKind,
    retryable: bool,
    explanation: &'static str,
}

const fn code(
    code: &'static str,
    kind: ErrorKind,
    retryable: bool,
    explanation: &'static str,
) -> Code {
    Code {
        code,
        kind,
        retryable,
        explanation,
    }
}

use ErrorKind::{Api, Conflict, NotFound, RateLimited};

/// The documented codes (vipps-api-notes §5, the eCom guide's error table).
const CODES: &[Code] = &[
    code(
        "31",
        Api,
        false,
        "The merchant is blocked by Vipps MobilePay; contact them.",
    ),
    code(
        "32",
        Api,
        false,
        "The merchant's receiving limit is exceeded.",
    ),
    code(
        "33",
        RateLimited,
        true,
        "Too many payment requests for this merchant right now; try again later.",
    ),
    code(
        "34",
        Conflict,
        false,
        "This order id was used before: every payment needs a new order id.",
    ),
    code(
        "35",
        NotFound,
        false,
        "No order with this id exists for this merchant serial number.",
    ),
    code("36", Api, false, "The merchant agreement is not signed."),
    code(
        "37",
        Api,
        false,
        "The merchant is not available, or deactivated.",
    ),
    code(
        "38",
        Api,
        false,
        "This sales unit may not skip the landing page.",
    ),
    code(
        "39",
        Api,
        false,
        "This sales unit may not make long-living payment requests.",
    ),
    code(
        "41",
        Api,
        false,
        "The customer has no valid card in the app.",
    ),
    code("42", Api, false, "The card issuer refused the payment."),
    code(
        "43",
        Api,
        false,
        "The card issuer refused the payment: invalid amount.",
    ),
    code(
        "44",
        Api,
        false,
        "The card issuer refused the payment: the card has expired.",
    ),
    code(
        "45",
        Api,
        false,
        "The reservation failed for an unknown reason (usually a timeout at the issuer).",
    ),
    code(
        "51",
        Api,
        false,
        "A captured order cannot be cancelled: refund it instead.",
    ),
    code(
        "52",
        Api,
        true,
        "The cancellation failed; try again with the same request id.",
    ),
    code(
        "53",
        Api,
        false,
        "The order cannot be cancelled because it is not reserved.",
    ),
    code(
        "61",
        Api,
        false,
        "The capture is larger than what is reserved and not yet captured.",
    ),
    code(
        "62",
        Api,
        false,
        "The order cannot be captured before the customer has approved it.",
    ),
    code(
        "63",
        Api,
        true,
        "The capture failed; try again with the same request id.",
    ),
    code(
        "71",
        Api,
        false,
        "The refund is larger than what was captured and not yet refunded.",
    ),
    code(
        "72",
        Api,
        false,
        "A reserved (not captured) order cannot be refunded: cancel it instead.",
    ),
    code("73", Api, false, "A cancelled order cannot be refunded."),
    code(
        "74",
        Api,
        true,
        "The refund could not be debited from the merchant; try again later.",
    ),
    code(
        "81",
        Api,
        false,
        "The customer's phone number is unknown to Vipps MobilePay, or malformed.",
    ),
    code(
        "82",
        Api,
        false,
        "The customer's app version is not supported.",
    ),
    code(
        "91",
        Api,
        false,
        "This operation is not allowed for the order in its current state.",
    ),
    code(
        "92",
        Api,
        false,
        "This transaction has already been processed.",
    ),
    code(
        "93",
        Conflict,
        false,
        "The request id was used before with a different request body.",
    ),
    code(
        "94",
        Api,
        true,
        "The order is locked by another operation in progress; retry with the same request id.",
    ),
    code(
        "95",
        Api,
        false,
        "The refund is too late (more than 365 days), or a direct capture is not allowed.",
    ),
    code(
        "97",
        Api,
        false,
        "This sales unit is not allowed to make payments.",
    ),
    code(
        "98",
        RateLimited,
        true,
        "Too many concurrent requests (or a capture more than 180 days after reservation).",
    ),
    code(
        "99",
        Api,
        true,
        "An internal error at Vipps MobilePay; try again with the same request id.",
    ),
    code(
        "1082",
        Api,
        false,
        "The test user is not verified with BankID.",
    ),
];

/// Rewrites an API error whose body is the eCom error array: a merchant-readable message, the
/// code's kind and retryability. Errors in other shapes are returned unchanged.
pub fn explain(mut error: Error) -> Error {
    let Some(first) = error
        .problem
        .as_deref()
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .cloned()
    else {
        return error;
    };
    let text = |name: &str| match first.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (code, api_message, group, context) = (
        text("errorCode"),
        text("errorMessage"),
        text("errorGroup"),
        text("contextId"),
    );
    if let Some(known) = CODES.iter().find(|c| c.code == code) {
        error.kind = known.kind;
        error.retryable = known.retryable;
        error.message = format!(
            "{} (eCom error {code}, {group}: {api_message})",
            known.explanation
        );
    } else {
        error.message = format!("{api_message} (eCom error {code}, {group})");
    }
    error.error_code = Some(code);
    if error.trace_id.is_none() && !context.is_empty() {
        // eCom has no trace id; its contextId is what support asks for.
        error.trace_id = Some(context);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ecom_error(code: &str, message: &str) -> Error {
        let mut error = Error::new(ErrorKind::Api, "raw");
        error.http_status = Some(400);
        error.problem = Some(Box::new(
            json!([{"errorGroup": "Payment", "errorCode": code, "errorMessage": message, "contextId": "ctx-1"}]),
        ));
        error
    }

    #[test]
    fn every_documented_code_from_31_to_99_is_explained() {
        let documented = [
            "31", "32", "33", "34", "35", "36", "37", "38", "39", "41", "42", "43", "44", "45",
            "51", "52", "61", "62", "63", "71", "72", "73", "74", "81", "82", "91", "92", "93",
            "94", "95", "97", "98", "99",
        ];
        for code in documented {
            let error = explain(ecom_error(code, "api says"));
            assert!(
                !error.message.starts_with("api says"),
                "{code} has no explanation"
            );
            assert_eq!(error.error_code.as_deref(), Some(code));
            assert_eq!(error.trace_id.as_deref(), Some("ctx-1"));
        }
    }

    #[test]
    fn kinds_and_retry_follow_the_code() {
        let locked = explain(ecom_error("94", "Order locked"));
        assert!(locked.retryable);
        assert!(locked.message.contains("retry with the same request id"));
        let over = explain(ecom_error(
            "61",
            "Captured amount exceeds the reserved amount",
        ));
        assert!(!over.retryable);
        assert_eq!(over.kind, ErrorKind::Api);
        assert_eq!(explain(ecom_error("35", "x")).kind, ErrorKind::NotFound);
        assert_eq!(explain(ecom_error("93", "x")).kind, ErrorKind::Conflict);
        let unknown = explain(ecom_error("4711", "Something new"));
        assert!(unknown.message.starts_with("Something new"));
    }

    #[test]
    fn other_shapes_are_left_alone() {
        let mut error = Error::new(ErrorKind::Unauthorized, "denied");
        error.problem = Some(Box::new(
            json!({"statusCode": 401, "message": "Access denied"}),
        ));
        assert_eq!(explain(error.clone()), error);
    }
}
