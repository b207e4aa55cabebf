//! End to end: vipps-sim delivers real Checkout callbacks and signed ePayment webhooks to a
//! loopback receiver; every captured request goes through `handle_callback` as a shop would
//! pass it, and the folded events end in the status the API reports.

mod common;

use common::receiver::{Captured, Receiver};
use common::{payment_request, reference, session_request, Harness};
use serde_json::{json, Value};
use vipps::Client;

const SECRET: &str = "a-callback-secret-for-the-tests";

fn nok(value: i64) -> Value {
    json!({"value": value, "currency": "NOK"})
}

/// Registers the receiver for every ePayment event and returns a client that knows the secret.
fn webhook_client(h: &Harness, receiver: &Receiver) -> (Client, String) {
    let admin = h.client();
    let events: Vec<&str> = vipps::webhooks::EPAYMENT_EVENTS.to_vec();
    let registered = admin
        .register_webhook(
            &json!({"url": receiver.url("/vipps/webhook?shop=acme"), "events": events}),
        )
        .unwrap();
    let secret = registered["secret"].as_str().unwrap().to_owned();
    let id = registered["id"].as_str().unwrap().to_owned();
    let client = h.client_with(json!({"webhook_secrets": [secret], "callback_secret": SECRET}));
    (client, id)
}

fn handle(client: &Client, captured: &Captured) -> Value {
    client
        .handle_callback(&captured.request_json(), &captured.body)
        .unwrap()
}

fn for_reference<'a>(all: &'a [Captured], reference: &str) -> Vec<&'a Captured> {
    all.iter()
        .filter(|c| c.json()["reference"] == reference)
        .collect()
}

fn names(all: &[Captured], reference: &str) -> Vec<String> {
    for_reference(all, reference)
        .iter()
        .filter_map(|c| c.json()["name"].as_str().map(str::to_owned))
        .collect()
}

fn fold(client: &Client, events: &[Value]) -> Value {
    let mut record = Value::Null;
    for event in events {
        let out = client
            .apply_event(&json!({"record": record, "event": event}))
            .unwrap();
        record = out["record"].clone();
    }
    record
}

