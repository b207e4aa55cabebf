//! Legacy eCom v2 orders through the library against vipps-sim: every checklist state, every
//! documented refusal, X-Request-Id replays, and the same normalized status as ePayment.

mod common;

use common::{header, reference, Harness};
use serde_json::{json, Value};
use vipps::{Client, ErrorKind};

fn initiate(client: &Client, order_id: &str, amount: i64) -> Value {
    client
        .ecom_initiate(&json!({
            "customerInfo": {"mobileNumber": "91234567"},
            "merchantInfo": {"callbackPrefix": "https://shop.example/vipps", "fallBack": format!("https://shop.example/return/{order_id}")},
            "transaction": {"amount": amount, "orderId": order_id, "transactionText": "One pair of socks"}
        }))
        .unwrap()
}

/// An initiated and reserved order.
fn reserved(h: &Harness, client: &Client, prefix: &str, amount: i64) -> String {
    let order_id = reference(prefix);
    initiate(client, &order_id, amount);
    client
        .force_approve(
            &json!({"reference": order_id, "api": "ecom", "customerPhoneNumber": "91234567"}),
        )
        .unwrap();
    let _ = h;
    order_id
}

fn ecom(order_id: &str, extra: Value) -> Value {
    let mut request = json!({"reference": order_id, "api": "ecom"});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    request
}

fn status_of(client: &Client, order_id: &str) -> Value {
    client.get_payment(&ecom(order_id, json!({}))).unwrap()["normalized"].clone()
}

#[test]
fn a_complete_order_ends_in_refund() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reference("ecom-refund");
    let initiated = initiate(&client, &order_id, 10000);
    assert!(initiated["url"].as_str().is_some());
    assert!(initiated["auth_token"].as_str().is_some());
    assert_eq!(status_of(&client, &order_id)["status"], "pending");

    client
        .force_approve(&ecom(&order_id, json!({"customerPhoneNumber": "91234567"})))
        .unwrap();
    assert_eq!(status_of(&client, &order_id)["status"], "authorized");

    let captured = client
        .capture(&ecom(
            &order_id,
            json!({"amount": {"value": 4000, "currency": "NOK"}}),
        ))
        .unwrap();
    assert_eq!(captured["normalized"]["status"], "partially_captured");
    assert_eq!(captured["normalized"]["capturable"], 6000);
    // No amount: the rest.
    let captured = client.capture(&ecom(&order_id, json!({}))).unwrap();
    assert_eq!(captured["normalized"]["status"], "captured");
    let refunded = client
        .refund(&ecom(&order_id, json!({"amount": 2500})))
        .unwrap();
    assert_eq!(refunded["normalized"]["status"], "partially_refunded");
    let refunded = client
        .refund(&ecom(&order_id, json!({"amount": 7500})))
        .unwrap();
    assert_eq!(refunded["normalized"]["status"], "refunded");

    let details = client.get_payment(&ecom(&order_id, json!({}))).unwrap();
    let operations: Vec<&str> = details["transactionLogHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        ["REFUND", "REFUND", "CAPTURE", "CAPTURE", "RESERVE", "INITIATE"],
        "newest first"
    );
    let events = client
        .get_payment_events(&ecom(&order_id, json!({})))
        .unwrap();
    let names: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["INITIATE", "RESERVE", "CAPTURE", "CAPTURE", "REFUND", "REFUND"],
        "oldest first, like ePayment"
    );
    let entry = h.ledger_entry(&order_id);
    assert_eq!(entry["api"], "ecom");
    assert_eq!(
        (entry["captured"].as_i64(), entry["refunded"].as_i64()),
        (Some(10000), Some(10000))
    );
}

#[test]
fn a_reserved_order_cancelled_ends_in_void() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&h, &client, "ecom-void", 5000);
    let cancelled = client.cancel(&ecom(&order_id, json!({}))).unwrap();
    assert_eq!(cancelled["normalized"]["status"], "cancelled");
    assert_eq!(cancelled["normalized"]["cancelled"], 5000);
    let details = client.get_payment(&ecom(&order_id, json!({}))).unwrap();
    assert_eq!(details["transactionLogHistory"][0]["operation"], "VOID");
    let status = client.ecom_status(&json!({"reference": order_id})).unwrap();
    assert_eq!(status["transactionInfo"]["status"], "VOID");
    assert_eq!(status["normalized_status"], "cancelled");
}

