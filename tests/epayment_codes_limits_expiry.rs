//! Issue 20 (three parts): ePayment's four-digit error codes reach the caller with the right
//! kind, retryability and explanation; the documented rate limits and 423 end with exactly the
//! money intended; a payment nobody acts on expires on the simulator's clock.

mod common;

use common::receiver::Receiver;
use common::{payment_request, reference, Harness};
use serde_json::{json, Value};
use vipps::{Client, Error, ErrorKind};
use vipps_sim::SimOptions;

fn nok(value: i64) -> Value {
    json!({"value": value, "currency": "NOK"})
}

fn authorized(h: &Harness, client: &Client, prefix: &str, value: i64) -> String {
    let r = reference(prefix);
    client.create_payment(&payment_request(&r, value)).unwrap();
    h.approve(&r);
    r
}

fn capture(client: &Client, r: &str, value: i64, key: &str) -> Result<Value, Error> {
    client.capture(&json!({"reference": r, "amount": nok(value), "idempotency_key": key}))
}

fn refund(client: &Client, r: &str, value: i64, key: &str) -> Result<Value, Error> {
    client.refund(&json!({"reference": r, "amount": nok(value), "idempotency_key": key}))
}

fn cancel(client: &Client, r: &str, key: &str) -> Result<Value, Error> {
    client.cancel(&json!({"reference": r, "idempotency_key": key}))
}

/// The error carries the code, the table's kind and retryability, and its explanation.
fn assert_code(error: &Error, code: &str, kind: ErrorKind, retryable: bool, words: &str) {
    assert_eq!(error.error_code.as_deref(), Some(code), "{error:?}");
    assert_eq!(error.kind, kind, "{error:?}");
    assert_eq!(error.retryable, retryable, "{error:?}");
    assert!(
        error.message.contains(&format!("[ePayment error {code}, "))
            && error.message.contains(words),
        "{}",
        error.message
    );
}

fn advance(h: &Harness, seconds: i64) {
    let (status, body) = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({ "seconds": seconds })),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn every_code_the_simulator_produces_is_explained() {
    let h = Harness::start();
    let client = h.client();

    let pending = reference("code-6080");
    client
        .create_payment(&payment_request(&pending, 1000))
        .unwrap();
    let e = capture(&client, &pending, 500, "k1").unwrap_err();
    assert_code(&e, "6080", ErrorKind::Api, false, "has not approved");

    let a = authorized(&h, &client, "code-a", 1000);
    let e = refund(&client, &a, 100, "k2").unwrap_err();
    assert_code(&e, "6020", ErrorKind::Api, false, "no captured amount");
    let e = capture(&client, &a, 1001, "k3").unwrap_err();
    assert_code(
        &e,
        "6090",
        ErrorKind::Api,
        false,
        "larger than what is reserved",
    );
    capture(&client, &a, 1000, "k4").unwrap();
    let e = refund(&client, &a, 1001, "k5").unwrap_err();
    assert_code(
        &e,
        "6150",
        ErrorKind::Api,
        false,
        "larger than what was captured",
    );
    let e = cancel(&client, &a, "k6").unwrap_err();
    assert_code(&e, "6040", ErrorKind::Api, false, "refund it instead");

    let b = authorized(&h, &client, "code-b", 1000);
    cancel(&client, &b, "k7").unwrap();
    let e = capture(&client, &b, 100, "k8").unwrap_err();
    assert_code(&e, "6070", ErrorKind::Api, false, "was cancelled");

    // The reservation expires after 180 days on the simulated clock.
    let c = authorized(&h, &client, "code-c", 1000);
    advance(&h, 180 * 24 * 3600);
    let e = capture(&client, &c, 100, "k9").unwrap_err();
    assert_code(&e, "6100", ErrorKind::Api, false, "reservation has expired");
    let e = cancel(&client, &c, "k10").unwrap_err();
    assert_code(
        &e,
        "6030",
        ErrorKind::Api,
        false,
        "can no longer be cancelled",
    );
    assert_eq!(h.ledger_entry(&c)["captured"], 0);
    // Refunds last 365 days from the reservation.
    advance(&h, 185 * 24 * 3600);
    let e = refund(&client, &a, 100, "k11").unwrap_err();
    assert_code(&e, "6220", ErrorKind::Api, false, "within 365 days");
    assert_eq!(h.ledger_entry(&a)["refunded"], 0);
}

