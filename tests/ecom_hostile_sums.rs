//! A hostile eCom `/details` answer whose amounts cannot be summed (two captures near i64::MAX,
//! a summary amount at i64::MIN) must not panic nor wrap into a plausible number: the order's
//! status is unreadable, reported as an error that says so, never `failed` (typed core, money
//! defect a: the sums used plain `+` and `.sum()`).

mod common;

use common::misbehaving::{Reply, Server};
use serde_json::{json, Value};
use vipps::ErrorKind;

fn entry(operation: &str, amount: i64) -> Value {
    json!({"operation": operation, "amount": amount, "operationSuccess": true,
           "transactionText": "t", "timeStamp": "2024-05-02T10:00:00Z", "transactionId": "1"})
}

/// A server answering every `/details` with `details` and every capture with a success.
fn server(details: Value) -> Server {
    Server::start(move |arrival| {
        if arrival.path.starts_with("/accesstoken") {
            Reply::token()
        } else if arrival.path.ends_with("/capture") {
            Reply::json(
                200,
                json!({"orderId": "hostile-1", "transactionInfo": {"amount": 100,
                       "status": "Captured", "transactionId": "2"}}),
            )
        } else {
            Reply::json(200, details.clone())
        }
    })
}

fn hostile_answers() -> Vec<(&'static str, Value)> {
    let near_max = i64::MAX - 10;
    vec![
        (
            "two captures near i64::MAX, no summary",
            json!({"orderId": "hostile-1", "transactionLogHistory": [
                entry("CAPTURE", near_max), entry("CAPTURE", near_max),
                entry("RESERVE", 1000), entry("INITIATE", 1000)]}),
        ),
        (
            "two refunds near i64::MAX, no summary",
            json!({"orderId": "hostile-1", "transactionLogHistory": [
                entry("REFUND", near_max), entry("REFUND", near_max), entry("CAPTURE", 1000),
                entry("RESERVE", 1000), entry("INITIATE", 1000)]}),
        ),
        (
            "a sale and a capture near i64::MAX, no summary",
            json!({"orderId": "hostile-1", "transactionLogHistory": [
                entry("CAPTURE", near_max), entry("SALE", near_max), entry("INITIATE", 1000)]}),
        ),
        (
            "a summary captured amount of i64::MIN after a cancel",
            json!({"orderId": "hostile-1", "transactionLogHistory": [
                entry("CANCEL", 1000), entry("RESERVE", 1000), entry("INITIATE", 1000)],
                "transactionSummary": {"capturedAmount": i64::MIN, "refundedAmount": 0}}),
        ),
    ]
}

#[test]
fn an_unsummable_details_answer_is_an_unreadable_status_not_a_panic_nor_a_number() {
    for (what, details) in hostile_answers() {
        let server = server(details);
        let client = server.client(2000, json!({}));
        let request = json!({"reference": "hostile-1", "api": "ecom"});
        let error = client.get_payment(&request).expect_err(what);
        assert_eq!(error.kind, ErrorKind::Api, "{what}: {error:?}");
        assert!(error.retryable, "{what}: {error:?}");
        assert!(
            error
                .message
                .contains("not a whole number of minor units in range"),
            "{what}: {}",
            error.message
        );
        let error = client.reconcile(&request).expect_err(what);
        assert_eq!(error.kind, ErrorKind::Api, "{what}: {error:?}");
    }
}

#[test]
fn a_capture_followed_by_an_unsummable_details_answer_reports_the_read_beside_the_capture() {
    for (what, details) in hostile_answers() {
        let server = server(details);
        let client = server.client(2000, json!({}));
        let request = json!({"reference": "hostile-1", "api": "ecom", "amount": 100,
                             "idempotency_key": "capture-key-1"});
        let answer = client
            .capture(&request)
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(answer["normalized"], Value::Null, "{what}: {answer}");
        let message = answer["normalized_error"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains("not a whole number of minor units in range"),
            "{what}: {answer}"
        );
    }
}