#[test]
fn cancel_after_a_partial_capture_needs_release_of_the_remaining_funds() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&h, &client, "ecom-release", 5000);
    client
        .capture(&ecom(&order_id, json!({"amount": 2000})))
        .unwrap();
    let err = client.cancel(&ecom(&order_id, json!({}))).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Api, "{err}");
    assert!(err.error_code.is_some(), "{err}");
    assert_eq!(h.ledger_entry(&order_id)["cancelled"], 0, "nothing changed");

    let released = client
        .cancel(&ecom(
            &order_id,
            json!({"shouldReleaseRemainingFunds": true}),
        ))
        .unwrap();
    assert_eq!(released["normalized"]["status"], "captured");
    assert_eq!(released["normalized"]["cancelled"], 3000);
    assert_eq!(released["normalized"]["refundable"], 2000);
}

#[test]
fn documented_refusals_come_back_with_their_code_and_message() {
    let h = Harness::start();
    let client = h.client();
    let pending = reference("ecom-pending");
    initiate(&client, &pending, 5000);
    let order_id = reserved(&h, &client, "ecom-refusals", 5000);
    let before = h.ledger_entry(&order_id);

    let cases: Vec<(vipps::Error, &str)> = vec![
        (
            client
                .capture(&ecom(&pending, json!({"amount": 1000})))
                .unwrap_err(),
            "62",
        ),
        (
            client
                .capture(&ecom(&order_id, json!({"amount": 5001})))
                .unwrap_err(),
            "61",
        ),
        (
            client
                .refund(&ecom(&order_id, json!({"amount": 1000})))
                .unwrap_err(),
            "72",
        ),
        (
            client
                .get_payment(&ecom("no-such-order-1", json!({})))
                .unwrap_err(),
            "35",
        ),
    ];
    for (error, code) in cases {
        assert_eq!(error.error_code.as_deref(), Some(code), "{error}");
        assert!(!error.retryable, "{error}");
        assert!(
            error.problem.as_deref().is_some_and(Value::is_array),
            "the eCom error array is kept: {error}"
        );
        assert!(
            error.message.contains(&format!("eCom error {code}")),
            "{}",
            error.message
        );
    }
    assert_eq!(h.ledger_entry(&order_id), before, "refusals change nothing");

    client
        .capture(&ecom(&order_id, json!({"amount": 3000})))
        .unwrap();
    let over = client
        .refund(&ecom(&order_id, json!({"amount": 3001})))
        .unwrap_err();
    assert_eq!(over.error_code.as_deref(), Some("71"), "{over}");
    let duplicate = client
        .ecom_initiate(&json!({"merchantInfo": {"callbackPrefix": "https://shop.example/vipps", "fallBack": "https://shop.example/r"},
                               "transaction": {"amount": 1000, "orderId": order_id, "transactionText": "again"}}))
        .unwrap_err();
    assert_eq!(duplicate.error_code.as_deref(), Some("34"), "{duplicate}");

    client.capture(&ecom(&order_id, json!({}))).unwrap();
    let captured_cancel = client.cancel(&ecom(&order_id, json!({}))).unwrap_err();
    assert_eq!(
        captured_cancel.error_code.as_deref(),
        Some("51"),
        "{captured_cancel}"
    );
}

#[test]
fn an_x_request_id_replay_has_exactly_one_effect() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&h, &client, "ecom-replay", 5000);
    let request = ecom(
        &order_id,
        json!({"amount": 1000, "idempotency_key": "capture-ecom-replay-1"}),
    );
    let first = client.capture(&request).unwrap();
    let second = client.capture(&request).unwrap();
    assert_eq!(first["idempotency_key"], "capture-ecom-replay-1");
    assert_eq!(second["normalized"]["captured"], 1000);
    assert_eq!(h.ledger_entry(&order_id)["captures"], json!([1000]));

    // A lost response is retried with the same X-Request-Id: one capture.
    h.fault(json!({"method": "POST", "path": format!("/ecomm/v2/payments/{order_id}/capture"), "count": 1, "action": "process_then_drop"}));
    client
        .capture(&ecom(&order_id, json!({"amount": 500})))
        .unwrap();
    assert_eq!(h.ledger_entry(&order_id)["captures"], json!([1000, 500]));

    let ids: Vec<String> = h
        .requests("/ecomm/v2/payments")
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("/capture"))
        .map(|r| header(r, "X-Request-Id").unwrap_or("<none>").to_owned())
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], ids[1]);
    assert_eq!(
        ids[2], ids[3],
        "the retry after the lost response reused its X-Request-Id"
    );
    assert!(ids.iter().all(|id| id.len() <= 40));

    let conflict = client
        .capture(&ecom(
            &order_id,
            json!({"amount": 999, "idempotency_key": "capture-ecom-replay-1"}),
        ))
        .unwrap_err();
    assert_eq!(conflict.error_code.as_deref(), Some("93"), "{conflict}");
    assert_eq!(conflict.kind, ErrorKind::Conflict);
}

