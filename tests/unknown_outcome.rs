//! A money call whose 2xx answer cannot be read has an unknown outcome: the money may have
//! moved. It must say `unknown_outcome`, retryable, with the idempotency key to retry with,
//! and a retry with that key must not move the money twice (issue 15, defect 2).
//!
//! The simulator's `process_then_respond` fault processes the request, then sends a mangled
//! answer instead of the real one; its ledger shows what really happened.

mod common;

use common::receiver::{Captured, Receiver};
use common::{payment_request, reference as unique, session_request, Harness};
use serde_json::{json, Value};
use std::sync::Arc;
use vipps::{Client, Error, ErrorKind};

fn nok(value: i64) -> Value {
    json!({"value": value, "currency": "NOK"})
}

/// The mangled 2xx answers a proxy or a broken connection can produce.
fn mangled_answers() -> Vec<(&'static str, Value)> {
    vec![
        (
            "an HTML page",
            json!({"status": 200, "body": "<html><body>Gateway says hi</body></html>",
                   "headers": {"content-type": "text/html"}}),
        ),
        ("an empty body", json!({"status": 200})),
        (
            "a truncated body",
            json!({"status": 200, "body": "{\"amount\": {\"value\": 30"}),
        ),
        (
            "JSON that is not an object",
            json!({"status": 200, "body": [1, 2]}),
        ),
        (
            "an object without a state",
            json!({"status": 200, "body": {}}),
        ),
    ]
}

fn mangle(h: &Harness, method: &str, path: &str, answer: &Value) {
    let mut fault = answer.clone();
    fault["method"] = json!(method);
    fault["path"] = json!(path);
    fault["action"] = json!("process_then_respond");
    h.fault(fault);
}

fn assert_unknown(error: &Error, key: &str, what: &str) {
    assert_eq!(error.kind, ErrorKind::UnknownOutcome, "{what}: {error:?}");
    assert!(error.retryable, "{what}: {error:?}");
    assert_eq!(error.idempotency_key.as_deref(), Some(key), "{what}");
    assert_eq!(error.http_status, Some(200), "{what}: {error:?}");
    let message = &error.message;
    assert!(message.contains("200"), "{what}: {message}");
    assert!(
        message.contains("may have been carried out"),
        "{what}: {message}"
    );
    assert!(
        message.contains("same idempotency key"),
        "{what}: {message}"
    );
    let json = error.to_json();
    assert_eq!(json["kind"], "unknown_outcome");
    assert_eq!(json["retryable"], true);
    assert_eq!(json["idempotency_key"], key);
}

/// A client whose callback tokens are derived (`callback_secret`), so a retry of a create
/// sends the same body; a random token would differ, and the API would refuse the key.
fn client(h: &Harness) -> Client {
    h.client_with(json!({"callback_secret": "a-secret-for-derived-tokens"}))
}

fn authorized(h: &Harness, client: &Client, prefix: &str, value: i64) -> String {
    let reference = unique(prefix);
    client
        .create_payment(&payment_request(&reference, value))
        .unwrap();
    h.approve(&reference);
    reference
}

#[test]
fn an_unreadable_capture_answer_is_unknown_and_the_same_key_captures_once() {
    let h = Harness::start();
    let client = client(&h);
    for (i, (what, answer)) in mangled_answers().into_iter().enumerate() {
        let reference = authorized(&h, &client, "uo-capture", 10000);
        let key = format!("capture-key-{i}");
        mangle(&h, "POST", "/epayment/v1/payments/*/capture", &answer);
        let request = json!({"reference": reference, "amount": nok(3000), "idempotency_key": key});
        let error = client.capture(&request).expect_err(what);
        assert_unknown(&error, &key, what);
        assert_eq!(
            h.ledger_entry(&reference)["captures"],
            json!([3000]),
            "{what}"
        );

        // The operator's retry with the same key: the API replays, nothing moves twice.
        let retried = client.capture(&request).unwrap();
        assert_eq!(
            retried["normalized"]["status"], "partially_captured",
            "{what}"
        );
        assert_eq!(retried["normalized"]["captured"], 3000, "{what}");
        assert_eq!(
            h.ledger_entry(&reference)["captures"],
            json!([3000]),
            "{what}"
        );
    }
}

