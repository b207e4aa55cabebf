//! Time in the simulator (customer timeout, reservation expiry) and the documented rate
//! limits, all on the simulated clock that `/_sim/clock/advance` moves.

mod common;
use common::*;
use serde_json::{json, Value};
use vipps_sim::{SimOptions, DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

/// Moves the simulated clock; access tokens expire on it too, so callers take a new one.
fn advance(h: &Harness, seconds: i64) {
    let r = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({ "seconds": seconds })),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

fn event_names(e: &Epay, reference: &str) -> Vec<Value> {
    e.events(reference)
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].clone())
        .collect()
}

fn register_expired_hook(h: &Harness, e: &Epay, url: &str) {
    let body = json!({"url": url, "events": ["epayments.payment.expired.v1"]}).to_string();
    let r = h.call(
        "POST",
        "/webhooks/v1/webhooks",
        &[
            ("Authorization", e.bearer.as_str()),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", DEFAULT_MSN),
        ],
        Some(&body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn a_payment_nobody_acts_on_expires_after_five_minutes_with_its_webhook() {
    let h = start();
    let rx = Receiver::start("/hook", &[]);
    let e = h.epayment();
    register_expired_hook(&h, &e, &rx.url);
    assert_eq!(e.create("order-timeout-1", 1000, "k-timeout-1").status, 201);
    advance(&h, 299);
    let e = h.epayment(); // the old token expired on the simulated clock
    assert_eq!(e.get("order-timeout-1").json()["state"], "CREATED");
    // Moving the clock past the deadline is enough: nobody needs to read the payment.
    advance(&h, 2);
    let e = h.epayment(); // the old token expired on the simulated clock
    let got = rx.wait_for(1, 5);
    let event: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(event["name"], "EXPIRED");
    assert_eq!(event["reference"], "order-timeout-1");
    assert_eq!(e.get("order-timeout-1").json()["state"], "EXPIRED");
    assert_eq!(
        event_names(&e, "order-timeout-1"),
        vec![json!("CREATED"), json!("EXPIRED")]
    );
    // An expired payment cannot be approved any more.
    let r = h.control(
        "POST",
        "/_sim/payments/order-timeout-1/approve",
        Some(json!({})),
    );
    assert_ne!(r.status, 200, "{}", r.body);
}

#[test]
fn the_customer_timeout_is_configurable_and_can_be_switched_off() {
    let h = start_with(SimOptions {
        customer_timeout_secs: Some(60),
        ..SimOptions::default()
    });
    let e = h.epayment();
    assert_eq!(e.create("order-timeout-2", 1000, "k-timeout-2").status, 201);
    advance(&h, 61);
    let e = h.epayment(); // the old token expired on the simulated clock
    assert_eq!(e.get("order-timeout-2").json()["state"], "EXPIRED");

    let h = start_with(SimOptions {
        customer_timeout_secs: None,
        ..SimOptions::default()
    });
    let e = h.epayment();
    assert_eq!(e.create("order-timeout-3", 1000, "k-timeout-3").status, 201);
    advance(&h, 30 * 24 * 3600);
    let e = h.epayment(); // the old token expired on the simulated clock
    assert_eq!(e.get("order-timeout-3").json()["state"], "CREATED");
}

#[test]
fn an_approved_payment_does_not_expire() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-timeout-4", 1000);
    advance(&h, 3600);
    let e = h.epayment(); // the old token expired on the simulated clock
    assert_eq!(e.get("order-timeout-4").json()["state"], "AUTHORIZED");
}

#[test]
fn a_reservation_expires_after_180_days() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-reserve-1", 3000);
    assert_eq!(
        e.modify("order-reserve-1", "capture", Some(1000), "c1")
            .status,
        200
    );
    advance(&h, 180 * 24 * 3600 - 10);
    let e = h.epayment(); // the old token expired on the simulated clock
    assert_eq!(
        e.modify("order-reserve-1", "capture", Some(1000), "c2")
            .status,
        200
    );
    advance(&h, 10);
    let e = h.epayment(); // the old token expired on the simulated clock
    let r = e.modify("order-reserve-1", "capture", Some(500), "c3");
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_code().as_deref(), Some("6100"));
    assert_eq!(r.json()["title"], "Capture period expired");
    let r = e.modify("order-reserve-1", "cancel", None, "x1");
    assert_eq!(r.error_code().as_deref(), Some("6030"));
    // A refund is still possible within 365 days; the ledger kept the two captures only.
    assert_eq!(
        e.modify("order-reserve-1", "refund", Some(2000), "r1")
            .status,
        200
    );
    assert_eq!(h.ledger_entry("order-reserve-1")["captured"], 2000);
    advance(&h, 185 * 24 * 3600);
    let e = h.epayment(); // the old token expired on the simulated clock
    let r = e.modify("order-reserve-1", "refund", Some(1), "r2");
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn reservation_days_are_configurable() {
    let h = start_with(SimOptions {
        reservation_days: 14,
        ..SimOptions::default()
    });
    let e = h.epayment();
    e.authorized("order-reserve-2", 3000);
    advance(&h, 14 * 24 * 3600);
    let e = h.epayment(); // the old token expired on the simulated clock
    assert_eq!(
        e.modify("order-reserve-2", "capture", Some(500), "c1")
            .error_code()
            .as_deref(),
        Some("6100")
    );
}

fn rate_limited() -> Harness {
    start_with(SimOptions {
        rate_limits: true,
        ..SimOptions::default()
    })
}

#[test]
fn captures_are_limited_to_five_per_minute_per_reference() {
    let h = rate_limited();
    let e = h.epayment();
    e.authorized("order-limit-1", 10_000);
    e.authorized("order-limit-2", 10_000);
    for i in 0..5 {
        let r = e.modify("order-limit-1", "capture", Some(100), &format!("c{i}"));
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = e.modify("order-limit-1", "capture", Some(100), "c5");
    assert_eq!(r.status, 429, "{}", r.body);
    let wait: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let problem = r.json();
    assert_eq!(problem["status"], 429);
    assert_eq!(problem["title"], "Too Many Requests");
    assert!(problem["traceId"].is_string());
    // Turned away, not counted and not applied.
    assert_eq!(h.ledger_entry("order-limit-1")["captured"], 500);
    // Another reference has its own count, and so do refunds.
    assert_eq!(
        e.modify("order-limit-2", "capture", Some(100), "d0").status,
        200
    );
    assert_eq!(
        e.modify("order-limit-1", "refund", Some(100), "r0").status,
        200
    );
    // After Retry-After on the simulated clock, the same request gets through.
    advance(&h, wait as i64);
    assert_eq!(
        e.modify("order-limit-1", "capture", Some(100), "c5").status,
        200
    );
    assert_eq!(h.ledger_entry("order-limit-1")["captured"], 600);
}

#[test]
fn creates_cancels_and_gets_have_their_limits() {
    let h = rate_limited();
    let e = h.epayment();
    // Five creates of one reference (the 2nd to 5th are idempotent replays or duplicates).
    for i in 0..5 {
        let r = e.create("order-limit-3", 1000, &format!("k{}", i.min(1)));
        assert_ne!(r.status, 429, "{}", r.body);
    }
    assert_eq!(e.create("order-limit-3", 1000, "k1").status, 429);
    for i in 0..120 {
        assert_eq!(e.get("order-limit-3").status, 200, "get {i}");
    }
    let r = e.get("order-limit-3");
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    // The event log is counted apart from the payment.
    assert_eq!(e.events("order-limit-3").status, 200);
    for i in 0..5 {
        assert_ne!(
            e.modify("order-limit-3", "cancel", None, &format!("x{i}"))
                .status,
            429
        );
    }
    assert_eq!(e.modify("order-limit-3", "cancel", None, "x5").status, 429);
}

#[test]
fn limits_are_off_by_default_and_switchable() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-limit-4", 10_000);
    for i in 0..8 {
        assert_eq!(
            e.modify("order-limit-4", "capture", Some(100), &format!("c{i}"))
                .status,
            200
        );
    }
    assert_eq!(
        h.control("GET", "/_sim/rate-limits", None).json()["enabled"],
        false
    );
    let r = h.control("POST", "/_sim/rate-limits", Some(json!({"enabled": true})));
    assert_eq!(r.json()["enabled"], true);
    for i in 8..13 {
        assert_eq!(
            e.modify("order-limit-4", "capture", Some(100), &format!("c{i}"))
                .status,
            200
        );
    }
    assert_eq!(
        e.modify("order-limit-4", "capture", Some(100), "c13")
            .status,
        429
    );
    assert_eq!(
        h.control("POST", "/_sim/rate-limits", Some(json!({"on": 1})))
            .status,
        400
    );
    h.control("POST", "/_sim/rate-limits", Some(json!({"enabled": false})));
    assert_eq!(
        e.modify("order-limit-4", "capture", Some(100), "c13")
            .status,
        200
    );
}
