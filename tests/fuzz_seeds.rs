//! The seed corpus of the fuzz targets (`fuzz/corpus/<target>/`): the committed seeds must keep
//! reaching the code they were made for, so that a change of the library does not quietly
//! leave the fuzzer starting from inputs that are refused at the door.
//!
//! `VIPPS_WRITE_FUZZ_SEEDS=1 cargo test --test fuzz_seeds` writes the callback and apply_event
//! seeds afresh: ePayment webhooks and Checkout callbacks as the simulator delivers them
//! (re-signed for the fuzz client's secrets at the fuzz targets' fixed time), eCom and
//! shipping callbacks from the spec examples (the simulator does not deliver those).

mod common;

use common::receiver::{Captured, Receiver};
use common::{payment_request, reference, session_request, Harness};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use vipps::inbound::webhook_signature::{content_hash, signature};
use vipps::Client;

// The same as fuzz/src/lib.rs.
const CALLBACK_SECRET: &str = "FUZZ-CALLBACK-SECRET-0123456789";
const WEBHOOK_SECRETS: [&str; 2] = [
    "FUZZ-WEBHOOK-SECRET-OLD-aaaa",
    "FUZZ-WEBHOOK-SECRET-NEW-bbbb",
];
const NOW_UNIX: u64 = 1_714_644_000;
const DATE: &str = "Thu, 02 May 2024 10:00:00 GMT";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

fn corpus(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

/// A client with the fuzz targets' secrets (it never connects anywhere here).
fn fuzz_client() -> Client {
    Client::new(
        &json!({"base_url": "http://127.0.0.1:9", "system_name": "fuzz", "system_version": "1.0",
                "plugin_name": "vipps-fuzz", "plugin_version": "1.0",
                "callback_secret": CALLBACK_SECRET, "webhook_secrets": WEBHOOK_SECRETS})
        .to_string(),
    )
    .unwrap()
}

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus(target))
        .unwrap_or_else(|e| panic!("fuzz/corpus/{target}: {e}"))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 3, "fuzz/corpus/{target} has a few seeds");
    out
}

/// `request_json \0 body`, as the handle_callback target splits it.
fn split(seed: &[u8]) -> (Value, &[u8]) {
    let at = seed.iter().position(|&b| b == 0).unwrap_or(seed.len());
    let request = serde_json::from_slice(&seed[..at]).expect("the request part is JSON");
    (request, seed.get(at + 1..).unwrap_or(&[]))
}

