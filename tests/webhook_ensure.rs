//! ensure_webhook against vipps-sim: one registration per shop URL, kept in step with the
//! state the plugin stored, and no registration left whose secret nobody has.

mod common;

use common::Harness;
use serde_json::{json, Value};
use vipps::ErrorKind;

const URL: &str = "https://shop.example/?wc-api=vipps";
const EVENTS: [&str; 2] = [
    "epayments.payment.authorized.v1",
    "epayments.payment.captured.v1",
];

fn ids(client: &vipps::Client) -> Vec<(String, String)> {
    client.list_webhooks(&json!({})).unwrap()["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_owned(),
                h["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn posts(h: &Harness) -> usize {
    h.requests("/webhooks/v1/webhooks")
        .iter()
        .filter(|r| r["method"] == "POST")
        .count()
}

#[test]
fn registers_once_then_leaves_the_registration_alone() {
    let h = Harness::start();
    let client = h.client();
    let first = client
        .ensure_webhook(&json!({"url": URL, "events": EVENTS}))
        .unwrap();
    assert_eq!(first["changed"], true);
    assert!(first["secret"].as_str().is_some_and(|s| s.len() >= 32));
    assert_eq!(first["url"], URL);

    // The plugin stores the answer and passes it back on the next checkout.
    let current: Value =
        json!({"id": first["id"], "secret": first["secret"], "url": URL, "events": EVENTS});
    let again = client
        .ensure_webhook(&json!({"url": URL, "events": [EVENTS[1], EVENTS[0]], "current": current}))
        .unwrap();
    assert_eq!(again["changed"], false, "the same events in another order");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["secret"], first["secret"]);
    assert_eq!(posts(&h), 1, "registered exactly once");
    assert_eq!(ids(&client).len(), 1);
}

#[test]
fn a_changed_url_or_event_list_replaces_the_registration() {
    let h = Harness::start();
    let client = h.client();
    let first = client
        .ensure_webhook(&json!({"url": URL, "events": EVENTS}))
        .unwrap();
    let current =
        json!({"id": first["id"], "secret": first["secret"], "url": URL, "events": EVENTS});
    let moved = "https://shop.example/vipps/webhook";
    let second = client
        .ensure_webhook(&json!({"url": moved, "events": EVENTS, "current": current}))
        .unwrap();
    assert_eq!(second["changed"], true);
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["removed"], json!([first["id"]]));
    assert_eq!(
        ids(&client),
        vec![(second["id"].as_str().unwrap().to_owned(), moved.to_owned())]
    );

    let current =
        json!({"id": second["id"], "secret": second["secret"], "url": moved, "events": EVENTS});
    let third = client
        .ensure_webhook(&json!({"url": moved, "events": [EVENTS[0]], "current": current}))
        .unwrap();
    assert_eq!(third["changed"], true, "fewer events");
    assert_eq!(ids(&client).len(), 1);
}

#[test]
fn lost_state_replaces_registrations_whose_secret_is_unknown_and_spares_other_urls() {
    let h = Harness::start();
    let client = h.client();
    // Two registrations for this shop's URL whose secrets were lost, and another shop's.
    for url in [URL, URL, "https://other-shop.example/hook"] {
        client
            .register_webhook(&json!({"url": url, "events": EVENTS}))
            .unwrap();
    }
    let ensured = client
        .ensure_webhook(&json!({"url": URL, "events": EVENTS}))
        .unwrap();
    assert_eq!(ensured["changed"], true);
    assert_eq!(ensured["removed"].as_array().unwrap().len(), 2);
    let mut left: Vec<String> = ids(&client).into_iter().map(|(_, u)| u).collect();
    left.sort();
    assert_eq!(left, vec!["https://other-shop.example/hook", URL]);

    // A stored state whose registration was deleted elsewhere is replaced too.
    let gone =
        json!({"id": ensured["id"], "secret": ensured["secret"], "url": URL, "events": EVENTS});
    client
        .delete_webhook(&json!({"id": ensured["id"]}))
        .unwrap();
    let back = client
        .ensure_webhook(&json!({"url": URL, "events": EVENTS, "current": gone}))
        .unwrap();
    assert_eq!(back["changed"], true);
    assert_ne!(back["id"], ensured["id"]);
}

#[test]
fn bad_requests_change_nothing() {
    let h = Harness::start();
    let client = h.client();
    for request in [
        json!({"events": EVENTS}),
        json!({"url": URL}),
        json!({"url": URL, "events": [1]}),
        json!({"url": URL, "events": EVENTS, "current": {"id": "x"}}),
        json!({"url": "http://shop.example/hook", "events": EVENTS}),
        json!({"url": URL, "events": []}),
    ] {
        let error = client.ensure_webhook(&request).unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::InvalidInput,
            "{request}: {}",
            error.message
        );
    }
    assert_eq!(posts(&h), 0);
    assert!(ids(&client).is_empty());
}
