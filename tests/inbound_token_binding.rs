//! Issue 15, defect 12 (first point): a plugin's `expected_token` is the token of one order, so
//! it must come with `reference` naming that order. Before, a token for order A verified a body
//! naming order B when `reference` was left out. Now `expected_token` without `reference` is an
//! `invalid_input` error (a mistake of the plugin), and with it the body must name that order.

mod common;

use serde_json::{json, Value};
use vipps::{Client, ErrorKind};

const ORDER_A: &str = "acme-order-bind-a";
const ORDER_B: &str = "acme-order-bind-b";
const TOKEN_A: &str = "the-token-the-plugin-stored-for-order-a";

fn client() -> Client {
    // No callback_secret: the plugin stores its tokens and passes them as expected_token.
    common::offline_client(json!({}))
}

fn session_body(reference: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"sessionId": "s-1", "sessionState": "PaymentSuccessful",
        "reference": reference,
        "paymentDetails": {"state": "AUTHORIZED", "amount": {"value": 1000, "currency": "NOK"}}}),
    )
    .unwrap()
}

fn ecom_body(order_id: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"orderId": order_id, "transactionInfo": {"amount": 1000,
        "status": "RESERVED", "transactionId": "1", "timeStamp": "2018-12-12T11:18:38.246Z"}}),
    )
    .unwrap()
}

fn request(url: &str, extra: Value) -> Value {
    let mut r = json!({"method": "POST", "url": url, "headers": {"Authorization": TOKEN_A},
                       "expected_token": TOKEN_A});
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

#[test]
fn expected_token_without_reference_is_a_plugin_mistake() {
    let client = client();
    for (url, body) in [
        ("/vipps/callback", session_body(ORDER_B)),
        ("/vipps/ecom", ecom_body(ORDER_B)),
        (
            "/vipps/ecom/v2/payments/acme-order-bind-b",
            ecom_body(ORDER_B),
        ),
    ] {
        let err = client
            .handle_callback(&request(url, json!({})), &body)
            .expect_err("a token without the order it belongs to is refused");
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{url}");
        assert!(
            err.message.contains("expected_token") && err.message.contains("reference"),
            "{}",
            err.message
        );
        assert!(!err.message.contains(TOKEN_A), "{}", err.message);
        // An empty reference names no order either.
        let err = client
            .handle_callback(&request(url, json!({"reference": ""})), &body)
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}

#[test]
fn a_token_for_one_order_does_not_verify_a_body_naming_another() {
    let client = client();
    for (url, body_a, body_b) in [
        (
            "/vipps/callback",
            session_body(ORDER_A),
            session_body(ORDER_B),
        ),
        ("/vipps/ecom", ecom_body(ORDER_A), ecom_body(ORDER_B)),
    ] {
        let with_a = request(url, json!({"reference": ORDER_A}));
        let answer = client.handle_callback(&with_a, &body_a).unwrap();
        assert_eq!(answer["event"]["verified"], true, "{url}: {answer}");
        assert_eq!(answer["event"]["reference"], ORDER_A);
        let answer = client.handle_callback(&with_a, &body_b).unwrap();
        assert_eq!(answer["event"]["verified"], false, "{url}: {answer}");
        assert_eq!(answer["response"]["status"], 401);
    }
    // A consent removal names no order: the reference says whose authToken it is, and
    // becomes the event's reference.
    let consent = json!({"method": "DELETE", "url": "/c/v2/consents/user-1",
        "headers": {"Authorization": TOKEN_A}, "expected_token": TOKEN_A, "reference": ORDER_A});
    let answer = client.handle_callback(&consent, b"").unwrap();
    assert_eq!(answer["event"]["verified"], true, "{answer}");
    assert_eq!(answer["event"]["reference"], ORDER_A);
}