#[test]
fn callback_seeds_are_verified_or_refused_as_their_names_say() {
    if std::env::var_os("VIPPS_WRITE_FUZZ_SEEDS").is_some() {
        write_seeds();
    }
    let client = fuzz_client();
    let mut verified_kinds = std::collections::BTreeSet::new();
    for (name, seed) in seeds("handle_callback") {
        let (request, body) = split(&seed);
        let answer = client.handle_callback_at(&request, body, now()).unwrap();
        let expected = name.starts_with("ok-");
        assert_eq!(answer["event"]["verified"], expected, "{name}: {answer}");
        if expected {
            verified_kinds.insert(answer["event"]["kind"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        verified_kinds.len(),
        7,
        "a verified seed of every kind: {verified_kinds:?}"
    );
}

#[test]
fn apply_event_seeds_apply() {
    let mut applied = 0;
    for (name, seed) in seeds("apply_event") {
        let request: Value = serde_json::from_slice(&seed).unwrap();
        if request.get("event").is_some() {
            let answer =
                vipps::inbound::record::apply(&request).unwrap_or_else(|e| panic!("{name}: {e}"));
            applied += usize::from(answer["applied"] == true);
        }
    }
    assert!(applied >= 3, "most seeds apply an event");
}

#[test]
fn json_seeds_are_json_and_pick_an_operation() {
    for target in ["operations", "ffi"] {
        for (name, seed) in seeds(target) {
            if name.starts_with("null-") {
                continue; // bit 7 of the first byte: a NULL request
            }
            assert!(
                seed[0].is_ascii_lowercase(),
                "{target}/{name}: the first byte picks the function"
            );
            // The C string ends at the first NUL (a callback's body follows it).
            let end = seed.iter().position(|&b| b == 0).unwrap_or(seed.len());
            if !name.starts_with("bad-") {
                serde_json::from_slice::<Value>(&seed[1..end])
                    .unwrap_or_else(|e| panic!("{target}/{name}: {e}"));
            }
        }
    }
    for target in ["config", "shipping_options", "make_order_id"] {
        for (name, seed) in seeds(target) {
            serde_json::from_slice::<Value>(&seed)
                .unwrap_or_else(|e| panic!("{target}/{name}: {e}"));
        }
    }
}

// --- writing the seeds -------------------------------------------------------------------

fn seed(request: &Value, body: &[u8]) -> Vec<u8> {
    let mut out = serde_json::to_vec(request).unwrap();
    out.push(0);
    out.extend_from_slice(body);
    out
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(corpus(target)).unwrap();
    std::fs::write(corpus(target).join(name), bytes).unwrap();
}

/// A captured webhook delivery, re-signed with a fuzz webhook secret at the fuzz time.
fn resign(captured: &Captured) -> Value {
    let mut request = captured.request_json();
    let host = captured.header("Host").unwrap().to_owned();
    let hash = content_hash(&captured.body);
    let sig = signature(
        WEBHOOK_SECRETS[1],
        &captured.method,
        &captured.target,
        DATE,
        &host,
        &hash,
    );
    let headers = request["headers"].as_object_mut().unwrap();
    headers.retain(|k, _| {
        !["x-ms-date", "x-ms-content-sha256", "authorization"]
            .contains(&k.to_ascii_lowercase().as_str())
    });
    headers.insert("x-ms-date".into(), json!(DATE));
    headers.insert("x-ms-content-sha256".into(), json!(hash));
    headers.insert(
        "Authorization".into(),
        json!(format!(
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={sig}"
        )),
    );
    request
}

fn write_seeds() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let admin = h.client();
    let events: Vec<&str> = vipps::webhooks::EPAYMENT_EVENTS.to_vec();
    admin
        .register_webhook(
            &json!({"url": receiver.url("/vipps/webhook?shop=acme"), "events": events}),
        )
        .unwrap();
    // The sim derives nothing: the shop's client (with the fuzz callback secret) makes the
    // Checkout token, so the sim's callback carries the token the fuzz client derives.
    let shop = h.client_with(json!({"callback_secret": CALLBACK_SECRET}));
    let r = reference("fuzz-seed");
    shop.create_payment(&payment_request(&r, 10000)).unwrap();
    h.approve(&r);
    let nok = |v: i64| json!({"value": v, "currency": "NOK"});
    shop.capture(&json!({"reference": r, "amount": nok(6000)}))
        .unwrap();
    shop.refund(&json!({"reference": r, "amount": nok(2500)}))
        .unwrap();
    shop.cancel(&json!({"reference": r})).unwrap();
    let s = reference("fuzz-seed-session");
    let mut session = session_request(&s, 24900);
    session["merchantInfo"]["callbackUrl"] = json!(receiver.url(&format!("/vipps/callback/{s}")));
    shop.create_session(&session).unwrap();
    h.approve(&s);

    let all = receiver.wait_until(15, |all| {
        all.iter()
            .filter(|c| c.json()["reference"] == r.as_str())
            .count()
            >= 5
            && all.iter().any(|c| {
                c.json()["reference"] == s.as_str() && c.header("x-ms-content-sha256").is_none()
            })
    });
    let client = fuzz_client();
    let mut events = Vec::new();
    for captured in &all {
        let body = captured.json();
        let webhook = captured.header("x-ms-content-sha256").is_some();
        let (name, request) = if webhook && body["reference"] == r.as_str() {
            let name = body["name"].as_str().unwrap().to_ascii_lowercase();
            (format!("ok-epayment-{name}"), resign(captured))
        } else if !webhook && body["reference"] == s.as_str() {
            ("ok-checkout-callback".to_owned(), captured.request_json())
        } else {
            continue;
        };
        let answer = client
            .handle_callback_at(&request, &captured.body, now())
            .unwrap();
        assert_eq!(answer["event"]["verified"], true, "{name}: {answer}");
        if name.starts_with("ok-epayment") {
            events.push(answer["event"].clone());
        }
        write("handle_callback", &name, &seed(&request, &captured.body));
    }
    // A forged signature, a stale date, a body that is not JSON.
    let webhook = all
        .iter()
        .find(|c| c.json()["reference"] == r.as_str() && c.header("x-ms-content-sha256").is_some())
        .unwrap();
    let mut forged = resign(webhook);
    forged["headers"]["Authorization"] = json!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    write(
        "handle_callback",
        "refused-epayment-forged",
        &seed(&forged, &webhook.body),
    );
    let mut stale = resign(webhook);
    stale["headers"]["x-ms-date"] = json!("Thu, 02 May 2024 09:00:00 GMT");
    write(
        "handle_callback",
        "refused-epayment-stale",
        &seed(&stale, &webhook.body),
    );
    write(
        "handle_callback",
        "refused-not-json",
        &seed(
            &json!({"method": "POST", "url": "/vipps/callback", "kind": "checkout_callback", "headers": {}}),
            b"{\"sessionId\": ",
        ),
    );

    // eCom and shipping callbacks, from the spec examples.
    let order = "acme-shop-123-order123abc";
    let ecom_token = client.ecom_auth_token(order).unwrap();
    let ecom_headers = json!({"Content-Type": "application/json;charset=UTF-8", "Host": "shop.example", "Authorization": ecom_token});
    let ecom = json!({"merchantSerialNumber": 123456, "orderId": order,
        "transactionInfo": {"amount": 49900, "status": "RESERVED", "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5432123456"}});
    write(
        "handle_callback",
        "ok-ecom-callback",
        &seed(
            &json!({"method": "POST", "url": format!("/vipps/ecom/v2/payments/{order}"), "headers": ecom_headers}),
            &serde_json::to_vec(&ecom).unwrap(),
        ),
    );
    let express = json!({"merchantSerialNumber": "123456", "orderId": order,
        "shippingDetails": {"address": {"addressLine1": "Robert Levins gate 5", "addressLine2": "Att: Rune Garborg", "city": "Oslo",
                                        "country": "Norway", "postCode": "0154"},
                            "shippingCost": 30.0, "shippingMethod": "Posten Norge", "shippingMethodId": "posten-1"},
        "transactionInfo": {"amount": 49900, "status": "RESERVE", "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5432123457"},
        "userDetails": {"email": "user@example.com", "firstName": "Ada", "lastName": "Lovelace", "mobileNumber": "91234567", "userId": "uid-1"}});
    write(
        "handle_callback",
        "ok-ecom-express",
        &seed(
            &json!({"method": "POST", "url": format!("https://shop.example/vipps/ecom/v2/payments/{order}?x=1"), "headers": ecom_headers}),
            &serde_json::to_vec(&express).unwrap(),
        ),
    );
    let details = json!({"addressId": 100, "addressLine1": "Robert Levins gate 5", "addressLine2": "c/o Rune Garborg",
                         "city": "Oslo", "country": "Norway", "postCode": "0154", "addressType": "H"});
    write(
        "handle_callback",
        "ok-ecom-shipping-details",
        &seed(
            &json!({"method": "POST", "url": format!("/vipps/shipping/v2/payments/{order}/shippingDetails"), "headers": ecom_headers}),
            &serde_json::to_vec(&details).unwrap(),
        ),
    );
    write(
        "handle_callback",
        "ok-ecom-consent-removal",
        &seed(
            &json!({"method": "DELETE", "url": "/vipps/consents/v2/consents/uiJskNQ6qNN1iwN891uuob%3D%3D",
                "headers": {"Authorization": ecom_token}, "reference": order}),
            b"",
        ),
    );
    let shipping_token = client.checkout_callback_token(&s).unwrap();
    write("handle_callback", "ok-checkout-shipping", &seed(
        &json!({"method": "POST", "url": format!("/vipps/shipping?reference={s}"),
                "headers": {"Authorization": shipping_token, "Content-Type": "application/json"}}),
        &serde_json::to_vec(&json!({"streetAddress": "Robert Levins gate 5", "postalCode": "0154", "region": "Oslo", "country": "NO"})).unwrap()));

    let express = "fuzz-express-0001";
    let express_token = client.epayment_shipping_token(express).unwrap();
    write(
        "handle_callback",
        "ok-epayment-shipping",
        &seed(
            &json!({"method": "POST", "url": "/vipps/shipping",
                "headers": {"Authorization": express_token, "Content-Type": "application/json"}}),
            &serde_json::to_vec(
                &json!({"Reference": express, "AddressLine1": "Robert Levins gate 5",
            "AddressLine2": null, "City": "Oslo", "PostCode": "0154", "Country": "NO"}),
            )
            .unwrap(),
        ),
    );

    // apply_event: each event on the record before it, and all of them in one `events` list.
    let mut record = Value::Null;
    for (i, event) in events.iter().enumerate() {
        let request = json!({"record": record, "event": event});
        write(
            "apply_event",
            &format!("fold-{i}"),
            &serde_json::to_vec(&request).unwrap(),
        );
        record = vipps::inbound::record::apply(&request).unwrap()["record"].clone();
    }
    write(
        "apply_event",
        "events-list",
        &serde_json::to_vec(&json!({"record": null, "events": events})).unwrap(),
    );
}
