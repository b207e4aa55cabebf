//! Issue 15, defect 12 (fourth point): `register_webhook` must not register events whose
//! deliveries `handle_callback` cannot read. They would be answered 400 and retried by Vipps for
//! days. Only the ePayment events are accepted; anything else is `invalid_input` listing them,
//! and nothing is sent.

mod common;

use common::Harness;
use serde_json::json;
use vipps::ErrorKind;

const READABLE: [&str; 8] = [
    "epayments.payment.created.v1",
    "epayments.payment.aborted.v1",
    "epayments.payment.expired.v1",
    "epayments.payment.cancelled.v1",
    "epayments.payment.captured.v1",
    "epayments.payment.refunded.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.terminated.v1",
];

#[test]
fn events_that_handle_callback_cannot_read_are_refused_at_registration() {
    let h = Harness::start();
    let client = h.client();
    for events in [
        json!(["recurring.agreement-activated.v1"]),
        json!(["user.checked-in.v1"]),
        json!([
            "epayments.payment.captured.v1",
            "recurring.charge-captured.v1"
        ]),
        json!(["checkout.session.completed.v1"]),
    ] {
        let err = client
            .register_webhook(&json!({"url": "https://shop.example/hook", "events": events}))
            .expect_err("not an event handle_callback reads");
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{events}");
        assert!(err.message.contains("events["), "{}", err.message);
        for name in READABLE {
            assert!(err.message.contains(name), "{name} in {}", err.message);
        }
    }
    assert!(h.requests("/webhooks/").is_empty(), "nothing was sent");
    // Every event handle_callback reads is accepted.
    let registered = client
        .register_webhook(&json!({"url": "https://shop.example/hook", "events": READABLE}))
        .unwrap();
    assert_eq!(registered["events"], json!(READABLE));
}
