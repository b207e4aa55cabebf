mod common;

use common::*;
use serde_json::{json, Value};

fn create_with(h: &Harness, e: &Epay, body: Value) -> Resp {
    h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some("key-1")),
        Some(&body.to_string()),
    )
}

#[test]
fn create_get_and_events() {
    let h = start();
    let e = h.epayment();
    let r = e.create("order-flow-1", 10_000, "c1");
    assert_eq!(r.status, 201);
    let v = r.json();
    assert_eq!(v["reference"], "order-flow-1");
    assert_eq!(
        v["redirectUrl"],
        format!("{}/sim/landing/order-flow-1", h.server.base_url())
    );

    let p = e.get("order-flow-1").json();
    assert_eq!(p["state"], "CREATED");
    assert_eq!(p["amount"], json!({"currency": "NOK", "value": 10000}));
    assert_eq!(p["paymentMethod"]["type"], "WALLET");
    assert!(p["profile"].is_object());
    assert!(p["pspReference"].is_string());
    for k in [
        "authorizedAmount",
        "cancelledAmount",
        "capturedAmount",
        "refundedAmount",
    ] {
        assert_eq!(p["aggregate"][k], json!({"currency": "NOK", "value": 0}));
    }

    let events = e.events("order-flow-1").json();
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert_eq!(events[0]["name"], "CREATED");
    assert_eq!(events[0]["idempotencyKey"], "c1");
    assert_eq!(events[0]["success"], true);
    assert!(events[0]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(e.get("order-missing-1").status, 404);
}

#[test]
fn full_lifecycle_partial_capture_and_refund() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-life-1", 10_000);
    assert_eq!(e.get("order-life-1").json()["state"], "AUTHORIZED");

    let c1 = e.modify("order-life-1", "capture", Some(4_000), "cap-1");
    assert_eq!(c1.status, 200, "{}", c1.body);
    let c1 = c1.json();
    assert_eq!(c1["state"], "AUTHORIZED");
    assert_eq!(c1["aggregate"]["capturedAmount"]["value"], 4000);
    assert!(c1["pspReference"].is_string());
    assert_eq!(c1["reference"], "order-life-1");
    let c2 = e
        .modify("order-life-1", "capture", Some(6_000), "cap-2")
        .json();
    assert_eq!(c2["aggregate"]["capturedAmount"]["value"], 10000);
    assert_ne!(c1["pspReference"], c2["pspReference"]);

    assert_eq!(
        e.modify("order-life-1", "refund", Some(2_500), "ref-1")
            .status,
        200
    );
    let r2 = e
        .modify("order-life-1", "refund", Some(7_500), "ref-2")
        .json();
    assert_eq!(r2["aggregate"]["refundedAmount"]["value"], 10000);
    assert_eq!(r2["state"], "AUTHORIZED");

    let names: Vec<String> = e
        .events("order-life-1")
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|ev| ev["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "CREATED",
            "AUTHORIZED",
            "CAPTURED",
            "CAPTURED",
            "REFUNDED",
            "REFUNDED"
        ]
    );

    let l = h.ledger_entry("order-life-1");
    assert_eq!(l["captures"], json!([4000, 6000]));
    assert_eq!(l["refunds"], json!([2500, 7500]));
    assert_eq!(l["api"], "epayment");
}

#[test]
fn every_refusal_has_its_code_and_changes_nothing() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("order-rules-1", 10_000, "c").status, 201);

    let check = |op: &str, value: Option<i64>, key: &str, code: &str| {
        let before = h.ledger_entry("order-rules-1");
        let events_before = e.events("order-rules-1").json();
        let r = e.modify("order-rules-1", op, value, key);
        assert_eq!(r.status, 400, "{op}: {}", r.body);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert_eq!(r.error_code().as_deref(), Some(code), "{}", r.body);
        let v = r.json();
        for f in ["type", "title", "status", "detail", "traceId"] {
            assert!(!v[f].is_null(), "{f} missing in {v}");
        }
        assert_eq!(
            h.ledger_entry("order-rules-1"),
            before,
            "{op} changed the ledger"
        );
        assert_eq!(e.events("order-rules-1").json(), events_before);
    };
    check("capture", Some(100), "k1", "6080");
    check("refund", Some(100), "k2", "6020");

    h.control("POST", "/_sim/payments/order-rules-1/approve", None);
    check("capture", Some(10_001), "k3", "6090");
    assert_eq!(
        e.modify("order-rules-1", "capture", Some(10_000), "k4")
            .status,
        200
    );
    check("capture", Some(1), "k5", "6090");
    check("refund", Some(10_001), "k6", "6150");
    check("cancel", None, "k7", "6040");

    // Capture after cancel.
    e.authorized("order-rules-2", 5_000);
    assert_eq!(
        e.modify("order-rules-2", "capture", Some(1_000), "a")
            .status,
        200
    );
    let c = e.modify("order-rules-2", "cancel", None, "b").json();
    assert_eq!(c["state"], "AUTHORIZED");
    assert_eq!(c["aggregate"]["cancelledAmount"]["value"], 4000);
    let after = e.modify("order-rules-2", "capture", Some(100), "c");
    assert_eq!(after.error_code().as_deref(), Some("6070"));
    assert_eq!(h.ledger_entry("order-rules-2")["captured"], 1000);
}

