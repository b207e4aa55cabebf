//! A lost webhook, then polling: reconcile's `event` folds into the same record as the
//! webhooks, by the same rank rule, and the record keeps the payment's PSP reference.

mod common;

use common::receiver::Receiver;
use common::{payment_request, reference, Harness};
use serde_json::{json, Value};

fn nok(value: i64) -> Value {
    json!({"value": value, "currency": "NOK"})
}

#[test]
fn a_lost_authorization_webhook_is_recovered_by_folding_a_poll() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let admin = h.client();
    let registered = admin
        .register_webhook(
            &json!({"url": receiver.url("/hook"), "events": ["epayments.payment.captured.v1"]}),
        )
        .unwrap();
    let client = h.client_with(json!({"webhook_secrets": [registered["secret"]]}));
    let reference = reference("poll-fold");
    client
        .create_payment(&payment_request(&reference, 5000))
        .unwrap();
    client
        .force_approve(&json!({"reference": reference, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
    client
        .capture(&json!({"reference": reference, "amount": nok(2000)}))
        .unwrap();

    // Only the capture webhook is registered: the authorization's never comes.
    let delivered = receiver.wait_until(10, |all| {
        all.iter()
            .any(|c| c.json()["reference"] == reference.as_str())
    });
    let capture = delivered
        .iter()
        .find(|c| c.json()["reference"] == reference.as_str())
        .unwrap();
    let event = client
        .handle_callback(&capture.request_json(), &capture.body)
        .unwrap()["event"]
        .clone();
    let record = client
        .apply_event(&json!({"record": null, "event": event}))
        .unwrap()["record"]
        .clone();
    assert_eq!(
        record["complete"], false,
        "captured without an authorization: {record}"
    );

    let polled = client.reconcile(&json!({"reference": reference})).unwrap();
    let payment = client
        .get_payment(&json!({"reference": reference}))
        .unwrap();
    assert!(payment["pspReference"].is_string(), "{payment}");
    assert_ne!(
        event["psp_reference"], payment["pspReference"],
        "the capture has its own"
    );
    assert_eq!(polled["psp_reference"], payment["pspReference"]);
    assert_eq!(polled["event"]["kind"], "poll");
    let folded = client
        .apply_event(&json!({"record": record, "event": polled["event"]}))
        .unwrap();
    assert_eq!(folded["applied"], true, "{folded}");
    let record = &folded["record"];
    assert_eq!(record["complete"], true, "{record}");
    assert_eq!(record["status"], "partially_captured");
    assert_eq!(record["authorized"], 5000);
    assert_eq!(record["captured"], 2000);
    assert_eq!(record["capturable"], 3000);
    assert_eq!(
        record["psp_reference"], payment["pspReference"],
        "the payment's, not the capture's"
    );

    // The same state polled again is a duplicate; the stale poll after a refund changes nothing.
    let again = client.reconcile(&json!({"reference": reference})).unwrap();
    let same = client
        .apply_event(&json!({"record": record, "event": again["event"]}))
        .unwrap();
    assert_eq!(same["applied"], false);
    client
        .capture(&json!({"reference": reference, "amount": nok(3000)}))
        .unwrap();
    let newer = client.reconcile(&json!({"reference": reference})).unwrap();
    let after = client
        .apply_event(&json!({"record": record, "event": newer["event"]}))
        .unwrap();
    assert_eq!(after["record"]["status"], "captured");
    let stale = client
        .apply_event(&json!({"record": after["record"], "event": polled["event"]}))
        .unwrap();
    assert_eq!(stale["applied"], false);
    assert_eq!(stale["record"]["status"], "captured");
}
