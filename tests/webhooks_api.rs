//! The Webhooks API through the library against vipps-sim: what is sent, and what is refused
//! before sending.

mod common;

use common::Harness;
use serde_json::json;
use vipps::ErrorKind;

#[test]
fn register_list_and_delete() {
    let h = Harness::start();
    let client = h.client();
    let events = [
        "epayments.payment.authorized.v1",
        "epayments.payment.captured.v1",
    ];
    let registered = client
        .register_webhook(&json!({"url": "https://shop.example/vipps/webhook", "events": events}))
        .unwrap();
    let id = registered["id"].as_str().unwrap().to_owned();
    assert!(registered["secret"].as_str().is_some_and(|s| s.len() >= 32));
    assert_eq!(registered["url"], "https://shop.example/vipps/webhook");
    assert_eq!(registered["events"], json!(events));

    let sent = &h.requests("/webhooks/v1/webhooks")[0];
    assert_eq!(sent["method"], "POST");
    assert!(common::header(sent, "Authorization")
        .unwrap()
        .starts_with("Bearer "));
    assert!(common::header(sent, "Vipps-System-Name").is_some());
    let body: serde_json::Value = serde_json::from_str(sent["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"url": "https://shop.example/vipps/webhook", "events": events})
    );

    let listed = client.list_webhooks(&json!({})).unwrap();
    let hook = listed["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(hook["url"], "https://shop.example/vipps/webhook");
    assert!(
        hook.get("secret").is_none(),
        "the secret is shown only once"
    );

    assert_eq!(
        client.delete_webhook(&json!({"id": id})).unwrap()["deleted"],
        true
    );
    let err = client.delete_webhook(&json!({"id": id})).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[test]
fn invalid_registrations_are_refused_before_sending() {
    let h = Harness::start();
    let client = h.client();
    let ok_events = json!(["epayments.payment.captured.v1"]);
    for (request, expected) in [
        (json!({"events": ok_events}), "url is required"),
        (
            json!({"url": "http://shop.example/hook", "events": ok_events}),
            "url must be an absolute https URL",
        ),
        (
            json!({"url": "/vipps/webhook", "events": ok_events}),
            "url must be an absolute https URL",
        ),
        (
            json!({"url": "https://shop.example/hook"}),
            "events is required",
        ),
        (
            json!({"url": "https://shop.example/hook", "events": []}),
            "events must not be empty",
        ),
        (
            json!({"url": "https://shop.example/hook", "events": ["epayments.payment.capture.v1"]}),
            "events[0] must be one of",
        ),
        (
            json!({"url": "https://shop.example/hook", "events": [ok_events[0], 5]}),
            "events[1] must be a string",
        ),
        (
            json!({"url": "https://shop.example/hook", "events": ["payment captured"]}),
            "events[0] must be one of",
        ),
    ] {
        let err = client.register_webhook(&request).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{request}");
        assert!(
            err.message.contains(expected),
            "expected {expected:?} in {:?}",
            err.message
        );
    }
    for (request, expected) in [
        (json!({}), "id is required"),
        (json!({"id": "../accesstoken"}), "id may contain only"),
    ] {
        let err = client.delete_webhook(&request).unwrap_err();
        assert!(err.message.contains(expected), "{}", err.message);
    }
    assert!(h.requests("/webhooks/").is_empty(), "nothing was sent");
    // Other services' events are refused: handle_callback cannot read their deliveries
    // (issue 15 #12; tests/webhooks_events.rs).
    let refused = client.register_webhook(&json!({"url": "https://shop.example/hook", "events": ["recurring.agreement-activated.v1", "user.checked-in.v1"]}));
    assert!(refused.is_err(), "{refused:?}");
}