#[test]
fn epayment_webhooks_are_verified_and_normalized_through_a_payment_life() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let (client, hook_id) = webhook_client(&h, &receiver);

    // A: authorized, captured in two parts, partly refunded.
    let a = reference("wh-life");
    client.create_payment(&payment_request(&a, 10000)).unwrap();
    h.approve(&a);
    client
        .capture(&json!({"reference": a, "amount": nok(4000)}))
        .unwrap();
    client
        .capture(&json!({"reference": a, "amount": nok(6000)}))
        .unwrap();
    client
        .refund(&json!({"reference": a, "amount": nok(2500)}))
        .unwrap();
    // B: authorized, then cancelled. C: rejected (aborted). D: expired. E: cancelled unapproved.
    let b = reference("wh-cancel");
    client.create_payment(&payment_request(&b, 5000)).unwrap();
    h.approve(&b);
    client.cancel(&json!({"reference": b})).unwrap();
    let c = reference("wh-abort");
    client.create_payment(&payment_request(&c, 5000)).unwrap();
    assert_eq!(
        h.control("POST", &format!("/_sim/payments/{c}/reject"), None)
            .0,
        200
    );
    let d = reference("wh-expire");
    client.create_payment(&payment_request(&d, 5000)).unwrap();
    assert_eq!(
        h.control("POST", &format!("/_sim/payments/{d}/expire"), None)
            .0,
        200
    );
    let e = reference("wh-term");
    client.create_payment(&payment_request(&e, 5000)).unwrap();
    client.cancel(&json!({"reference": e})).unwrap();

    let has = |all: &[Captured], r: &str, name: &str, n: usize| {
        names(all, r).iter().filter(|x| *x == name).count() >= n
    };
    let all = receiver.wait_until(15, |all| {
        has(all, &a, "REFUNDED", 1)
            && has(all, &a, "CAPTURED", 2)
            && has(all, &b, "CANCELLED", 1)
            && has(all, &c, "ABORTED", 1)
            && has(all, &d, "EXPIRED", 1)
            && has(all, &e, "TERMINATED", 1)
    });

    let expected_status = [
        ("AUTHORIZED", "authorized"),
        ("CAPTURED", "captured"),
        ("REFUNDED", "refunded"),
        ("CANCELLED", "cancelled"),
        ("TERMINATED", "cancelled"),
        ("ABORTED", "aborted"),
        ("EXPIRED", "expired"),
        ("CREATED", "pending"),
    ];
    for captured in &all {
        assert_eq!(captured.method, "POST");
        assert!(
            captured.target.starts_with("/vipps/webhook?shop=acme"),
            "{}",
            captured.target
        );
        let answer = handle(&client, captured);
        let event = &answer["event"];
        assert_eq!(event["verified"], true, "{answer}");
        assert_eq!(event["kind"], "epayment_webhook");
        assert_eq!(event["api"], "epayment");
        assert_eq!(answer["response"]["status"], 200);
        let body = captured.json();
        assert_eq!(event["reference"], body["reference"]);
        assert_eq!(event["name"], body["name"]);
        assert_eq!(event["timestamp"], body["timestamp"]);
        assert_eq!(event["raw"], body);
        let name = body["name"].as_str().unwrap();
        let status = expected_status.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(event["status"], status, "{name}");
        assert_eq!(event["amounts"]["basis"], "operation");
        assert!(event["rank"].is_u64());
    }
    let event_of = |name: &str, r: &str| {
        let c = for_reference(&all, r)
            .into_iter()
            .find(|c| c.json()["name"] == name)
            .unwrap();
        handle(&client, c)["event"].clone()
    };
    assert_eq!(event_of("AUTHORIZED", &a)["amounts"]["authorized"], 10000);
    assert_eq!(event_of("REFUNDED", &a)["amounts"]["refunded"], 2500);
    assert_eq!(event_of("CANCELLED", &b)["amounts"]["cancelled"], 5000);

    // Folding each payment's deliveries gives the status the API reports.
    for (r, status) in [
        (&a, "partially_refunded"),
        (&b, "cancelled"),
        (&c, "aborted"),
        (&d, "expired"),
        (&e, "cancelled"),
    ] {
        let events: Vec<Value> = for_reference(&all, r)
            .iter()
            .map(|c| handle(&client, c)["event"].clone())
            .collect();
        let record = fold(&client, &events);
        assert_eq!(record["status"], status, "{r}: {record}");
        let api = client.get_payment(&json!({"reference": r})).unwrap();
        assert_eq!(record["status"], api["normalized"]["status"], "{r}");
        for field in ["authorized", "captured", "refunded", "cancelled"] {
            assert_eq!(record[field], api["normalized"][field], "{r} {field}");
        }
    }

    // The registration is listed until it is deleted.
    let listed = client.list_webhooks(&json!({})).unwrap();
    assert!(listed["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == hook_id.as_str()));
    client.delete_webhook(&json!({"id": hook_id})).unwrap();
    let listed = client.list_webhooks(&json!({})).unwrap();
    assert!(!listed["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == hook_id.as_str()));
}

#[test]
fn duplicated_and_reordered_deliveries_end_in_the_right_status() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let (client, _) = webhook_client(&h, &receiver);
    let r = reference("wh-order");
    client.create_payment(&payment_request(&r, 10000)).unwrap();
    h.approve(&r);
    client
        .capture(&json!({"reference": r, "amount": nok(3000)}))
        .unwrap();
    // Cancelling after a partial capture releases the rest: the payment is `captured`.
    client.cancel(&json!({"reference": r})).unwrap();
    client
        .refund(&json!({"reference": r, "amount": nok(1000)}))
        .unwrap();
    let all = receiver.wait_until(15, |all| names(all, &r).contains(&"REFUNDED".to_owned()));
    let mut events: Vec<Value> = for_reference(&all, &r)
        .iter()
        .map(|c| handle(&client, c)["event"].clone())
        .collect();
    let in_order = fold(&client, &events);
    assert_eq!(in_order["status"], "partially_refunded", "{in_order}");
    assert_eq!(
        (
            &in_order["captured"],
            &in_order["cancelled"],
            &in_order["refunded"]
        ),
        (&json!(3000), &json!(7000), &json!(1000))
    );
    // Newest first, every event delivered twice, one more duplicate in the middle.
    events.reverse();
    let mut messy: Vec<Value> = events.iter().flat_map(|e| [e.clone(), e.clone()]).collect();
    messy.insert(3, events[0].clone());
    let mut record = Value::Null;
    let mut seen = std::collections::HashSet::new();
    for event in &messy {
        let out = client
            .apply_event(&json!({"record": record, "event": event}))
            .unwrap();
        if !seen.insert(event["id"].as_str().unwrap().to_owned()) {
            assert_eq!(out["applied"], false, "a duplicate never applies: {out}");
            assert!(out["reason"].as_str().unwrap().contains("duplicate"));
            assert_eq!(out["record"], record, "a duplicate changes nothing");
        } else if event["name"] == "CREATED" {
            // Arriving after everything else, `created` adds nothing.
            assert_eq!(out["applied"], false, "{out}");
        } else {
            assert_eq!(out["applied"], true, "{out}");
        }
        record = out["record"].clone();
    }
    for key in [
        "status",
        "authorized",
        "captured",
        "refunded",
        "cancelled",
        "refundable",
        "capturable",
    ] {
        assert_eq!(record[key], in_order[key], "{key}");
    }
    let api = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(record["status"], api["normalized"]["status"]);
}

#[test]
fn checkout_session_callbacks_are_verified_with_derived_tokens() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let client = h.client_with(json!({"callback_secret": SECRET}));
    let mut sessions = Vec::new();
    for (prefix, action) in [
        ("co-cb-ok", "approve"),
        ("co-cb-rej", "reject"),
        ("co-cb-exp", "expire"),
    ] {
        let r = reference(prefix);
        let mut request = session_request(&r, 24900);
        request["merchantInfo"]["callbackUrl"] =
            json!(receiver.url(&format!("/vipps/callback/{r}")));
        client.create_session(&request).unwrap();
        let (status, body) = h.control(
            "POST",
            &format!("/_sim/payments/{r}/{action}"),
            Some(json!({})),
        );
        assert_eq!(status, 200, "{body}");
        sessions.push(r);
    }
    let all = receiver.wait_until(15, |all| {
        sessions.iter().all(|r| !for_reference(all, r).is_empty())
    });
    let expected = [
        ("PaymentSuccessful", "authorized"),
        ("PaymentTerminated", "aborted"),
        ("SessionExpired", "expired"),
    ];
    for (r, (state, status)) in sessions.iter().zip(expected) {
        let captured = for_reference(&all, r)[0];
        assert!(captured.header("Authorization").is_some());
        let answer = handle(&client, captured);
        let event = &answer["event"];
        assert_eq!(event["verified"], true, "{answer}");
        assert_eq!(event["kind"], "checkout_callback");
        assert_eq!(event["api"], "checkout");
        assert_eq!(event["reference"], r.as_str());
        assert_eq!(event["name"], state);
        assert_eq!(event["status"], status, "{event}");
        assert_eq!(answer["response"]["status"], 200);
        if status == "authorized" {
            assert_eq!(event["amounts"]["authorized"], 24900);
            assert_eq!(event["amounts"]["basis"], "total");
            assert_eq!(event["rank"], 10);
        } else {
            assert_eq!(event["rank"], 60);
        }

        // The same delivery checked against another order's token is refused.
        let mut request = captured.request_json();
        request["reference"] = json!(format!("{r}-other"));
        let refused = client.handle_callback(&request, &captured.body).unwrap();
        assert_eq!(refused["event"]["verified"], false);
        assert_eq!(refused["response"]["status"], 401);
    }

    // Without a callback_secret, the explicit expected token verifies; a wrong one does not.
    let plain = h.client();
    let captured = for_reference(&all, &sessions[0])[0];
    let token = captured.header("Authorization").unwrap().to_owned();
    let mut request = captured.request_json();
    request["expected_token"] = json!(token);
    request["reference"] = json!(sessions[0]);
    assert_eq!(
        plain.handle_callback(&request, &captured.body).unwrap()["event"]["verified"],
        true
    );
    request["expected_token"] = json!("not-the-token");
    assert_eq!(
        plain.handle_callback(&request, &captured.body).unwrap()["event"]["verified"],
        false
    );
}
