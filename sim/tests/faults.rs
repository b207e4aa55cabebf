mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn add_fault(h: &Harness, fault: Value) -> String {
    let r = h.control("POST", "/_sim/faults", Some(fault));
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

#[test]
fn respond_fault_answers_without_processing_and_sets_retry_after() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-fault-1", 10_000);
    add_fault(
        &h,
        json!({"method": "POST", "path": "/epayment/v1/payments/*/capture", "count": 1,
        "action": "respond", "status": 429, "retry_after": 2}),
    );
    assert_eq!(
        h.control("GET", "/_sim/faults", None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let r = e.modify("order-fault-1", "capture", Some(1_000), "k1");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(
        h.ledger_entry("order-fault-1")["captured"],
        0,
        "not processed"
    );
    // Consumed: the retry with the same key goes through once.
    assert_eq!(
        e.modify("order-fault-1", "capture", Some(1_000), "k1")
            .status,
        200
    );
    assert_eq!(h.ledger_entry("order-fault-1")["captures"], json!([1000]));
    assert_eq!(h.control("GET", "/_sim/faults", None).json(), json!([]));

    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*", "action": "respond", "status": 503,
        "body": {"custom": true}, "headers": {"x-sim": "yes"}}),
    );
    let r = e.get("order-fault-1");
    assert_eq!((r.status, r.json()), (503, json!({"custom": true})));
    assert_eq!(r.header("x-sim"), Some("yes"));
    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*", "action": "respond", "status": 502, "body": "upstream down"}),
    );
    let r = e.get("order-fault-1");
    assert_eq!((r.status, r.body.as_str()), (502, "upstream down"));
}

#[test]
fn delay_fault_slows_then_processes() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-fault-2", 10_000);
    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*/capture", "action": "delay", "delay_ms": 400}),
    );
    let t = Instant::now();
    let r = e.modify("order-fault-2", "capture", Some(1_000), "k");
    assert!(t.elapsed() >= Duration::from_millis(400));
    assert_eq!(r.status, 200);
    assert_eq!(h.ledger_entry("order-fault-2")["captured"], 1000);
}

#[test]
fn a_request_is_processed_even_when_the_client_gives_up_during_a_delay() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-fault-6", 10_000);
    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*/capture", "action": "delay", "delay_ms": 600}),
    );
    let impatient: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_millis(200)))
        .proxy(None)
        .build()
        .into();
    let mut req = impatient.post(h.url("/epayment/v1/payments/order-fault-6/capture"));
    for (k, v) in e.headers(Some("slow")) {
        req = req.header(k, v);
    }
    let outcome = req
        .content_type("application/json")
        .send(json!({"modificationAmount": {"currency": "NOK", "value": 700}}).to_string());
    assert!(outcome.is_err(), "the client timed out");
    assert_eq!(
        h.ledger_entry("order-fault-6")["captured"],
        0,
        "still delayed"
    );
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(h.ledger_entry("order-fault-6")["captures"], json!([700]));
    let log = h
        .control(
            "GET",
            "/_sim/requests?path_prefix=/epayment/v1/payments/order-fault-6/capture",
            None,
        )
        .json();
    assert_eq!(log[0]["status"], 200);
}

#[test]
fn drop_fault_closes_the_connection_without_processing() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-fault-3", 10_000);
    add_fault(
        &h,
        json!({"method": "POST", "path": "/epayment/v1/payments/*/capture", "action": "drop"}),
    );
    let body = json!({"modificationAmount": {"currency": "NOK", "value": 1000}}).to_string();
    let outcome = h.try_call(
        "POST",
        "/epayment/v1/payments/order-fault-3/capture",
        &e.headers(Some("k")),
        Some(&body),
    );
    assert!(
        outcome.is_err(),
        "the client must see a connection error, not a status"
    );
    assert_eq!(h.ledger_entry("order-fault-3")["captured"], 0);
    let log = h
        .control(
            "GET",
            "/_sim/requests?path_prefix=/epayment/v1/payments/order-fault-3/capture",
            None,
        )
        .json();
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["status"], Value::Null);
    assert_eq!(log[0]["dropped"], true);
    // The retry with the same key is then processed normally.
    assert_eq!(
        e.modify("order-fault-3", "capture", Some(1_000), "k")
            .status,
        200
    );
    assert_eq!(h.ledger_entry("order-fault-3")["captures"], json!([1000]));
}

#[test]
fn process_then_drop_changes_the_ledger_though_the_client_saw_an_error() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-fault-4", 10_000);
    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*/capture", "action": "process_then_drop"}),
    );
    let body = json!({"modificationAmount": {"currency": "NOK", "value": 4000}}).to_string();
    let outcome = h.try_call(
        "POST",
        "/epayment/v1/payments/order-fault-4/capture",
        &e.headers(Some("lost")),
        Some(&body),
    );
    assert!(outcome.is_err());
    assert_eq!(
        h.ledger_entry("order-fault-4")["captures"],
        json!([4000]),
        "processed"
    );
    // A safe client retries with the same key: replayed, still exactly one capture.
    let retry = e.modify("order-fault-4", "capture", Some(4_000), "lost");
    assert_eq!(retry.status, 200);
    assert_eq!(retry.json()["aggregate"]["capturedAmount"]["value"], 4000);
    assert_eq!(h.ledger_entry("order-fault-4")["captures"], json!([4000]));
}

