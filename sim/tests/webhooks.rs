mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use vipps_sim::{DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

fn register(h: &Harness, bearer: &str, url: &str, events: Value) -> Resp {
    let body = json!({"url": url, "events": events}).to_string();
    h.call(
        "POST",
        "/webhooks/v1/webhooks",
        &[
            ("Authorization", bearer),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", DEFAULT_MSN),
        ],
        Some(&body),
    )
}

fn auth(bearer: &str) -> [(&str, &str); 2] {
    [
        ("Authorization", bearer),
        ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
    ]
}

/// Verifies a delivery the way a receiver would, with its own HMAC computation.
fn verify(got: &Received, secret: &str) {
    let hash = STANDARD.encode(Sha256::digest(got.body.as_bytes()));
    assert_eq!(got.headers["x-ms-content-sha256"], hash);
    let date = &got.headers["x-ms-date"];
    assert!(
        httpdate::parse_http_date(date).is_ok(),
        "x-ms-date is RFC 1123: {date}"
    );
    let host = &got.headers["host"];
    let message = format!("POST\n{}\n{date};{host};{hash}", got.path);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    let expected = format!(
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={}",
        STANDARD.encode(mac.finalize().into_bytes())
    );
    assert_eq!(got.headers["authorization"], expected);
}

#[test]
fn register_list_delete() {
    let h = start();
    let bearer = format!("Bearer {}", h.token());
    let r = register(
        &h,
        &bearer,
        "https://example.com/hook",
        json!(["epayments.payment.captured.v1"]),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36);
    assert!(!r.json()["secret"].as_str().unwrap().is_empty());

    let list = h
        .call("GET", "/webhooks/v1/webhooks", &auth(&bearer), None)
        .json();
    assert_eq!(
        list["webhooks"],
        json!([{"id": id, "url": "https://example.com/hook", "events": ["epayments.payment.captured.v1"]}])
    );

    let path = format!("/webhooks/v1/webhooks/{id}");
    assert_eq!(h.call("DELETE", &path, &auth(&bearer), None).status, 204);
    assert_eq!(h.call("DELETE", &path, &auth(&bearer), None).status, 404);
    assert_eq!(
        h.call("GET", "/webhooks/v1/webhooks", &auth(&bearer), None)
            .json()["webhooks"],
        json!([])
    );
    assert_eq!(
        h.call("GET", "/webhooks/v1/webhooks", &[], None).status,
        401
    );
}

#[test]
fn registration_is_validated_and_limited_per_event() {
    let h = start();
    let bearer = format!("Bearer {}", h.token());
    let ev = json!(["epayments.payment.authorized.v1"]);
    assert_eq!(
        register(&h, &bearer, "http://example.com/hook", ev.clone()).status,
        400,
        "plain http off loopback"
    );
    assert_eq!(register(&h, &bearer, "not a url", ev.clone()).status, 400);
    assert_eq!(
        register(&h, &bearer, "https://example.com/h", json!([])).status,
        400
    );
    let unknown = register(
        &h,
        &bearer,
        "https://example.com/h",
        json!(["epayments.payment.bogus.v1"]),
    );
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["extraDetails"][0]["name"], "events");
    for i in 0..25 {
        assert_eq!(
            register(&h, &bearer, &format!("http://127.0.0.1:9/{i}"), ev.clone()).status,
            201
        );
    }
    assert_eq!(
        register(&h, &bearer, "http://127.0.0.1:9/26", ev).status,
        400
    );
}

#[test]
fn deliveries_are_signed_and_only_for_subscribed_events() {
    let h = start();
    let rx = Receiver::start("/hooks/vipps?shop=1", &[]);
    let e = h.epayment();
    let r = register(
        &h,
        &e.bearer,
        &rx.url,
        json!([
            "epayments.payment.authorized.v1",
            "epayments.payment.captured.v1"
        ]),
    );
    let secret = r.json()["secret"].as_str().unwrap().to_string();

    e.authorized("order-hook-1", 5_000);
    assert_eq!(
        e.modify("order-hook-1", "capture", Some(2_000), "cap-1")
            .status,
        200
    );
    let got = rx.wait_for(2, 5);
    assert_eq!(settle(&rx, 300).len(), 2, "CREATED is not subscribed");
    for g in &got {
        assert_eq!(g.path, "/hooks/vipps?shop=1");
        assert_eq!(g.headers["host"], rx.authority);
        verify(g, &secret);
    }
    let first: Value = serde_json::from_str(&got[0].body).unwrap();
    let second: Value = serde_json::from_str(&got[1].body).unwrap();
    assert_eq!(first["name"], "AUTHORIZED");
    assert_eq!(first["msn"], DEFAULT_MSN);
    assert_eq!(first["reference"], "order-hook-1");
    assert_eq!(first["amount"], json!({"currency": "NOK", "value": 5000}));
    assert_eq!(first["success"], true);
    assert_eq!(second["name"], "CAPTURED");
    assert_eq!(second["amount"]["value"], 2000);
    assert_eq!(second["idempotencyKey"], "cap-1");
    assert!(second["pspReference"].is_string() && second["timestamp"].is_string());
}

#[test]
fn failed_deliveries_are_retried_in_order() {
    let h = start();
    let rx = Receiver::start("/hook", &[500, 503]);
    let e = h.epayment();
    let r = register(
        &h,
        &e.bearer,
        &rx.url,
        json!([
            "epayments.payment.authorized.v1",
            "epayments.payment.captured.v1"
        ]),
    );
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    e.authorized("order-hook-2", 5_000);
    assert_eq!(
        e.modify("order-hook-2", "capture", Some(5_000), "c").status,
        200
    );
    let got = rx.wait_for(4, 10);
    let names: Vec<String> = got
        .iter()
        .map(|g| {
            serde_json::from_str::<Value>(&g.body).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        ["AUTHORIZED", "AUTHORIZED", "AUTHORIZED", "CAPTURED"],
        "a failing event holds back later ones"
    );
    assert_eq!(got[0].body, got[2].body);
    for g in &got {
        verify(g, &secret);
    }
    let log = h.control("GET", "/_sim/callbacks", None).json();
    let statuses: Vec<Value> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(500), json!(503), json!(200), json!(200)]);
}

#[test]
fn delivery_policy_bounds_the_attempts() {
    let h = start();
    let set = h.call(
        "PUT",
        "/_sim/delivery-policy",
        &[],
        Some(r#"{"webhook_max_attempts":2,"webhook_initial_backoff_ms":50}"#),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let rx = Receiver::start("/hook", &[500, 500, 500, 500]);
    let e = h.epayment();
    register(
        &h,
        &e.bearer,
        &rx.url,
        json!(["epayments.payment.created.v1"]),
    );
    assert_eq!(e.create("order-hook-3", 1_000, "c").status, 201);
    rx.wait_for(2, 5);
    assert_eq!(settle(&rx, 500).len(), 2);
}
