//! An eCom order may be named by `orderId` instead of `reference`: reconcile and
//! wait_for_final_status must then name that order in their answer and in the poll event, as
//! they do for `reference` (typed core, money defect b: they answered `"reference": null` and
//! an event for the order `""`).

mod common;

use common::{reference, Harness};
use serde_json::{json, Value};
use vipps::Client;

/// An initiated and reserved eCom order.
fn reserved(client: &Client, prefix: &str) -> String {
    let order_id = reference(prefix);
    client
        .ecom_initiate(&json!({
            "customerInfo": {"mobileNumber": "91234567"},
            "merchantInfo": {"callbackPrefix": "https://shop.example/vipps",
                             "fallBack": format!("https://shop.example/return/{order_id}")},
            "transaction": {"amount": 2500, "orderId": order_id, "transactionText": "Socks"}
        }))
        .unwrap();
    client
        .force_approve(&json!({"orderId": order_id, "api": "ecom",
                               "customerPhoneNumber": "91234567"}))
        .unwrap();
    order_id
}

fn assert_names_the_order(answer: &Value, order_id: &str) {
    assert_eq!(answer["reference"], order_id, "{answer}");
    assert_eq!(answer["event"]["reference"], order_id, "{answer}");
    let id = answer["event"]["id"].as_str().unwrap();
    assert!(
        id.starts_with(&format!("poll:{order_id}:authorized:")),
        "{answer}"
    );
}

#[test]
fn reconcile_by_order_id_names_the_order() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&client, "ecom-reconcile-id");
    let answer = client
        .reconcile(&json!({"orderId": order_id, "api": "ecom"}))
        .unwrap();
    assert_eq!(answer["status"], "authorized", "{answer}");
    assert_names_the_order(&answer, &order_id);
    // The event folds into a record of that order, like one read by `reference`.
    let by_reference = client
        .reconcile(&json!({"reference": order_id, "api": "ecom"}))
        .unwrap();
    assert_eq!(answer["event"], by_reference["event"]);
    let applied = client
        .apply_event(&json!({"record": null, "event": answer["event"]}))
        .unwrap();
    assert_eq!(applied["record"]["reference"], order_id, "{applied}");
}

#[test]
fn wait_for_final_status_by_order_id_names_the_order() {
    let h = Harness::start();
    let client = h.client();
    let order_id = reserved(&client, "ecom-wait-id");
    let answer = client
        .wait_for_final_status(
            &json!({"orderId": order_id, "api": "ecom", "timeout_ms": 5000,
                                       "initial_delay_ms": 0}),
        )
        .unwrap();
    assert_eq!(answer["timed_out"], false, "{answer}");
    assert_names_the_order(&answer, &order_id);
}