#[test]
fn unreadable_refund_cancel_and_create_answers_are_unknown() {
    let h = Harness::start();
    let client = client(&h);
    let answers = mangled_answers();

    let reference = authorized(&h, &client, "uo-refund", 10000);
    client
        .capture(&json!({"reference": reference, "amount": nok(10000)}))
        .unwrap();
    for (i, (what, answer)) in answers.iter().enumerate() {
        let key = format!("refund-key-{i}");
        mangle(&h, "POST", "/epayment/v1/payments/*/refund", answer);
        let request = json!({"reference": reference, "amount": nok(1000), "idempotency_key": key});
        assert_unknown(&client.refund(&request).unwrap_err(), &key, what);
        client.refund(&request).unwrap();
    }
    assert_eq!(
        h.ledger_entry(&reference)["refunds"],
        json!([1000, 1000, 1000, 1000, 1000]),
        "one refund per key"
    );

    for (i, (what, answer)) in answers.iter().enumerate() {
        let reference = authorized(&h, &client, "uo-cancel", 10000);
        let key = format!("cancel-key-{i}");
        mangle(&h, "POST", "/epayment/v1/payments/*/cancel", answer);
        let request = json!({"reference": reference, "idempotency_key": key});
        assert_unknown(&client.cancel(&request).unwrap_err(), &key, what);
        assert_eq!(h.ledger_entry(&reference)["cancelled"], 10000, "{what}");
        let retried = client.cancel(&request).unwrap();
        assert_eq!(retried["normalized"]["status"], "cancelled", "{what}");
    }

    // An object is enough for a create (its answer has no state); the rest is unreadable.
    for (i, (what, answer)) in answers.iter().take(4).enumerate() {
        let reference = unique("uo-create");
        let key = format!("create-key-{i}");
        mangle(&h, "POST", "/epayment/v1/payments", answer);
        let mut request = payment_request(&reference, 5000);
        request["idempotency_key"] = json!(key);
        assert_unknown(&client.create_payment(&request).unwrap_err(), &key, what);
        assert_eq!(
            h.ledger_entry(&reference)["amount"],
            5000,
            "{what}: created"
        );
        let retried = client.create_payment(&request).unwrap();
        assert!(retried["redirectUrl"].is_string(), "{what}: {retried}");
    }

    for (i, (what, answer)) in answers.iter().take(4).enumerate() {
        let reference = unique("uo-session");
        let key = format!("session-key-{i}");
        mangle(&h, "POST", "/checkout/v3/session", answer);
        let mut request = session_request(&reference, 5000);
        request["idempotency_key"] = json!(key);
        let error = client.create_session(&request).unwrap_err();
        assert_unknown(&error, &key, what);
        assert!(error.message.contains("get_session"), "{}", error.message);
        // Checkout has no idempotency on create: the retry says the session exists.
        let retried = client.create_session(&request).unwrap_err();
        assert_eq!(retried.kind, ErrorKind::Conflict, "{what}: {retried:?}");
        let session = client
            .get_session(&json!({"reference": reference}))
            .unwrap();
        assert_eq!(
            session["normalized"]["status"], "pending",
            "{what}: {session}"
        );
    }
}

fn ecom_order(client: &Client, prefix: &str, amount: i64) -> String {
    let order_id = unique(prefix);
    client
        .ecom_initiate(&json!({
            "customerInfo": {"mobileNumber": "91234567"},
            "merchantInfo": {"callbackPrefix": "https://shop.example/vipps", "fallBack": "https://shop.example/return"},
            "transaction": {"amount": amount, "orderId": order_id, "transactionText": "One pair of socks"}
        }))
        .unwrap();
    client
        .force_approve(
            &json!({"reference": order_id, "api": "ecom", "customerPhoneNumber": "91234567"}),
        )
        .unwrap();
    order_id
}

#[test]
fn unreadable_ecom_answers_are_unknown_and_the_same_key_moves_money_once() {
    let h = Harness::start();
    let client = client(&h);
    // eCom answers carry no state of their own: an object is readable, the rest is not.
    let answers: Vec<_> = mangled_answers().into_iter().take(4).collect();
    for (i, (what, answer)) in answers.iter().enumerate() {
        let order_id = ecom_order(&client, "uo-ecap", 20000);
        let key = format!("ecom-capture-{i}");
        mangle(&h, "POST", "/ecomm/v2/payments/*/capture", answer);
        let request =
            json!({"reference": order_id, "api": "ecom", "amount": 5000, "idempotency_key": key});
        assert_unknown(&client.capture(&request).unwrap_err(), &key, what);
        assert_eq!(h.ledger_entry(&order_id)["captured"], 5000, "{what}");
        let retried = client.capture(&request).unwrap();
        assert_eq!(retried["normalized"]["captured"], 5000, "{what}");
        assert_eq!(h.ledger_entry(&order_id)["captured"], 5000, "{what}");

        let key = format!("ecom-refund-{i}");
        mangle(&h, "POST", "/ecomm/v2/payments/*/refund", answer);
        let request =
            json!({"reference": order_id, "api": "ecom", "amount": 1000, "idempotency_key": key});
        assert_unknown(&client.refund(&request).unwrap_err(), &key, what);
        client.refund(&request).unwrap();
        assert_eq!(h.ledger_entry(&order_id)["refunded"], 1000, "{what}");

        let order_id = ecom_order(&client, "uo-ecancel", 20000);
        let key = format!("ecom-cancel-{i}");
        mangle(&h, "PUT", "/ecomm/v2/payments/*/cancel", answer);
        let request = json!({"reference": order_id, "api": "ecom", "idempotency_key": key});
        assert_unknown(&client.cancel(&request).unwrap_err(), &key, what);
        let retried = client.cancel(&request).unwrap();
        assert_eq!(retried["normalized"]["status"], "cancelled", "{what}");

        let order_id = unique("uo-einit");
        let key = format!("ecom-initiate-{i}");
        mangle(&h, "POST", "/ecomm/v2/payments", answer);
        let request = json!({
            "customerInfo": {"mobileNumber": "91234567"},
            "merchantInfo": {"callbackPrefix": "https://shop.example/vipps", "fallBack": "https://shop.example/return"},
            "transaction": {"amount": 3000, "orderId": order_id, "transactionText": "Socks"},
            "idempotency_key": key,
        });
        assert_unknown(&client.ecom_initiate(&request).unwrap_err(), &key, what);
        let retried = client.ecom_initiate(&request).unwrap();
        assert!(retried["url"].is_string(), "{what}: {retried}");
    }
}

