//! A correctly signed or token-carrying body with an impossible amount (1e20, 1.5, beyond any
//! API's limit) is malformed: 400 and not verified, exactly like a negative amount. It was
//! accepted with the amount read as 0 (issue 15, defect 9).

use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use vipps::inbound::webhook_signature::{content_hash, signature};
use vipps::Client;

const WEBHOOK_SECRET: &str = "a-webhook-secret-for-these-tests";
const NOW_UNIX: u64 = 1_714_644_000;
const DATE: &str = "Thu, 02 May 2024 10:00:00 GMT";

fn client() -> Client {
    Client::new(
        &json!({"base_url": "http://127.0.0.1:9", "system_name": "t", "system_version": "1",
                "plugin_name": "p", "plugin_version": "1",
                "callback_secret": "a-callback-secret-0123456789",
                "webhook_secrets": [WEBHOOK_SECRET]})
        .to_string(),
    )
    .unwrap()
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// The amounts to try, as JSON text (so `1e20` stays `1e20`), and whether each is possible.
const AMOUNTS: [(&str, bool); 6] = [
    ("1e20", false),
    ("1.5", false),
    ("100000000000000000000", false),
    ("49900.25", false),
    ("49900", true),
    ("49900.0", true),
];

fn verdict(answer: &Value, possible: bool, what: &str) {
    if possible {
        assert_eq!(answer["event"]["verified"], true, "{what}: {answer}");
        assert_eq!(answer["response"]["status"], 200, "{what}: {answer}");
    } else {
        assert_eq!(answer["event"]["verified"], false, "{what}: {answer}");
        assert_eq!(answer["response"]["status"], 400, "{what}: {answer}");
    }
}

#[test]
fn a_signed_epayment_webhook_with_an_impossible_amount_is_refused() {
    let client = client();
    for (amount, possible) in AMOUNTS {
        let body = format!(
            r#"{{"msn":"123456","reference":"order-amount-1","pspReference":"psp-1","name":"CAPTURED","amount":{{"currency":"NOK","value":{amount}}},"timestamp":"2024-05-02T10:00:00Z","idempotencyKey":"k-1","success":true}}"#
        );
        let path = "/vipps/webhook";
        let hash = content_hash(body.as_bytes());
        let sig = signature(WEBHOOK_SECRET, "POST", path, DATE, "shop.example", &hash);
        let request = json!({"method": "POST", "url": path, "headers": {
            "Host": "shop.example", "Content-Type": "application/json", "x-ms-date": DATE,
            "x-ms-content-sha256": hash,
            "Authorization": format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={sig}")}});
        let answer = client
            .handle_callback_at(&request, body.as_bytes(), now())
            .unwrap();
        verdict(&answer, possible, &format!("webhook amount {amount}"));
    }
}

#[test]
fn a_checkout_callback_with_its_token_and_an_impossible_amount_is_refused() {
    let client = client();
    let reference = "order-amount-2";
    let token = client.checkout_callback_token(reference).unwrap();
    let request = json!({"method": "POST", "url": format!("/vipps/callback/{reference}"),
        "headers": {"Host": "shop.example", "Content-Type": "application/json", "Authorization": token}});
    for (amount, possible) in AMOUNTS {
        // The impossible amount in the payment's amount, then in the aggregate only.
        for (payment, captured) in [(amount, "0"), ("49900", amount)] {
            let body = format!(
                r#"{{"sessionId":"s-1","merchantSerialNumber":"123456","reference":"{reference}","sessionState":"PaymentSuccessful","paymentMethod":"Wallet","paymentDetails":{{"amount":{{"value":{payment},"currency":"NOK"}},"state":"AUTHORIZED","aggregate":{{"authorizedAmount":{{"value":49900,"currency":"NOK"}},"cancelledAmount":{{"value":0,"currency":"NOK"}},"capturedAmount":{{"value":{captured},"currency":"NOK"}},"refundedAmount":{{"value":0,"currency":"NOK"}}}}}}}}"#
            );
            let answer = client
                .handle_callback_at(&request, body.as_bytes(), now())
                .unwrap();
            verdict(
                &answer,
                possible,
                &format!("checkout amount {payment}, captured {captured}"),
            );
        }
    }
}

#[test]
fn an_ecom_callback_with_its_token_and_an_impossible_amount_is_refused() {
    let client = client();
    let order_id = "acme-shop-123-order123abc";
    let token = client.ecom_auth_token(order_id).unwrap();
    let request = json!({"method": "POST", "url": format!("/vipps/v2/payments/{order_id}"),
        "headers": {"Host": "shop.example", "Content-Type": "application/json", "Authorization": token}});
    for (amount, possible) in AMOUNTS {
        let body = format!(
            r#"{{"merchantSerialNumber":"123456","orderId":"{order_id}","transactionInfo":{{"amount":{amount},"status":"RESERVED","timeStamp":"2018-12-12T11:18:38.246Z","transactionId":"5432123456"}}}}"#
        );
        let answer = client
            .handle_callback_at(&request, body.as_bytes(), now())
            .unwrap();
        verdict(&answer, possible, &format!("eCom amount {amount}"));
    }
}
