//! Issue 15, defect 12 (second point): which host a webhook signature is checked against.
//! Before, both the `Host` header and an absolute URL's authority were tried, so a signature
//! made for another host could pass. Now exactly one host is used: the plugin's pinned `host`
//! (the host it registered the webhook for), else the absolute URL's authority, else the one
//! `Host` header.

mod common;

use serde_json::{json, Value};
use std::time::SystemTime;
use vipps::inbound::webhook_signature::{content_hash, signature};
use vipps::{Client, ErrorKind};

const SECRET: &str = "the-webhook-secret-of-the-registration";
const DATE: &str = "Mon, 30 Nov 2026 10:00:00 GMT";
const PATH: &str = "/vipps/webhook?site=2";

fn client() -> Client {
    common::offline_client(json!({"webhook_secrets": [SECRET]}))
}

fn body() -> Vec<u8> {
    serde_json::to_vec(&json!({"msn": "123456", "reference": "acme-order-hook-1",
        "pspReference": "psp-1", "name": "AUTHORIZED",
        "amount": {"value": 1000, "currency": "NOK"},
        "timestamp": "2026-11-30T10:00:00Z", "idempotencyKey": null, "success": true}))
    .unwrap()
}

/// A delivery signed for `signed_host`, described with `url`, `host_headers` and `extra`.
fn delivery(signed_host: &str, url: &str, host_headers: Value, extra: Value) -> Value {
    let hash = content_hash(&body());
    let sig = signature(SECRET, "POST", PATH, DATE, signed_host, &hash);
    let mut request = json!({"method": "POST", "url": url, "headers": {
        "Host": host_headers, "x-ms-date": DATE, "x-ms-content-sha256": hash,
        "Authorization": format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={sig}")}});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    request
}

fn verified(client: &Client, request: &Value) -> bool {
    let now: SystemTime = httpdate::parse_http_date(DATE).unwrap();
    let answer = client.handle_callback_at(request, &body(), now).unwrap();
    assert_eq!(
        answer["response"]["status"],
        if answer["event"]["verified"] == true {
            200
        } else {
            401
        },
        "{answer}"
    );
    answer["event"]["verified"] == true
}

#[test]
fn a_pinned_host_is_the_only_one_accepted() {
    let client = client();
    let pin = json!({"host": "shop.example"});
    let evil = json!("evil.example");
    // Signed for the pinned host: accepted whatever Host says (a proxy may rewrite it).
    assert!(verified(
        &client,
        &delivery("shop.example", PATH, evil.clone(), pin.clone())
    ));
    let absolute = format!("https://internal.lan:8080{PATH}");
    assert!(verified(
        &client,
        &delivery("shop.example", &absolute, evil.clone(), pin.clone())
    ));
    // Signed for another host: refused, even when Host or the URL names that host.
    assert!(!verified(
        &client,
        &delivery("evil.example", PATH, evil.clone(), pin.clone())
    ));
    let evil_url = format!("https://evil.example{PATH}");
    assert!(!verified(
        &client,
        &delivery("evil.example", &evil_url, evil, pin)
    ));
}

#[test]
fn without_a_pin_one_host_is_used_the_absolute_urls_else_the_host_header() {
    let client = client();
    let none = json!({});
    let absolute = format!("https://shop.example{PATH}");
    // An absolute URL: its authority, and not the Host header.
    assert!(verified(
        &client,
        &delivery(
            "shop.example",
            &absolute,
            json!("evil.example"),
            none.clone()
        )
    ));
    assert!(!verified(
        &client,
        &delivery(
            "evil.example",
            &absolute,
            json!("evil.example"),
            none.clone()
        )
    ));
    // A path: the Host header.
    assert!(verified(
        &client,
        &delivery("shop.example", PATH, json!("shop.example"), none.clone())
    ));
    assert!(!verified(
        &client,
        &delivery("evil.example", PATH, json!("shop.example"), none.clone())
    ));
    // Several different Host headers name no one host.
    let two = json!(["shop.example", "evil.example"]);
    assert!(!verified(
        &client,
        &delivery("evil.example", PATH, two.clone(), none.clone())
    ));
    assert!(!verified(
        &client,
        &delivery("shop.example", PATH, two, none.clone())
    ));
    // The same Host twice is still one host.
    let same = json!(["shop.example", "shop.example"]);
    assert!(verified(
        &client,
        &delivery("shop.example", PATH, same, none)
    ));
}

#[test]
fn a_pinned_host_must_be_a_host() {
    let client = client();
    for bad in [
        "",
        "shop.example/x",
        "https://shop.example",
        "a b",
        "user@shop.example",
        "shop.example\n",
    ] {
        let request = delivery(
            "shop.example",
            PATH,
            json!("shop.example"),
            json!({"host": bad}),
        );
        let err = client.handle_callback(&request, &body()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
        assert!(err.message.contains("host"), "{}", err.message);
    }
    let request = delivery("shop.example", PATH, json!("x"), json!({"host": 5}));
    assert_eq!(
        client.handle_callback(&request, &body()).unwrap_err().kind,
        ErrorKind::InvalidInput
    );
}
