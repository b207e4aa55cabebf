//! Retries with injected faults: the same idempotency key on every attempt, and no retry
//! where a retry cannot help.

mod common;

use common::misbehaving::{pending_payment, poll_until, Reply, Server};
use common::{header, payment_request, reference, Harness};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use vipps::ErrorKind;

/// The idempotency keys of the logged attempts at `path`.
fn keys(h: &Harness, path: &str) -> Vec<String> {
    h.requests(path)
        .iter()
        .filter(|r| r["path"] == path)
        .map(|r| header(r, "Idempotency-Key").unwrap_or("<none>").to_owned())
        .collect()
}

fn authorized_payment(h: &Harness, client: &vipps::Client, prefix: &str) -> String {
    let reference = reference(prefix);
    client
        .create_payment(&payment_request(&reference, 10000))
        .unwrap();
    h.approve(&reference);
    reference
}

fn capture(client: &vipps::Client, reference: &str, key: &str) -> vipps::Result<Value> {
    client.capture(&json!({"reference": reference, "amount": {"value": 1000, "currency": "NOK"}, "idempotency_key": key}))
}

#[test]
fn a_503_then_success_is_retried_with_the_same_key() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized_payment(&h, &client, "rt-503");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(
        json!({"method": "POST", "path": path, "count": 2, "action": "respond", "status": 503}),
    );
    let captured = capture(&client, &reference, "capture-rt-503").unwrap();
    assert_eq!(captured["idempotency_key"], "capture-rt-503");
    assert_eq!(keys(&h, &path), vec!["capture-rt-503"; 3]);
    assert_eq!(h.ledger_entry(&reference)["captured"], 1000);
}

#[test]
fn a_generated_key_is_also_stable_and_returned() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized_payment(&h, &client, "rt-gen");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(
        json!({"method": "POST", "path": path, "count": 1, "action": "respond", "status": 502}),
    );
    let captured = client
        .capture(&json!({"reference": reference, "amount": {"value": 1000, "currency": "NOK"}}))
        .unwrap();
    let key = captured["idempotency_key"].as_str().unwrap().to_owned();
    assert_eq!(keys(&h, &path), vec![key.clone(), key]);
}

#[test]
fn a_429_waits_for_retry_after() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized_payment(&h, &client, "rt-429");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(json!({"method": "POST", "path": path, "count": 1, "action": "respond", "status": 429, "retry_after": 1}));
    let started = Instant::now();
    capture(&client, &reference, "capture-rt-429").unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(keys(&h, &path), vec!["capture-rt-429"; 2]);
}

#[test]
fn a_retry_after_beyond_the_deadline_returns_rate_limited() {
    let h = Harness::start();
    let client = h.client_with(
        json!({"timeouts": {"connect_ms": 1000, "request_ms": 2000, "total_ms": 3000}}),
    );
    let reference = authorized_payment(&h, &client, "rt-429-long");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(json!({"method": "POST", "path": path, "count": 1, "action": "respond", "status": 429, "retry_after": 60}));
    let err = capture(&client, &reference, "capture-rt-429-long").unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert!(err.retryable);
    assert_eq!(err.idempotency_key.as_deref(), Some("capture-rt-429-long"));
    assert_eq!(h.ledger_entry(&reference)["captured"], 0);
}

#[test]
fn a_timeout_is_retried_with_the_same_key() {
    let h = Harness::start();
    let client = h
        .client_with(json!({"timeouts": {"connect_ms": 500, "request_ms": 700, "total_ms": 8000}}));
    let reference = authorized_payment(&h, &client, "rt-timeout");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(
        json!({"method": "POST", "path": path, "count": 1, "action": "delay", "delay_ms": 1500}),
    );
    capture(&client, &reference, "capture-rt-timeout").unwrap();
    // The simulator logs a request when it answers: wait for the delayed first attempt.
    let keys = poll_until(5, || {
        let keys = keys(&h, &path);
        (keys.len() >= 2).then_some(keys)
    });
    assert_eq!(keys, vec!["capture-rt-timeout"; 2]);
    // The delayed first attempt was processed too, but the key made the other one a replay.
    assert_eq!(h.ledger_entry(&reference)["captured"], 1000);
}

#[test]
fn a_dropped_connection_is_retried_with_the_same_key() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized_payment(&h, &client, "rt-drop");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(json!({"method": "POST", "path": path, "count": 1, "action": "drop"}));
    capture(&client, &reference, "capture-rt-drop").unwrap();
    assert_eq!(keys(&h, &path), vec!["capture-rt-drop"; 2]);
    assert_eq!(h.ledger_entry(&reference)["captured"], 1000);
}

#[test]
fn a_400_is_not_retried() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized_payment(&h, &client, "rt-400");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(json!({"method": "POST", "path": path, "count": 1, "action": "respond", "status": 400,
                   "body": {"type": "about:blank", "title": "Bad Request", "status": 400, "traceId": "t-400"}}));
    let err = capture(&client, &reference, "capture-rt-400").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Api);
    assert!(!err.retryable);
    assert_eq!(err.trace_id.as_deref(), Some("t-400"));
    assert_eq!(keys(&h, &path).len(), 1);
}

#[test]
fn a_500_is_retried_only_when_safe() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized_payment(&h, &client, "rt-500");
    let path = format!("/epayment/v1/payments/{reference}/capture");
    h.fault(
        json!({"method": "POST", "path": path, "count": 1, "action": "respond", "status": 500}),
    );
    capture(&client, &reference, "capture-rt-500").unwrap();
    assert_eq!(
        keys(&h, &path).len(),
        2,
        "a capture carries a key, so a 500 is retried"
    );
}