#[test]
fn codes_the_simulator_does_not_produce_are_explained_from_a_real_problem_body() {
    use common::misbehaving::{Reply, Server};
    let server = Server::start(|arrival| {
        if arrival.path.starts_with("/accesstoken") {
            return Reply::token();
        }
        let (status, code, title) = if arrival.path.ends_with("/capture") {
            (400, "6160", "Order processing")
        } else {
            (409, "4150", "Reference exists")
        };
        Reply::json(
            status,
            json!({"type": "https://httpstatuses.io/400", "title": title, "status": status,
                   "detail": "see extraDetails", "traceId": "trace-1",
                   "extraDetails": [{"name": "ErrorCode", "reason": code}]}),
        )
    });
    let client = server.client(2000, json!({}));
    let e = capture(&client, "order-123456", 100, "key-1").unwrap_err();
    assert_code(&e, "6160", ErrorKind::Api, true, "in progress");
    assert_eq!(e.idempotency_key.as_deref(), Some("key-1"));
    assert_eq!(e.trace_id.as_deref(), Some("trace-1"));
    let e = client
        .create_payment(&payment_request("order-123456", 1000))
        .unwrap_err();
    assert_code(&e, "4150", ErrorKind::Conflict, false, "already used");
}

#[test]
fn a_burst_of_captures_ends_with_exactly_the_money_intended() {
    let h = Harness::with_options(SimOptions {
        rate_limits: true,
        ..SimOptions::default()
    });
    // A deadline far shorter than the minute the limit lasts: the over-limit calls end
    // `rate_limited` instead of waiting.
    let client = h.client_with(
        json!({"timeouts": {"connect_ms": 1000, "request_ms": 1500, "total_ms": 1500}}),
    );
    let r = authorized(&h, &client, "burst", 8000);
    let mut pending = Vec::new();
    for i in 0..8 {
        let key = format!("{r}-capture-{i}");
        match capture(&client, &r, 1000, &key) {
            Ok(answer) => assert_eq!(answer["idempotency_key"], key.as_str()),
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::RateLimited, "{e:?}");
                assert!(e.retryable);
                assert_eq!(e.http_status, Some(429));
                assert_eq!(e.idempotency_key.as_deref(), Some(key.as_str()));
                pending.push(key);
            }
        }
    }
    assert_eq!(pending.len(), 3, "five captures a minute get through");
    assert_eq!(h.ledger_entry(&r)["captured"], 5000);
    // A minute later (simulated), the same keys complete the rest; a repeat changes nothing.
    advance(&h, 60);
    let client = h.client_with(
        json!({"timeouts": {"connect_ms": 1000, "request_ms": 1500, "total_ms": 1500}}),
    );
    for key in &pending {
        capture(&client, &r, 1000, key).unwrap();
    }
    capture(&client, &r, 1000, &pending[0]).unwrap();
    assert_eq!(h.ledger_entry(&r)["captured"], 8000);
    let answer = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(answer["normalized"]["status"], "captured");
}