#[test]
fn cancel_before_authorization_terminates_and_final_states_refuse_cancel() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("order-cancel-1", 3_000, "c").status, 201);
    let r = e.modify("order-cancel-1", "cancel", None, "x").json();
    assert_eq!(r["state"], "TERMINATED");
    assert_eq!(r["aggregate"]["cancelledAmount"]["value"], 3000);
    assert_eq!(r["aggregate"]["authorizedAmount"]["value"], 0);
    let again = e.modify("order-cancel-1", "cancel", None, "y");
    assert_eq!(again.status, 400);

    assert_eq!(e.create("order-cancel-2", 3_000, "c").status, 201);
    assert_eq!(
        h.control("POST", "/_sim/payments/order-cancel-2/reject", None)
            .json()["state"],
        "ABORTED"
    );
    assert_eq!(e.modify("order-cancel-2", "cancel", None, "z").status, 400);
    assert_eq!(
        e.modify("order-cancel-2", "capture", Some(1), "w")
            .error_code()
            .as_deref(),
        Some("6080")
    );

    assert_eq!(e.create("order-cancel-3", 3_000, "c").status, 201);
    assert_eq!(
        h.control("POST", "/_sim/payments/order-cancel-3/expire", None)
            .json()["state"],
        "EXPIRED"
    );
    assert_eq!(e.modify("order-cancel-3", "cancel", None, "z").status, 400);
    assert_eq!(e.modify("missing-ref-1", "cancel", None, "z").status, 404);
}

#[test]
fn create_validation_and_duplicates() {
    let h = start();
    let e = h.epayment();
    let base = json!({
        "amount": {"currency": "NOK", "value": 1000},
        "paymentMethod": {"type": "WALLET"},
        "reference": "order-valid-1",
        "userFlow": "PUSH_MESSAGE",
        "customer": {"phoneNumber": "4791234567"}
    });
    let mut float = base.clone();
    float["amount"]["value"] = json!(10.5);
    let r = create_with(&h, &e, float);
    assert_eq!(r.status, 400);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("amount.value"));
    let mut string_value = base.clone();
    string_value["amount"]["value"] = json!("1000");
    string_value["reference"] = json!("order-valid-2");
    assert_eq!(create_with(&h, &e, string_value).status, 400);
    let mut bad_ref = base.clone();
    bad_ref["reference"] = json!("bad ref!");
    assert_eq!(create_with(&h, &e, bad_ref).status, 400);

    let ok = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some("push-1")),
        Some(&base.to_string()),
    );
    assert_eq!(ok.status, 201);
    assert!(
        ok.json().get("redirectUrl").is_none(),
        "PUSH_MESSAGE has no redirectUrl"
    );
    let dup = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some("push-2")),
        Some(&base.to_string()),
    );
    assert_eq!(dup.status, 409);

    let no_key = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(None),
        Some(&base.to_string()),
    );
    assert_eq!(no_key.status, 400);
    let long_key = "k".repeat(51);
    let too_long = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some(&long_key)),
        Some(&base.to_string()),
    );
    assert_eq!(too_long.status, 400);
}

#[test]
fn capture_currency_must_match_and_body_is_required() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-cur-1", 1_000);
    let eur = json!({"modificationAmount": {"currency": "EUR", "value": 100}}).to_string();
    let r = h.call(
        "POST",
        "/epayment/v1/payments/order-cur-1/capture",
        &e.headers(Some("a")),
        Some(&eur),
    );
    assert_eq!(r.status, 400);
    let r = h.call(
        "POST",
        "/epayment/v1/payments/order-cur-1/capture",
        &e.headers(Some("b")),
        None,
    );
    assert_eq!(r.status, 400);
    assert_eq!(h.ledger_entry("order-cur-1")["captured"], 0);
}

#[test]
fn test_approve_endpoint_authorizes_once() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("order-approve-1", 1_000, "c").status, 201);
    let body = json!({"customer": {"phoneNumber": "4791234567"}}).to_string();
    let path = "/epayment/v1/test/payments/order-approve-1/approve";
    let r = h.call("POST", path, &e.headers(None), Some(&body));
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(
        e.get("order-approve-1").json()["aggregate"]["authorizedAmount"]["value"],
        1000
    );
    assert_eq!(
        h.call("POST", path, &e.headers(None), Some(&body)).status,
        400
    );
    let bad_phone = json!({"customer": {"phoneNumber": "12"}}).to_string();
    assert_eq!(
        h.call("POST", path, &e.headers(None), Some(&bad_phone))
            .status,
        400
    );
}

#[test]
fn expires_at_is_honoured_lazily() {
    let h = start();
    let e = h.epayment();
    let now = h
        .control("POST", "/_sim/clock/advance", Some(json!({"seconds": 0})))
        .json()["now"]
        .as_str()
        .unwrap()
        .to_string();
    // 20 minutes ahead of the simulated now.
    let at = vipps_sim::timefmt::parse_rfc3339(&now).unwrap() + 20 * 60 * 1000;
    let body = json!({
        "amount": {"currency": "NOK", "value": 1000},
        "paymentMethod": {"type": "WALLET"},
        "reference": "order-expiry-1",
        "userFlow": "QR",
        "expiresAt": vipps_sim::timefmt::rfc3339_ms(at),
        // A long-living payment needs a receipt (spec; error code 6130).
        "receipt": {"orderLines": [], "bottomLine": {"currency": "NOK"}}
    });
    assert_eq!(create_with(&h, &e, body).status, 201);
    h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 19 * 60})),
    );
    assert_eq!(e.get("order-expiry-1").json()["state"], "CREATED");
    h.control("POST", "/_sim/clock/advance", Some(json!({"seconds": 61})));
    let e2 = h.epayment();
    assert_eq!(e2.get("order-expiry-1").json()["state"], "EXPIRED");
    let names: Vec<Value> = e2
        .events("order-expiry-1")
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].clone())
        .collect();
    assert_eq!(names, [json!("CREATED"), json!("EXPIRED")]);
}
