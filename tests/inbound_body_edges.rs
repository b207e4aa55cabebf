//! Callback and webhook bodies at the edges of their shapes: fields that are null, of the
//! wrong type, or absent. The handlers read each body once into a typed view; these cases pin
//! what the view must keep from the raw body (a null passed on as null, a present null that
//! still marks an express callback, a wrong type read as absent) and which bodies are refused.

use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use vipps::inbound::webhook_signature::{content_hash, signature};
use vipps::Client;

const WEBHOOK_SECRET: &str = "a-webhook-secret-for-these-tests";
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
    UNIX_EPOCH + Duration::from_secs(1_714_644_000)
}

fn handle(client: &Client, url: &str, token: Option<String>, body: &Value) -> Value {
    let mut headers = json!({"Host": "shop.example", "Content-Type": "application/json"});
    if let Some(token) = token {
        headers["Authorization"] = json!(token);
    }
    let request = json!({"method": "POST", "url": url, "headers": headers});
    client
        .handle_callback_at(&request, body.to_string().as_bytes(), now())
        .unwrap()
}

fn webhook(client: &Client, body: &Value) -> Value {
    let text = body.to_string();
    let path = "/vipps/webhook";
    let hash = content_hash(text.as_bytes());
    let sig = signature(WEBHOOK_SECRET, "POST", path, DATE, "shop.example", &hash);
    let request = json!({"method": "POST", "url": path, "headers": {
        "Host": "shop.example", "Content-Type": "application/json", "x-ms-date": DATE,
        "x-ms-content-sha256": hash,
        "Authorization": format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={sig}")}});
    client
        .handle_callback_at(&request, text.as_bytes(), now())
        .unwrap()
}

/// Every answer of this file, for a look at them all at once (`-- --nocapture`).
fn show(what: &str, answer: &Value) {
    println!("{what}\t{answer}");
}

#[test]
fn epayment_webhook_fields_at_their_edges() {
    let client = client();
    let answer = webhook(
        &client,
        &json!({"msn": 123456, "reference": "edge-1", "pspReference": null, "name": "CAPTURED",
                "amount": {"currency": 5, "value": 1000}, "timestamp": 17, "success": "yes"}),
    );
    show("webhook nulls", &answer);
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    // A null passed on as null, a number as it came; a wrong type read as absent.
    assert_eq!(event["psp_reference"], Value::Null, "{answer}");
    assert!(
        event.as_object().unwrap().contains_key("psp_reference"),
        "{answer}"
    );
    assert!(
        !event.as_object().unwrap().contains_key("idempotency_key"),
        "{answer}"
    );
    assert_eq!(event["merchant_serial_number"], 123456, "{answer}");
    assert_eq!(event["id"], "epayment:edge-1:CAPTURED:", "{answer}");
    assert_eq!(event["currency"], Value::Null, "{answer}");
    assert_eq!(event["timestamp"], Value::Null, "{answer}");
    assert_eq!(event["success"], true, "{answer}");
    assert_eq!(event["amounts"]["captured"], 1000, "{answer}");

    for (body, reason) in [
        (json!({"reference": "", "name": "CAPTURED"}), "no reference"),
        (json!({"reference": 5, "name": "CAPTURED"}), "no reference"),
        (
            json!({"reference": "edge-2", "name": null}),
            "no event name",
        ),
    ] {
        let answer = webhook(&client, &body);
        show("webhook refused", &answer);
        assert_eq!(answer["response"]["status"], 400, "{answer}");
        let rejection = answer["event"]["rejection"].as_str().unwrap();
        assert!(rejection.contains(reason), "{answer}");
    }
    // The refusal names the body's reference, an empty one too.
    let answer = webhook(&client, &json!({"reference": "edge-3", "name": 7}));
    assert_eq!(answer["event"]["reference"], "edge-3", "{answer}");
}

#[test]
fn checkout_session_callback_fields_at_their_edges() {
    let client = client();
    let reference = "edge-checkout-1";
    let token = client.checkout_callback_token(reference);
    let url = "/vipps/callback";
    // paymentDetails not an object: no amounts; null extras left out.
    let answer = handle(
        &client,
        url,
        token.clone(),
        &json!({"reference": reference, "sessionId": null, "sessionState": "PaymentInitiated",
                "paymentDetails": "x", "userInfo": {"sub": "u-1"}, "billingDetails": null}),
    );
    show("checkout no details", &answer);
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["amounts"], Value::Null, "{answer}");
    assert_eq!(event["amount"], Value::Null, "{answer}");
    assert_eq!(event["user_info"], json!({"sub": "u-1"}), "{answer}");
    let keys = event.as_object().unwrap();
    assert!(!keys.contains_key("session_id") && !keys.contains_key("billing_details"));
    assert_eq!(
        event["id"],
        format!("checkout:{reference}:PaymentInitiated:-:0:0"),
        "{answer}"
    );
    // paymentDetails an object with an amount of the wrong type: amounts, no amount.
    let answer = handle(
        &client,
        url,
        token.clone(),
        &json!({"reference": reference, "sessionId": "s-1", "sessionState": 3,
                "paymentDetails": {"state": "AUTHORIZED", "amount": {"value": "49900"},
                "aggregate": {"authorizedAmount": {"value": 49900, "currency": "NOK"}}}}),
    );
    show("checkout odd amount", &answer);
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["amount"], Value::Null, "{answer}");
    assert_eq!(event["amounts"]["authorized"], 49900, "{answer}");
    assert_eq!(event["name"], "", "{answer}");
    assert_eq!(event["state"], "AUTHORIZED", "{answer}");
    assert_eq!(event["session_id"], "s-1", "{answer}");

    let answer = handle(
        &client,
        url,
        token,
        &json!({"reference": 7, "sessionId": "s", "sessionState": "x"}),
    );
    show("checkout refused", &answer);
    assert_eq!(answer["response"]["status"], 400, "{answer}");
    assert_eq!(answer["event"]["kind"], "checkout_callback", "{answer}");
}

#[test]
fn ecom_callback_fields_at_their_edges() {
    let client = client();
    let order_id = "edge-ecom-1";
    let token = client.ecom_auth_token(order_id);
    let url = format!("/vipps/v2/payments/{order_id}");
    // A present null marks the callback express, and is not passed on.
    let answer = handle(
        &client,
        &url,
        token.clone(),
        &json!({"orderId": order_id, "merchantSerialNumber": null, "shippingDetails": null,
                "errorInfo": null, "transactionInfo": {"status": "RESERVED", "amount": 2500,
                "transactionId": 12, "timeStamp": "2024-05-02T10:00:00Z"}}),
    );
    show("ecom nulls", &answer);
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["express"], true, "{answer}");
    let keys = event.as_object().unwrap();
    assert!(keys.contains_key("merchant_serial_number"), "{answer}");
    assert_eq!(event["merchant_serial_number"], Value::Null, "{answer}");
    assert!(!keys.contains_key("shipping_details") && !keys.contains_key("error_info"));
    assert_eq!(event["transaction_id"], "", "{answer}");
    assert_eq!(
        event["id"],
        format!("ecom:{order_id}:RESERVED:"),
        "{answer}"
    );
    assert_eq!(event["timestamp"], "2024-05-02T10:00:00Z", "{answer}");
    assert_eq!(event["amounts"]["authorized"], 2500, "{answer}");

    let answer = handle(
        &client,
        &url,
        token.clone(),
        &json!({"orderId": order_id, "merchantSerialNumber": 123456,
                "userDetails": {"firstName": "Ada"},
                "transactionInfo": {"status": "SALE", "amount": 2500.0, "transactionId": "t-1"}}),
    );
    show("ecom express", &answer);
    let event = &answer["event"];
    assert_eq!(event["merchant_serial_number"], "123456", "{answer}");
    assert_eq!(
        event["user_details"],
        json!({"firstName": "Ada"}),
        "{answer}"
    );
    assert_eq!(event["amounts"]["captured"], 2500, "{answer}");

    for (body, reason) in [
        (
            json!({"orderId": order_id, "transactionInfo": "RESERVED"}),
            "no transactionInfo",
        ),
        (
            json!({"orderId": order_id, "transactionInfo": {"status": 1}}),
            "status is missing",
        ),
    ] {
        let answer = handle(&client, &url, token.clone(), &body);
        show("ecom refused", &answer);
        assert_eq!(answer["response"]["status"], 400, "{answer}");
        let rejection = answer["event"]["rejection"].as_str().unwrap();
        assert!(rejection.contains(reason), "{answer}");
    }
}