#[test]
fn locked_is_retried_with_the_same_key_and_captures_once() {
    let h = Harness::start();
    let client = h.client();
    let r = authorized(&h, &client, "locked", 3000);
    h.fault(
        json!({"method": "POST", "path": "/epayment/v1/payments/*/capture",
                   "action": "respond", "status": 423, "count": 2,
                   "body": {"title": "Locked", "status": 423}}),
    );
    let answer = capture(&client, &r, 1000, "lock-key-1").unwrap();
    assert_eq!(answer["normalized"]["captured"], 1000);
    let keys: Vec<Value> = h
        .requests("/epayment/v1/payments")
        .iter()
        .filter(|q| q["path"].as_str().is_some_and(|p| p.ends_with("/capture")))
        .map(|q| q["headers"]["idempotency-key"].clone())
        .collect();
    assert_eq!(
        keys,
        vec![json!("lock-key-1"); 3],
        "two 423s, then the same key again"
    );
    assert_eq!(h.ledger_entry(&r)["captured"], 1000);

    // Still locked at the deadline: retryable, with the key to retry with.
    h.fault(
        json!({"method": "POST", "path": "/epayment/v1/payments/*/capture",
                   "action": "respond", "status": 423, "count": 50}),
    );
    let e = capture(&client, &r, 1000, "lock-key-2").unwrap_err();
    assert_eq!(
        (e.kind, e.retryable, e.http_status),
        (ErrorKind::Api, true, Some(423))
    );
    assert_eq!(e.idempotency_key.as_deref(), Some("lock-key-2"));
    assert_eq!(h.ledger_entry(&r)["captured"], 1000);
}

#[test]
fn a_payment_nobody_acts_on_expires_with_its_webhook() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let client = h.client();
    let hook = client
        .register_webhook(
            &json!({"url": receiver.url("/hook"), "events": ["epayments.payment.expired.v1"]}),
        )
        .unwrap();
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let r = reference("expiry");
    client.create_payment(&payment_request(&r, 1000)).unwrap();
    advance(&h, 301);
    let all = receiver.wait_until(10, |all| {
        all.iter().any(|c| c.json()["reference"] == r.as_str())
    });
    let delivery = all
        .iter()
        .find(|c| c.json()["reference"] == r.as_str())
        .unwrap();
    assert_eq!(delivery.json()["name"], "EXPIRED");
    // Signed with the simulated clock's x-ms-date, now 301 s ahead of real time: the library's
    // freshness window (300 s) turns it away, as it would a delivery with a skewed clock.
    let verifier = h.client_with(json!({"webhook_secrets": [secret]}));
    let event = verifier
        .handle_callback(&delivery.request_json(), &delivery.body)
        .unwrap();
    assert_eq!(event["event"]["verified"], false, "{event}");
    // The old token expired too on the simulated clock; the client fetches a new one.
    let answer = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(answer["state"], "EXPIRED");
    assert_eq!(answer["normalized"]["status"], "expired");
}

#[test]
fn a_retry_after_that_fits_the_deadline_is_waited_for() {
    let h = Harness::with_options(SimOptions {
        rate_limits: true,
        ..SimOptions::default()
    });
    let client = h.client_with(
        json!({"timeouts": {"connect_ms": 1000, "request_ms": 3000, "total_ms": 8000}}),
    );
    let r = authorized(&h, &client, "wait", 6000);
    capture(&client, &r, 1000, "w-0").unwrap();
    // The first capture is now 58 s old: the minute is full after four more, and frees up in 2 s.
    advance(&h, 58);
    for i in 1..5 {
        capture(&client, &r, 1000, &format!("w-{i}")).unwrap();
    }
    let started = std::time::Instant::now();
    capture(&client, &r, 1000, "w-5").unwrap();
    let waited = started.elapsed();
    let statuses: Vec<u64> = h
        .requests("/epayment/v1/payments")
        .iter()
        .filter(|q| q["headers"]["idempotency-key"] == "w-5")
        .map(|q| q["status"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(
        statuses,
        vec![429, 200],
        "turned away once, then let through"
    );
    assert!(
        waited >= std::time::Duration::from_millis(1000),
        "Retry-After was honoured: {waited:?}"
    );
    assert_eq!(h.ledger_entry(&r)["captured"], 6000);
}
