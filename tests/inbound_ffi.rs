//! The inbound functions through the C ABI, called as a binding would: C strings, raw body
//! pointers, owned envelopes freed with vipps_string_free.

mod common;

use common::Harness;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use vipps::ffi::*;

fn take(ptr: *mut c_char) -> Value {
    assert!(!ptr.is_null());
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
    unsafe { vipps_string_free(ptr) };
    serde_json::from_str(&text).unwrap()
}

fn new_client(h: &Harness) -> *mut vipps_client {
    let config = CString::new(
        h.config(json!({"callback_secret": "a-callback-secret-for-the-tests"}))
            .to_string(),
    )
    .unwrap();
    let client = unsafe { vipps_client_new(config.as_ptr(), std::ptr::null_mut()) };
    assert!(!client.is_null());
    client
}

fn handle(client: *const vipps_client, request: &Value, body: *const u8, len: usize) -> Value {
    let request = CString::new(request.to_string()).unwrap();
    take(unsafe { vipps_handle_callback(client, request.as_ptr(), body, len) })
}

#[test]
fn handle_callback_through_the_c_abi() {
    let h = Harness::start();
    let client = new_client(&h);
    let rust = h.client_with(json!({"callback_secret": "a-callback-secret-for-the-tests"}));
    let token = rust.checkout_callback_token("acme-order-10001").unwrap();
    let body = json!({"sessionId": "s", "reference": "acme-order-10001", "sessionState": "SessionExpired"}).to_string();
    let request = json!({"method": "POST", "url": "/cb", "headers": {"Authorization": token}});

    let envelope = handle(client, &request, body.as_ptr(), body.len());
    assert_eq!(envelope["ok"], true, "{envelope}");
    assert_eq!(envelope["data"]["event"]["verified"], true);
    assert_eq!(envelope["data"]["event"]["status"], "expired");
    assert_eq!(envelope["data"]["response"]["status"], 200);

    // A forged one is an ok envelope that says so, with the status to answer.
    let forged = json!({"method": "POST", "url": "/cb", "headers": {"Authorization": "nope"}});
    let envelope = handle(client, &forged, body.as_ptr(), body.len());
    assert_eq!(envelope["ok"], true);
    assert_eq!(envelope["data"]["event"]["verified"], false);
    assert_eq!(envelope["data"]["response"]["status"], 401);

    // NULL body with length 0 is an empty body (a consent removal has none).
    let consent = json!({"method": "DELETE", "url": "/c/v2/consents/u-1", "headers": {"Authorization": "t-1"}, "expected_token": "t-1", "reference": "order-1"});
    let envelope = handle(client, &consent, std::ptr::null(), 0);
    assert_eq!(envelope["data"]["event"]["verified"], true, "{envelope}");
    let envelope = handle(client, &request, std::ptr::null(), 0);
    assert_eq!(envelope["data"]["response"]["status"], 400);

    // NULL body with a length, NULL request, NULL client, bad JSON: invalid_input errors.
    let envelope = handle(client, &request, std::ptr::null(), 10);
    assert_eq!(envelope["ok"], false);
    assert_eq!(envelope["error"]["kind"], "invalid_input");
    assert!(envelope["error"]["message"]
        .as_str()
        .unwrap()
        .contains("body is NULL"));
    let envelope =
        take(unsafe { vipps_handle_callback(client, std::ptr::null(), body.as_ptr(), body.len()) });
    assert_eq!(envelope["error"]["kind"], "invalid_input");
    let envelope = handle(std::ptr::null(), &request, body.as_ptr(), body.len());
    assert_eq!(envelope["error"]["kind"], "invalid_input");
    let bad = CString::new("{\"url\": ").unwrap();
    let envelope =
        take(unsafe { vipps_handle_callback(client, bad.as_ptr(), body.as_ptr(), body.len()) });
    assert_eq!(envelope["error"]["kind"], "invalid_input");

    // A body with NUL bytes and invalid UTF-8 travels intact (it is bytes, not a C string).
    let binary = b"{\0\xff}";
    let envelope = handle(
        client,
        &json!({"method": "POST", "url": "/cb", "kind": "checkout_callback", "headers": {}}),
        binary.as_ptr(),
        binary.len(),
    );
    assert_eq!(envelope["data"]["response"]["status"], 400);

    unsafe { vipps_client_free(client) };
}

#[test]
fn shipping_answers_events_and_webhooks_through_the_c_abi() {
    let h = Harness::start();
    let client = new_client(&h);
    let call = |f: unsafe extern "C" fn(*const vipps_client, *const c_char) -> *mut c_char,
                request: Value| {
        let request = CString::new(request.to_string()).unwrap();
        take(unsafe { f(client, request.as_ptr()) })
    };
    let envelope = call(
        vipps_shipping_options_response,
        json!({"kind": "checkout_shipping", "options": [
        {"id": "a", "brand": "POSTEN", "amount": {"value": 100, "currency": "NOK"}, "priority": 0, "isDefault": true}]}),
    );
    assert_eq!(envelope["ok"], true, "{envelope}");
    assert!(envelope["data"]["body"].as_str().unwrap().starts_with('['));
    let envelope = call(
        vipps_shipping_options_response,
        json!({"kind": "checkout_shipping", "options": [{"id": "a"}]}),
    );
    assert_eq!(envelope["error"]["kind"], "invalid_input");

    let event = json!({"verified": true, "id": "e-1", "reference": "r-1", "status": "authorized",
                       "amounts": {"basis": "operation", "authorized": 1000}});
    let envelope = call(vipps_apply_event, json!({"record": null, "event": event}));
    assert_eq!(envelope["data"]["applied"], true, "{envelope}");
    assert_eq!(envelope["data"]["record"]["status"], "authorized");
    let again = call(
        vipps_apply_event,
        json!({"record": envelope["data"]["record"], "event": event}),
    );
    assert_eq!(again["data"]["applied"], false);

    let envelope = call(
        vipps_register_webhook,
        json!({"url": "http://127.0.0.1:9/hook", "events": ["epayments.payment.captured.v1"]}),
    );
    assert_eq!(envelope["ok"], true, "{envelope}");
    let id = envelope["data"]["id"].as_str().unwrap().to_owned();
    assert!(envelope["data"]["secret"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    let listed = call(vipps_list_webhooks, json!({}));
    assert!(listed["data"]["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == id.as_str()));
    assert_eq!(
        call(vipps_delete_webhook, json!({"id": id}))["data"]["deleted"],
        true
    );
    assert_eq!(
        call(vipps_delete_webhook, json!({"id": id}))["error"]["kind"],
        "not_found"
    );
    unsafe { vipps_client_free(client) };
}