#[test]
fn process_then_respond_changes_the_ledger_and_sends_the_given_answer() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-fault-5", 10_000);
    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*/capture", "action": "process_then_respond",
        "status": 200, "body": "<html>proxy</html>", "headers": {"content-type": "text/html"}}),
    );
    let r = e.modify("order-fault-5", "capture", Some(3_000), "mangled");
    assert_eq!((r.status, r.body.as_str()), (200, "<html>proxy</html>"));
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(h.ledger_entry("order-fault-5")["captures"], json!([3000]));
    // The replay with the same key gets the real, stored answer and captures nothing more.
    let retry = e.modify("order-fault-5", "capture", Some(3_000), "mangled");
    assert_eq!(retry.status, 200);
    assert_eq!(retry.json()["aggregate"]["capturedAmount"]["value"], 3000);
    assert_eq!(h.ledger_entry("order-fault-5")["captures"], json!([3000]));
    // Without a body the answer is empty.
    add_fault(
        &h,
        json!({"path": "/epayment/v1/payments/*/capture", "action": "process_then_respond", "status": 200}),
    );
    let r = e.modify("order-fault-5", "capture", Some(1_000), "empty");
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(
        h.ledger_entry("order-fault-5")["captures"],
        json!([3000, 1000])
    );
    let missing = h.control(
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/x", "action": "process_then_respond"})),
    );
    assert_eq!(missing.status, 400);
}

#[test]
fn faults_match_one_segment_per_star_and_can_be_cleared() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("order-fault-5", 1_000, "c").status, 201);
    add_fault(
        &h,
        json!({"path": "/epayment/*/payments/*", "method": "GET", "action": "respond", "status": 500, "count": 3}),
    );
    assert_eq!(
        e.events("order-fault-5").status,
        200,
        "pattern has fewer segments than the events path"
    );
    assert_eq!(e.get("order-fault-5").status, 500);
    assert_eq!(h.control("GET", "/_sim/faults", None).json()[0]["count"], 2);
    assert_eq!(h.control("DELETE", "/_sim/faults", None).status, 204);
    assert_eq!(e.get("order-fault-5").status, 200);
    assert_eq!(
        h.control(
            "POST",
            "/_sim/faults",
            Some(json!({"path": "/x", "action": "explode"}))
        )
        .status,
        400
    );
}

#[test]
fn callback_faults_drop_duplicate_and_delay() {
    let h = start();
    let rx = Receiver::start("/hook", &[]);
    let e = h.epayment();
    let reg = json!({"url": rx.url, "events": ["epayments.payment.created.v1"]}).to_string();
    let hdrs = e.headers(None);
    assert_eq!(
        h.call("POST", "/webhooks/v1/webhooks", &hdrs, Some(&reg))
            .status,
        201
    );

    h.control(
        "POST",
        "/_sim/callback-faults",
        Some(json!({"target": "webhook", "action": "drop", "count": 1})),
    );
    assert_eq!(e.create("order-cbf-1", 1_000, "a").status, 201);
    assert_eq!(settle(&rx, 300).len(), 0, "dropped");
    let log = h.control("GET", "/_sim/callbacks", None).json();
    assert_eq!(log[0]["attempt"], 0);

    h.control(
        "POST",
        "/_sim/callback-faults",
        Some(json!({"target": "*", "action": "duplicate"})),
    );
    assert_eq!(e.create("order-cbf-2", 1_000, "b").status, 201);
    let got = rx.wait_for(2, 5);
    assert_eq!(got[0].body, got[1].body, "duplicated");

    h.control(
        "POST",
        "/_sim/callback-faults",
        Some(json!({"target": "webhook", "action": "delay", "delay_ms": 600})),
    );
    assert_eq!(e.create("order-cbf-3", 1_000, "c").status, 201);
    assert_eq!(e.create("order-cbf-4", 1_000, "d").status, 201);
    let got = rx.wait_for(4, 5);
    let refs: Vec<String> = got[2..]
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.body).unwrap()["reference"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        refs,
        ["order-cbf-4", "order-cbf-3"],
        "the delayed delivery is overtaken"
    );
    assert_eq!(
        h.control("GET", "/_sim/callback-faults", None).json(),
        json!([])
    );
}

#[test]
fn checkout_callback_can_be_dropped() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    h.control(
        "POST",
        "/_sim/callback-faults",
        Some(json!({"target": "checkout", "action": "drop"})),
    );
    let body = json!({
        "merchantInfo": {"callbackUrl": rx.url, "returnUrl": "https://x", "callbackAuthorizationToken": "t"},
        "transaction": {"amount": {"value": 100, "currency": "NOK"}, "reference": "checkout-cbf-1", "paymentDescription": "abc"}
    });
    let hdrs = [
        ("client_id", vipps_sim::DEFAULT_CLIENT_ID),
        ("client_secret", vipps_sim::DEFAULT_CLIENT_SECRET),
        (
            "Ocp-Apim-Subscription-Key",
            vipps_sim::DEFAULT_SUBSCRIPTION_KEY,
        ),
        ("Merchant-Serial-Number", vipps_sim::DEFAULT_MSN),
        ("Vipps-System-Name", "a"),
        ("Vipps-System-Version", "1"),
        ("Vipps-System-Plugin-Name", "p"),
        ("Vipps-System-Plugin-Version", "1"),
    ];
    assert_eq!(
        h.call(
            "POST",
            "/checkout/v3/session",
            &hdrs,
            Some(&body.to_string())
        )
        .status,
        200
    );
    h.control("POST", "/_sim/payments/checkout-cbf-1/approve", None);
    assert_eq!(settle(&rx, 400).len(), 0);
    assert_eq!(
        h.ledger_entry("checkout-cbf-1")["state"],
        "AUTHORIZED",
        "polling still shows the truth"
    );
}