#[test]
fn the_normalized_status_matches_epayment_for_the_same_history() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&h, &client, "ecom-same", 10000);
    let payment = reference("ep-same");
    client
        .create_payment(&common::payment_request(&payment, 10000))
        .unwrap();
    client
        .force_approve(&json!({"reference": payment, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
    let both = |extra: Value| {
        let mut e = ecom(&order_id, extra.clone());
        let mut p = json!({"reference": payment});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        e.as_object_mut().unwrap().remove("idempotency_key");
        (e, p)
    };
    let steps: Vec<(&str, Value)> = vec![
        (
            "capture",
            json!({"amount": {"value": 3000, "currency": "NOK"}}),
        ),
        (
            "refund",
            json!({"amount": {"value": 1000, "currency": "NOK"}}),
        ),
        ("cancel", json!({"shouldReleaseRemainingFunds": true})),
    ];
    let fields = [
        "status",
        "authorized",
        "captured",
        "refunded",
        "cancelled",
        "capturable",
        "refundable",
    ];
    for (operation, extra) in steps {
        let (e, mut p) = both(extra);
        if operation == "cancel" {
            p.as_object_mut()
                .unwrap()
                .remove("shouldReleaseRemainingFunds");
        }
        let (ecom_answer, epayment_answer) = match operation {
            "capture" => (client.capture(&e).unwrap(), client.capture(&p).unwrap()),
            "refund" => (client.refund(&e).unwrap(), client.refund(&p).unwrap()),
            _ => (client.cancel(&e).unwrap(), client.cancel(&p).unwrap()),
        };
        for field in fields {
            assert_eq!(
                ecom_answer["normalized"][field], epayment_answer["normalized"][field],
                "{field} after {operation}"
            );
        }
    }
}

#[test]
fn every_ecom_request_carries_the_checklist_headers() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&h, &client, "ecom-headers", 5000);
    client.capture(&ecom(&order_id, json!({}))).unwrap();
    client.ecom_status(&json!({"reference": order_id})).unwrap();
    let log = h.requests("/ecomm");
    assert!(log.len() >= 5);
    for request in &log {
        let path = request["path"].as_str().unwrap();
        assert!(
            header(request, "Authorization").is_some_and(|a| a.starts_with("Bearer ")),
            "{path}"
        );
        assert_eq!(
            header(request, "Ocp-Apim-Subscription-Key"),
            Some(vipps_sim::DEFAULT_SUBSCRIPTION_KEY),
            "{path}"
        );
        assert_eq!(
            header(request, "Merchant-Serial-Number"),
            Some(vipps_sim::DEFAULT_MSN),
            "{path}"
        );
        for name in [
            "Vipps-System-Name",
            "Vipps-System-Version",
            "Vipps-System-Plugin-Name",
            "Vipps-System-Plugin-Version",
        ] {
            assert!(header(request, name).is_some(), "{name} on {path}");
        }
        if request["method"] == "POST" && path.ends_with("/capture") {
            assert!(header(request, "X-Request-Id").is_some(), "{path}");
        }
    }
}

#[test]
fn order_ids_from_the_helper_are_accepted() {
    let h = Harness::start();
    let client = h.client();
    let made = vipps::ecom::make_order_id(&json!({"prefix": "acme-shop", "order_number": format!("000{}", std::process::id()), "msn": vipps_sim::DEFAULT_MSN, "attempt": 1})).unwrap();
    let order_id = made["order_id"].as_str().unwrap();
    assert!(!order_id.contains("-000"));
    initiate(&client, order_id, 1000);
}
