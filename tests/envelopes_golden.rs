//! The C ABI's envelopes for a fixed set of requests, compared byte for byte with a golden file.
//!
//! Why: a refactor of the library (issue 18) must not change what a binding receives. Every
//! operation, its input errors, API errors, callback refusals and `vipps_apply_event` go through
//! the C ABI against a fresh in-process simulator; the envelopes (with generated UUIDs,
//! timestamps, secrets and the simulator's address normalized) must equal
//! `tests/golden/envelopes.jsonl`. After an intended change of behaviour, regenerate it with
//! `VIPPS_BLESS_GOLDEN=1 cargo test --test envelopes_golden` and review the diff.

mod common;

use common::Harness;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use vipps::ffi::*;

type Operation = unsafe extern "C" fn(*const vipps_client, *const c_char) -> *mut c_char;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/envelopes.jsonl");
const SECRET: &str = "a-callback-secret-for-the-golden-test";

fn take(ptr: *mut c_char) -> String {
    assert!(!ptr.is_null());
    let text = unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .expect("envelopes are UTF-8")
        .to_owned();
    unsafe { vipps_string_free(ptr) };
    text
}

/// Records every envelope as one line: `name<TAB>normalized envelope`.
struct Recorder {
    base_url: String,
    lines: Vec<String>,
}

impl Recorder {
    fn record(&mut self, name: &str, envelope: String) {
        let value: Value = serde_json::from_str(&envelope).expect("an envelope is JSON");
        let normalized = normalize(value, None, &self.base_url);
        self.lines.push(format!("{name}\t{normalized}"));
    }

    fn call(&mut self, name: &str, client: *const vipps_client, f: Operation, request: Value) {
        let request = CString::new(request.to_string()).expect("no NUL in requests");
        let envelope = take(unsafe { f(client, request.as_ptr()) });
        self.record(name, envelope);
    }

    fn call_raw(&mut self, name: &str, client: *const vipps_client, f: Operation, raw: &str) {
        let request = CString::new(raw).expect("no NUL in requests");
        let envelope = take(unsafe { f(client, request.as_ptr()) });
        self.record(name, envelope);
    }

    fn free_function(
        &mut self,
        name: &str,
        f: unsafe extern "C" fn(*const c_char) -> *mut c_char,
        request: Value,
    ) {
        let request = CString::new(request.to_string()).expect("no NUL in requests");
        let envelope = take(unsafe { f(request.as_ptr()) });
        self.record(name, envelope);
    }

    fn callback(&mut self, name: &str, client: *const vipps_client, request: Value, body: &[u8]) {
        let request = CString::new(request.to_string()).expect("no NUL in requests");
        let envelope = take(unsafe {
            vipps_handle_callback(client, request.as_ptr(), body.as_ptr(), body.len())
        });
        self.record(name, envelope);
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(10) == Some(&b'T')
}

/// Replaces what differs from run to run: generated ids, times, secrets, the simulator's port.
fn normalize(value: Value, key: Option<&str>, base_url: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = normalize(v, Some(&k), base_url);
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| normalize(v, key, base_url))
                .collect(),
        ),
        Value::String(s) => {
            let volatile_key = matches!(
                key,
                Some("secret" | "auth_token" | "token" | "pspReference" | "psp_reference")
            );
            if volatile_key && !s.is_empty() {
                Value::String(format!("<{}>", key.unwrap_or_default()))
            } else if is_uuid(&s) {
                Value::String("<uuid>".into())
            } else if is_timestamp(&s) {
                Value::String("<time>".into())
            } else {
                Value::String(normalize_text(&s, base_url))
            }
        }
        other => other,
    }
}