#[test]
fn a_capture_whose_status_read_fails_still_succeeded_and_never_says_failed() {
    let h = Harness::start();
    let client = client(&h);
    let order_id = ecom_order(&client, "uo-edetails", 20000);
    // The capture answer is fine; the follow-up /details read is not.
    mangle(
        &h,
        "GET",
        "/ecomm/v2/payments/*/details",
        &json!({"status": 200}),
    );
    let captured = client
        .capture(&json!({"reference": order_id, "api": "ecom", "amount": 5000}))
        .unwrap();
    assert_eq!(captured["normalized"], Value::Null, "{captured}");
    assert_eq!(
        captured["normalized_error"]["retryable"], true,
        "{captured}"
    );
    assert_eq!(h.ledger_entry(&order_id)["captured"], 5000);
}

#[test]
fn an_unreadable_read_is_a_retryable_error_never_a_failed_payment() {
    let h = Harness::start();
    let client = client(&h);
    let reference = authorized(&h, &client, "uo-read", 10000);
    for (what, answer) in mangled_answers() {
        mangle(&h, "GET", "/epayment/v1/payments/*", &answer);
        let error = client
            .get_payment(&json!({"reference": reference}))
            .expect_err(what);
        assert_ne!(
            error.kind,
            ErrorKind::UnknownOutcome,
            "{what}: a read moves no money"
        );
        assert!(error.retryable, "{what}: {error:?}");
        assert_eq!(error.http_status, Some(200), "{what}");
    }
    let session = unique("uo-read-session");
    client
        .create_session(&session_request(&session, 5000))
        .unwrap();
    mangle(&h, "GET", "/checkout/v3/session/*", &json!({"status": 200}));
    let error = client
        .get_session(&json!({"reference": session}))
        .unwrap_err();
    assert!(error.retryable, "{error:?}");
    // Where no answer is needed, an empty 2xx is success.
    mangle(
        &h,
        "POST",
        "/epayment/v1/test/payments/*/approve",
        &json!({"status": 200}),
    );
    let pending = unique("uo-approve");
    client
        .create_payment(&payment_request(&pending, 1000))
        .unwrap();
    client
        .force_approve(&json!({"reference": pending, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
}

#[test]
fn an_oversized_success_answer_to_a_capture_is_unknown() {
    // A server that answers every capture 200 with 5 MiB (over the 4 MiB cap).
    let server = Receiver::answering(Arc::new(|c: &Captured| {
        if c.target.starts_with("/accesstoken") {
            (
                200,
                json!({"access_token": "t", "expires_in": "3600", "token_type": "Bearer"})
                    .to_string(),
            )
        } else {
            (
                200,
                format!("{{\"pad\": \"{}\"}}", "x".repeat(5 * 1024 * 1024)),
            )
        }
    }));
    let h = Harness::start();
    let mut config = h.config(json!({}));
    config["base_url"] = json!(server.url(""));
    let client = Client::new(&config.to_string()).unwrap();
    let error = client
        .capture(&json!({"reference": "order-oversized-1", "amount": nok(100), "idempotency_key": "big-1"}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::UnknownOutcome, "{error:?}");
    assert!(error.retryable);
    assert_eq!(error.idempotency_key.as_deref(), Some("big-1"));
    assert!(
        error.message.contains("same idempotency key"),
        "{}",
        error.message
    );
}
