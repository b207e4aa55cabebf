//! A webhook secret given with the request (`webhook_secrets` in request_json) verifies a
//! delivery on a client created without it: a plugin that has just registered its webhook
//! does not need a second client. Both readers of request_json take it.

mod common;

use common::receiver::Receiver;
use common::{payment_request, reference, Harness};
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
use vipps::ffi::{
    vipps_client, vipps_client_free, vipps_client_new, vipps_handle_callback, vipps_string_free,
};
use vipps::ErrorKind;

#[test]
fn a_secret_given_with_the_request_verifies_a_delivery_without_a_second_client() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let client = h.client(); // no webhook_secrets configured
    let registered = client
        .ensure_webhook(
            &json!({"url": receiver.url("/hook"), "events": ["epayments.payment.authorized.v1"]}),
        )
        .unwrap();
    let secret = registered["secret"].as_str().unwrap().to_owned();
    let reference = reference("req-secret");
    client
        .create_payment(&payment_request(&reference, 1000))
        .unwrap();
    client
        .force_approve(&json!({"reference": reference, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
    let delivered = receiver.wait_until(10, |all| {
        all.iter()
            .any(|c| c.json()["reference"] == reference.as_str())
    });
    let delivery = delivered
        .iter()
        .find(|c| c.json()["reference"] == reference.as_str())
        .unwrap();
    let request = delivery.request_json();

    let without = client.handle_callback(&request, &delivery.body).unwrap();
    assert_eq!(without["event"]["verified"], false);
    assert_eq!(without["response"]["status"], 401);

    let mut with: Value = request.clone();
    with["webhook_secrets"] = json!(["not-this-one", secret]);
    let verified = client.handle_callback(&with, &delivery.body).unwrap();
    assert_eq!(verified["event"]["verified"], true, "{verified}");
    assert_eq!(verified["event"]["status"], "authorized");

    // The C ABI reads request_json as text first (borrowed fields), then as a Value when the
    // text has escapes: both must take the secret.
    let config = CString::new(h.config(json!({})).to_string()).unwrap();
    let native = unsafe { vipps_client_new(config.as_ptr(), std::ptr::null_mut()) };
    assert!(!native.is_null());
    for text in [
        with.to_string(),
        with.to_string().replacen("\"/hook", "\"\\/hook", 1),
    ] {
        assert!(text.contains("hook"));
        let envelope = ffi_handle(native, &text, &delivery.body);
        assert_eq!(envelope["ok"], true, "{envelope}");
        assert_eq!(
            envelope["data"]["event"]["verified"], true,
            "{text}: {envelope}"
        );
    }
    unsafe { vipps_client_free(native) };

    for bad in [json!("a-string"), json!([1]), json!([""])] {
        let mut wrong = request.clone();
        wrong["webhook_secrets"] = bad.clone();
        let error = client.handle_callback(&wrong, &delivery.body).unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::InvalidInput,
            "{bad}: {}",
            error.message
        );
        assert!(!error.message.contains(&secret));
    }
}

/// handle_callback through the C ABI, as a binding calls it.
fn ffi_handle(client: *mut vipps_client, request_json: &str, body: &[u8]) -> Value {
    let request = CString::new(request_json).unwrap();
    let ptr = unsafe { vipps_handle_callback(client, request.as_ptr(), body.as_ptr(), body.len()) };
    assert!(!ptr.is_null());
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
    unsafe { vipps_string_free(ptr) };
    serde_json::from_str(&text).unwrap()
}