#[test]
fn connection_refused_is_a_retryable_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let config = json!({"base_url": format!("http://127.0.0.1:{port}"), "system_name": "s", "system_version": "1", "plugin_name": "p", "plugin_version": "1",
                        "retry": {"max_attempts": 2, "base_delay_ms": 10, "max_delay_ms": 10}});
    let client = vipps::Client::new(&config.to_string()).unwrap();
    let err = client
        .get_payment(&json!({"reference": "some-order-1"}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err}");
    assert!(err.retryable);
    assert!(
        err.message.contains(&format!("http://127.0.0.1:{port}")),
        "the message names the server it could not reach: {err}"
    );
}

fn webhook_request() -> Value {
    json!({"url": "https://shop.example/vipps/webhook", "events": ["epayments.payment.captured.v1"]})
}

#[test]
fn a_post_without_a_key_is_not_repeated_after_a_gateway_error() {
    for status in [502, 503, 504] {
        let server = Server::start(move |a| match a.path.as_str() {
            "/accesstoken/get" => Reply::token(),
            _ => Reply::json(status, json!({"title": "gateway"})),
        });
        let client = server.client(5000, json!({}));
        let err = client.register_webhook(&webhook_request()).unwrap_err();
        assert_eq!(err.http_status, Some(status), "{err}");
        assert_eq!(
            server.count("POST", "/webhooks/v1/webhooks"),
            1,
            "the backend may have registered it: a {status} must not send it again"
        );
    }
}

#[test]
fn a_get_is_still_retried_after_a_gateway_error() {
    let server = Server::start(|a| match (a.path.as_str(), a.nth) {
        ("/accesstoken/get", _) => Reply::token(),
        (_, 1) => Reply::json(504, json!({"title": "gateway"})),
        _ => Reply::json(200, json!({"webhooks": []})),
    });
    let client = server.client(5000, json!({}));
    client.list_webhooks(&json!({})).unwrap();
    assert_eq!(server.count("GET", "/webhooks/v1/webhooks"), 2);
}

#[test]
fn a_post_without_a_key_is_retried_after_429() {
    // 429 says the request was turned away, not processed: repeating it cannot act twice.
    let server = Server::start(|a| match (a.path.as_str(), a.nth) {
        ("/accesstoken/get", _) => Reply::token(),
        (_, 1) => Reply::json(429, json!({"title": "slow down"})),
        _ => Reply::json(201, json!({"id": "wh-1", "secret": "s"})),
    });
    let client = server.client(5000, json!({}));
    let made = client.register_webhook(&webhook_request()).unwrap();
    assert_eq!(made["id"], "wh-1");
    assert_eq!(server.count("POST", "/webhooks/v1/webhooks"), 2);
}

#[test]
fn retry_after_zero_does_not_skip_the_backoff() {
    let server = Server::start(|a| match (a.path.as_str(), a.nth) {
        ("/accesstoken/get", _) => Reply::token(),
        (_, n) if n <= 3 => Reply::json(503, json!({"title": "busy"})).header("Retry-After", "0"),
        _ => Reply::json(200, pending_payment("rt-retry-after-0")),
    });
    let client = server.client(
        8000,
        json!({"retry": {"max_attempts": 4, "base_delay_ms": 400, "max_delay_ms": 2000}}),
    );
    client
        .get_payment(&json!({"reference": "rt-retry-after-0"}))
        .unwrap();
    let attempts = server.arrivals_at("GET", "/epayment/v1/payments/rt-retry-after-0");
    assert_eq!(attempts.len(), 4);
    // The floor is the lower half of the exponential backoff: 200, 400, 800 ms.
    for (i, pair) in attempts.windows(2).enumerate() {
        let gap = pair[1].at - pair[0].at;
        let floor = Duration::from_millis(200 << i);
        assert!(
            gap >= floor,
            "attempt {} came {gap:?} after the previous one",
            i + 2
        );
    }
}

#[test]
fn a_huge_retry_after_returns_the_answer_without_a_panic() {
    for value in [
        "18446744073709551615",
        "99999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = Server::start(move |a| match a.path.as_str() {
            "/accesstoken/get" => Reply::token(),
            _ => Reply::json(429, json!({"title": "later"})).header("Retry-After", value),
        });
        let client = server.client(3000, json!({}));
        let started = Instant::now();
        let err = client
            .get_payment(&json!({"reference": "rt-ra-huge"}))
            .unwrap_err();
        assert_eq!(
            err.kind,
            ErrorKind::RateLimited,
            "Retry-After {value}: {err}"
        );
        assert!(err.retryable);
        assert!(
            started.elapsed() < Duration::from_millis(3000),
            "Retry-After {value}: waited"
        );
        assert_eq!(server.count("GET", "/epayment/v1/payments/rt-ra-huge"), 1);
    }
}

#[test]
fn a_token_service_500_is_retryable_because_the_operation_was_never_sent() {
    // The capture itself never left: repeating the whole call (same key) cannot act twice, so
    // a plugin must be told to retry rather than to give up on the order.
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::json(500, json!({"title": "token service down"})),
        _ => Reply::json(200, json!({})),
    });
    let client = server.client(
        3000,
        json!({"retry": {"max_attempts": 2, "base_delay_ms": 10}}),
    );
    let err = client
        .capture(&json!({"reference": "rt-tok500", "amount": {"value": 100, "currency": "NOK"}}))
        .unwrap_err();
    assert_eq!(err.http_status, Some(500), "{err}");
    assert!(err.retryable, "a failed token fetch changed nothing: {err}");
    assert_eq!(
        server.count("POST", "/epayment/v1/payments/rt-tok500/capture"),
        0
    );
}