/// Inside free text (messages, URLs): the simulator's address and any UUID.
fn normalize_text(s: &str, base_url: &str) -> String {
    let s = s.replace(base_url, "<base>");
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while !rest.is_empty() {
        if rest.len() >= 36 && rest.is_char_boundary(36) && is_uuid(&rest[..36]) {
            out.push_str("<uuid>");
            rest = &rest[36..];
        } else {
            let c = rest.chars().next().expect("rest is not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn new_client(config: &Value) -> (*mut vipps_client, Option<String>) {
    let config = CString::new(config.to_string()).expect("no NUL in the configuration");
    let mut error: *mut c_char = std::ptr::null_mut();
    let client = unsafe { vipps_client_new(config.as_ptr(), &mut error) };
    let error = (!error.is_null()).then(|| take(error));
    (client, error)
}

fn session(reference: &str, value: i64) -> Value {
    json!({
        "merchantInfo": {"callbackUrl": "https://shop.example/vipps/callback", "returnUrl": "https://shop.example/return",
                         "callbackAuthorizationToken": "fixed-token-for-the-golden-test"},
        "transaction": {"amount": {"value": value, "currency": "NOK"}, "reference": reference, "paymentDescription": "Socks"},
        "idempotency_key": format!("session-1-{reference}")
    })
}

fn payment(reference: &str, value: i64) -> Value {
    json!({
        "amount": {"value": value, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
        "paymentDescription": "A warm winter coat",
        "idempotency_key": format!("create-1-{reference}")
    })
}

fn ecom_order(order_id: &str, amount: i64) -> Value {
    json!({
        "customerInfo": {"mobileNumber": "91234567"},
        "merchantInfo": {"callbackPrefix": "https://shop.example/vipps", "fallBack": "https://shop.example/return"},
        "transaction": {"amount": amount, "orderId": order_id, "transactionText": "One pair of socks"},
        "idempotency_key": format!("initiate-1-{order_id}")
    })
}

/// Drives the fixed set of requests and returns the normalized envelopes, one per line.
fn run() -> String {
    let h = Harness::start();
    let mut r = Recorder {
        base_url: h.base_url().to_owned(),
        lines: Vec::new(),
    };

    // Client creation: refusals, then the client used below.
    let (bad, error) = new_client(&json!({"system_name": 5}));
    assert!(bad.is_null());
    r.record("client_new.invalid", error.expect("an error envelope"));
    let (bad, error) = new_client(
        &json!({"base_url": "ftp://x", "system_name": "a", "system_version": "1", "plugin_name": "p", "plugin_version": "1"}),
    );
    assert!(bad.is_null());
    r.record("client_new.bad_url", error.expect("an error envelope"));
    let (client, error) = new_client(&h.config(json!({"callback_secret": SECRET})));
    assert!(error.is_none(), "{error:?}");
    let c = client as *const vipps_client;

    // Free functions.
    r.free_function(
        "make_order_id",
        vipps_make_order_id,
        json!({"prefix": "acme", "order_number": 10001, "msn": "123456", "attempt": 2}),
    );
    r.free_function(
        "make_order_id.invalid",
        vipps_make_order_id,
        json!({"prefix": "a b"}),
    );
    r.free_function(
        "idempotency_key",
        vipps_idempotency_key,
        json!({"reference": "acme-order-1", "operation": "capture", "attempt": 2}),
    );
    r.free_function(
        "idempotency_key.ecom_long",
        vipps_idempotency_key,
        json!({"reference": "a-very-long-order-reference-that-does-not-fit-the-header", "operation": "refund", "api": "ecom"}),
    );
    r.free_function(
        "idempotency_key.invalid",
        vipps_idempotency_key,
        json!({"reference": "r", "operation": "steal"}),
    );

    // Checkout.
    r.call(
        "create_session",
        c,
        vipps_create_session,
        session("golden-session-1", 49900),
    );
    r.call(
        "create_session.duplicate",
        c,
        vipps_create_session,
        json!(session("golden-session-1", 100)),
    );
    r.call(
        "create_session.decimal",
        c,
        vipps_create_session,
        session("golden-session-2", 0).as_object().map_or(json!({}), |o| {
            let mut o = o.clone();
            o.insert(
                "transaction".into(),
                json!({"amount": {"value": 10.5, "currency": "NOK"}, "reference": "golden-session-2", "paymentDescription": "x"}),
            );
            Value::Object(o)
        }),
    );
    r.call(
        "get_session",
        c,
        vipps_get_session,
        json!({"reference": "golden-session-1"}),
    );
    r.call(
        "get_session.not_found",
        c,
        vipps_get_session,
        json!({"reference": "golden-no-such-session"}),
    );
    r.call(
        "update_session",
        c,
        vipps_update_session,
        json!({"reference": "golden-session-1", "transaction": {"amount": {"value": 50000, "currency": "NOK"}},
               "idempotency_key": "update-1-golden-session-1"}),
    );
    r.call(
        "expire_session",
        c,
        vipps_expire_session,
        json!({"reference": "golden-session-1", "idempotency_key": "expire-1-golden-session-1"}),
    );
    r.call(
        "get_session.expired",
        c,
        vipps_get_session,
        json!({"reference": "golden-session-1"}),
    );

    // ePayment: the whole life of one payment.
    let p = "golden-payment-1";
    r.call("create_payment", c, vipps_create_payment, payment(p, 10000));
    r.call(
        "create_payment.no_reference",
        c,
        vipps_create_payment,
        json!({"amount": {"value": 1, "currency": "NOK"}}),
    );
    r.call_raw(
        "create_payment.bad_json",
        c,
        vipps_create_payment,
        "{\"amount\": ",
    );
    r.call("get_payment", c, vipps_get_payment, json!({"reference": p}));
    r.call(
        "capture.before_approval",
        c,
        vipps_capture,
        json!({"reference": p, "amount": {"value": 1000, "currency": "NOK"}, "idempotency_key": "capture-0-golden"}),
    );
    r.call(
        "force_approve",
        c,
        vipps_force_approve,
        json!({"reference": p, "customer": {"phoneNumber": "4791234567"}}),
    );
    r.call(
        "wait_for_final_status",
        c,
        vipps_wait_for_final_status,
        json!({"reference": p, "timeout_ms": 2000}),
    );
    r.call(
        "capture",
        c,
        vipps_capture,
        json!({"reference": p, "amount": {"value": 4000, "currency": "NOK"}, "idempotency_key": "capture-1-golden"}),
    );
    r.call(
        "capture.zero",
        c,
        vipps_capture,
        json!({"reference": p, "amount": {"value": 0, "currency": "NOK"}}),
    );
    r.call(
        "capture.no_amount",
        c,
        vipps_capture,
        json!({"reference": p}),
    );
    r.call(
        "refund",
        c,
        vipps_refund,
        json!({"reference": p, "amount": {"value": 1500, "currency": "NOK"}, "idempotency_key": "refund-1-golden"}),
    );
    r.call(
        "refund.too_much",
        c,
        vipps_refund,
        json!({"reference": p, "amount": {"value": 999999, "currency": "NOK"}, "idempotency_key": "refund-2-golden"}),
    );
    r.call(
        "cancel",
        c,
        vipps_cancel,
        json!({"reference": p, "idempotency_key": "cancel-1-golden"}),
    );
    r.call(
        "get_payment.after",
        c,
        vipps_get_payment,
        json!({"reference": p}),
    );
    r.call(
        "get_payment_events",
        c,
        vipps_get_payment_events,
        json!({"reference": p}),
    );
    r.call("reconcile", c, vipps_reconcile, json!({"reference": p}));
    r.call(
        "reconcile.not_found",
        c,
        vipps_reconcile,
        json!({"reference": "golden-missing"}),
    );
    r.call(
        "get_payment.null_client",
        std::ptr::null(),
        vipps_get_payment,
        json!({"reference": p}),
    );

    // eCom v2 (legacy) through the same operations with "api": "ecom".
    let o = "golden-ecom-1";
    r.call(
        "ecom_initiate",
        c,
        vipps_ecom_initiate,
        ecom_order(o, 10000),
    );
    r.call(
        "ecom_initiate.invalid",
        c,
        vipps_ecom_initiate,
        json!({"transaction": {"amount": 1}}),
    );
    r.call(
        "force_approve.ecom",
        c,
        vipps_force_approve,
        json!({"reference": o, "api": "ecom", "customerPhoneNumber": "91234567"}),
    );
    r.call(
        "get_payment.ecom",
        c,
        vipps_get_payment,
        json!({"reference": o, "api": "ecom"}),
    );
    r.call(
        "capture.ecom",
        c,
        vipps_capture,
        json!({"reference": o, "api": "ecom", "amount": 4000, "idempotency_key": "capture-1-golden-ecom"}),
    );
    r.call(
        "refund.ecom",
        c,
        vipps_refund,
        json!({"reference": o, "api": "ecom", "amount": 1000, "idempotency_key": "refund-1-golden-ecom"}),
    );
    r.call(
        "cancel.ecom",
        c,
        vipps_cancel,
        json!({"reference": o, "api": "ecom", "idempotency_key": "cancel-1-golden-ecom"}),
    );
    r.call(
        "get_payment_events.ecom",
        c,
        vipps_get_payment_events,
        json!({"reference": o, "api": "ecom"}),
    );
    r.call("ecom_status", c, vipps_ecom_status, json!({"reference": o}));
    r.call(
        "capture.ecom_unknown",
        c,
        vipps_capture,
        json!({"reference": "golden-ecom-missing", "api": "ecom", "amount": 100}),
    );

    // Webhooks.
    let url = "https://shop.example/vipps/webhook";
    let events = json!([
        "epayments.payment.authorized.v1",
        "epayments.payment.captured.v1"
    ]);
    r.call(
        "register_webhook.invalid",
        c,
        vipps_register_webhook,
        json!({"url": url, "events": ["no.such.event"]}),
    );
    r.call(
        "ensure_webhook",
        c,
        vipps_ensure_webhook,
        json!({"url": url, "events": events}),
    );
    r.call(
        "ensure_webhook.again",
        c,
        vipps_ensure_webhook,
        json!({"url": url, "events": events}),
    );
    r.call("list_webhooks", c, vipps_list_webhooks, json!({}));
    r.call(
        "register_webhook",
        c,
        vipps_register_webhook,
        json!({"url": "https://shop.example/other", "events": events}),
    );
    r.call(
        "delete_webhook.not_found",
        c,
        vipps_delete_webhook,
        json!({"id": "00000000-0000-0000-0000-000000000000"}),
    );
    r.call("delete_webhook.invalid", c, vipps_delete_webhook, json!({}));

    // Inbound: a verified Checkout callback, refusals, shipping, events.
    let rust = h.client_with(json!({"callback_secret": SECRET}));
    let token = rust
        .checkout_callback_token("golden-session-9")
        .expect("a token");
    let body = json!({"sessionId": "s-1", "reference": "golden-session-9", "sessionState": "PaymentSuccessful",
                      "paymentDetails": {"amount": {"value": 1000, "currency": "NOK"}, "state": "AUTHORIZED",
                                         "aggregate": {"authorizedAmount": {"value": 1000, "currency": "NOK"},
                                                       "capturedAmount": {"value": 0, "currency": "NOK"},
                                                       "refundedAmount": {"value": 0, "currency": "NOK"},
                                                       "cancelledAmount": {"value": 0, "currency": "NOK"}}}})
    .to_string();
    r.callback(
        "handle_callback.checkout",
        c,
        json!({"method": "POST", "url": "/vipps/callback", "headers": {"Authorization": token}}),
        body.as_bytes(),
    );
    r.callback(
        "handle_callback.forged",
        c,
        json!({"method": "POST", "url": "/vipps/callback", "headers": {"Authorization": "nope"}}),
        body.as_bytes(),
    );
    r.callback(
        "handle_callback.no_headers",
        c,
        json!({"method": "POST", "url": "/vipps/callback", "kind": "checkout_callback", "headers": {}}),
        body.as_bytes(),
    );
    r.callback(
        "handle_callback.binary",
        c,
        json!({"method": "POST", "url": "/cb", "kind": "checkout_callback", "headers": {}}),
        b"{\0\xff}",
    );
    r.callback(
        "handle_callback.webhook_unsigned",
        c,
        json!({"method": "POST", "url": "/vipps/webhook", "kind": "epayment_webhook",
               "headers": {"Host": "shop.example", "x-ms-date": "Mon, 30 Nov 2026 12:00:00 GMT"}}),
        br#"{"reference":"r-1","name":"AUTHORIZED"}"#,
    );
    r.callback(
        "handle_callback.ecom_consent",
        c,
        json!({"method": "DELETE", "url": "/vipps/v2/consents/u-1", "headers": {"Authorization": "t-1"},
               "expected_token": "t-1", "reference": "order-1"}),
        b"",
    );
    r.call(
        "shipping_options_response",
        c,
        vipps_shipping_options_response,
        json!({"kind": "checkout_shipping", "options": [
            {"id": "a", "brand": "POSTEN", "amount": {"value": 100, "currency": "NOK"}, "priority": 0, "isDefault": true}]}),
    );
    r.call(
        "shipping_options_response.invalid",
        c,
        vipps_shipping_options_response,
        json!({"kind": "checkout_shipping", "options": [{"id": "a"}]}),
    );
    let event = json!({"verified": true, "id": "e-1", "reference": "r-1", "status": "authorized",
                       "amounts": {"basis": "operation", "authorized": 1000}});
    r.call(
        "apply_event",
        c,
        vipps_apply_event,
        json!({"record": null, "event": event}),
    );
    let captured = json!({"verified": true, "id": "e-2", "reference": "r-1", "status": "captured",
                          "amounts": {"basis": "operation", "captured": 1000}});
    let record = json!({"reference": "r-1", "status": "authorized", "amounts": {"authorized": 1000}, "seen": ["e-1"]});
    r.call(
        "apply_event.capture",
        c,
        vipps_apply_event,
        json!({"record": record, "event": captured}),
    );
    r.call(
        "apply_event.unverified",
        c,
        vipps_apply_event,
        json!({"record": null, "event": {"verified": false, "reference": "r-1", "status": "captured"}}),
    );
    r.call(
        "apply_event.invalid",
        c,
        vipps_apply_event,
        json!({"event": 5}),
    );

    unsafe { vipps_client_free(client) };
    let mut out = r.lines.join("\n");
    out.push('\n');
    out
}

#[test]
fn the_c_abi_answers_exactly_as_recorded() {
    let actual = run();
    if std::env::var_os("VIPPS_BLESS_GOLDEN").is_some() {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden"))
            .expect("tests/golden can be created");
        std::fs::write(GOLDEN, &actual).expect("the golden file is writable");
        return;
    }
    let expected = std::fs::read_to_string(GOLDEN)
        .expect("tests/golden/envelopes.jsonl exists (VIPPS_BLESS_GOLDEN=1 writes it)");
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        assert_eq!(e, a, "envelope {} differs", i + 1);
    }
    assert_eq!(expected, actual, "the number of envelopes differs");
}