#[test]
fn shipping_callback_fields_at_their_edges() {
    let client = client();
    // Checkout: the address fields must be text.
    let reference = "edge-ship-1";
    let token = client.checkout_callback_token(reference);
    let url = format!("/vipps/shipping?reference={reference}");
    let address = json!({"streetAddress": "Gate 1", "postalCode": "0150", "region": "Oslo",
                         "country": "NO"});
    let answer = handle(&client, &url, token.clone(), &address);
    show("checkout shipping", &answer);
    assert_eq!(answer["event"]["address"], address, "{answer}");
    let mut odd = address.clone();
    odd["region"] = json!(5);
    let answer = handle(&client, &url, token, &odd);
    show("checkout shipping refused", &answer);
    assert_eq!(answer["response"]["status"], 400, "{answer}");
    assert!(answer["event"]["rejection"]
        .as_str()
        .unwrap()
        .contains("no region"));

    // eCom express: the address as it came, nulls included; addressId an integer.
    let order_id = "edge-ship-2";
    let token = client.ecom_auth_token(order_id);
    let url = format!("/vipps/v2/payments/{order_id}/shippingDetails");
    let answer = handle(
        &client,
        &url,
        token.clone(),
        &json!({"addressId": 3, "addressLine1": "Gate 1", "addressLine2": null, "city": 7,
                "postCode": "0150"}),
    );
    show("ecom shipping", &answer);
    assert_eq!(
        answer["event"]["address"],
        json!({"addressLine1": "Gate 1", "addressLine2": null, "city": 7, "postCode": "0150"}),
        "{answer}"
    );
    assert_eq!(answer["event"]["address_id"], 3, "{answer}");
    let answer = handle(
        &client,
        &url,
        token,
        &json!({"addressId": 3.5, "city": "Oslo"}),
    );
    assert_eq!(answer["response"]["status"], 400, "{answer}");

    // ePayment Express (PascalCase): AddressLine2 may be null or absent, the rest text.
    let reference = "edge-ship-3";
    let token = client.epayment_shipping_token(reference);
    let body = json!({"Reference": reference, "AddressLine1": "Gate 1", "AddressLine2": null,
                      "City": "Oslo", "PostCode": "0150", "Country": "NO"});
    let answer = handle(&client, "/vipps/express-shipping", token.clone(), &body);
    show("express shipping", &answer);
    assert_eq!(
        answer["event"]["address"],
        json!({"addressLine1": "Gate 1", "city": "Oslo", "postCode": "0150", "country": "NO"}),
        "{answer}"
    );
    let mut odd = body.clone();
    odd["City"] = Value::Null;
    let answer = handle(&client, "/vipps/express-shipping", token, &odd);
    show("express shipping refused", &answer);
    assert!(answer["event"]["rejection"]
        .as_str()
        .unwrap()
        .contains("no text City"));
}

#[test]
fn a_body_is_recognized_by_the_fields_it_has_null_or_not() {
    let client = client();
    let answer = handle(
        &client,
        "/vipps/somewhere",
        None,
        &json!({"orderId": null, "transactionInfo": null}),
    );
    show("recognized by nulls", &answer);
    assert_eq!(answer["event"]["kind"], "ecom_callback", "{answer}");
    let answer = handle(&client, "/vipps/somewhere", None, &json!({"orderId": "x"}));
    assert_eq!(answer["event"]["kind"], Value::Null, "{answer}");
}
