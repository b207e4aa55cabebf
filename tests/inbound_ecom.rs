//! eCom v2 callbacks (transaction update, shipping details, consent removal) and Checkout
//! dynamic shipping callbacks, built from the `ms_import.yaml` and Checkout spec examples
//! (vipps-sim does not deliver these yet), and the shipping answers built for them.

mod common;

use common::Harness;
use serde_json::{json, Value};
use vipps::{Client, ErrorKind};

const SECRET: &str = "a-callback-secret-for-the-tests";
const ORDER: &str = "acme-shop-123-order123abc";

fn client() -> (Harness, Client) {
    let h = Harness::start();
    let client = h.client_with(json!({"callback_secret": SECRET}));
    (h, client)
}

fn post(url: &str, token: Option<&str>, body: &Value) -> (Value, Vec<u8>) {
    let mut headers =
        json!({"Content-Type": "application/json;charset=UTF-8", "Host": "shop.example"});
    if let Some(token) = token {
        headers["Authorization"] = json!(token);
    }
    (
        json!({"method": "POST", "url": url, "headers": headers}),
        serde_json::to_vec(body).unwrap(),
    )
}

fn regular(status: &str) -> Value {
    json!({"merchantSerialNumber": "123456", "orderId": ORDER,
           "transactionInfo": {"amount": 49900, "status": status,
                               "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5432123456"}})
}

#[test]
fn transaction_updates_of_every_documented_status_are_normalized() {
    let (_h, client) = client();
    let token = client.ecom_auth_token(ORDER).unwrap();
    assert_ne!(Some(token.clone()), client.checkout_callback_token(ORDER));
    let url = format!("/vipps/ecom/v2/payments/{ORDER}");
    let cases = [
        ("RESERVED", "authorized", 10, [49900, 0, 0]),
        ("RESERVE", "authorized", 10, [49900, 0, 0]),
        ("SALE", "captured", 30, [49900, 49900, 0]),
        ("CANCELLED", "cancelled", 60, [0, 0, 49900]),
        ("REJECTED", "failed", 60, [0, 0, 0]),
        ("RESERVE_FAILED", "failed", 60, [0, 0, 0]),
        ("SALE_FAILED", "failed", 60, [0, 0, 0]),
        ("AUTO_CANCEL", "expired", 60, [0, 0, 0]),
    ];
    for (status, normalized, rank, [authorized, captured, cancelled]) in cases {
        let (request, body) = post(&url, Some(&token), &regular(status));
        let answer = client.handle_callback(&request, &body).unwrap();
        let event = &answer["event"];
        assert_eq!(event["verified"], true, "{answer}");
        assert_eq!(event["kind"], "ecom_callback");
        assert_eq!(event["api"], "ecom");
        assert_eq!(event["reference"], ORDER);
        assert_eq!(event["name"], status);
        assert_eq!(event["status"], normalized, "{status}");
        assert_eq!(event["rank"], rank, "{status}");
        assert_eq!(event["timestamp"], "2018-12-12T11:18:38.246Z");
        assert_eq!(event["transaction_id"], "5432123456");
        assert_eq!(event["express"], false);
        assert_eq!(event["amounts"]["authorized"], authorized, "{status}");
        assert_eq!(event["amounts"]["captured"], captured, "{status}");
        assert_eq!(event["amounts"]["cancelled"], cancelled, "{status}");
        assert_eq!(answer["response"]["status"], 200);
    }
    // A status the library does not know yet is still accepted, without a status.
    let (request, body) = post(&url, Some(&token), &regular("SOMETHING_NEW"));
    let answer = client.handle_callback(&request, &body).unwrap();
    assert_eq!(answer["event"]["verified"], true);
    assert_eq!(answer["event"]["status"], Value::Null);
    assert_eq!(answer["response"]["status"], 200);
}

#[test]
fn express_callbacks_numeric_msn_and_explicit_auth_tokens() {
    let (_h, client) = client();
    // The guide sends merchantSerialNumber as a number; express adds shipping and user details.
    let body = json!({
        "merchantSerialNumber": 123456, "orderId": ORDER,
        "shippingDetails": {"address": {"addressLine1": "Robert Levins gate 5", "addressLine2": "Att: Rune Garborg",
            "city": "Oslo", "country": "Norway", "zipCode": "0154"},
            "shippingCost": 99.0, "shippingMethod": "Posten Servicepakke", "shippingMethodId": "posten-servicepakke"},
        "transactionInfo": {"amount": 49900.0, "status": "RESERVE", "timeStamp": "2018-12-12T11:18:38.246Z",
            "transactionId": "5432123456"},
        "userDetails": {"email": "user@example.com", "firstName": "Ada", "lastName": "Lovelace",
            "mobileNumber": "91234567", "userId": "uiJskNQ6qNN1iwN891uuob=="}
    });
    // The merchant's own authToken (ms_import.yaml example), not a derived one.
    let (mut request, bytes) = post(
        &format!("https://shop.example/cb/v2/payments/{ORDER}"),
        Some("ae0cb90d91b4a84a"),
        &body,
    );
    request["expected_token"] = json!("ae0cb90d91b4a84a");
    request["reference"] = json!(ORDER);
    let answer = client.handle_callback(&request, &bytes).unwrap();
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["merchant_serial_number"], "123456");
    assert_eq!(event["express"], true);
    assert_eq!(
        event["shipping_details"]["shippingMethodId"],
        "posten-servicepakke"
    );
    assert_eq!(event["user_details"]["userId"], "uiJskNQ6qNN1iwN891uuob==");
    assert_eq!(event["amounts"]["authorized"], 49900);
    assert_eq!(event["status"], "authorized");

    // Forgeries: another token, the derived token of another order, a path for another order.
    for (url, token) in [
        (
            format!("/cb/v2/payments/{ORDER}"),
            "ae0cb90d91b4a84b".to_owned(),
        ),
        (
            format!("/cb/v2/payments/{ORDER}"),
            client.ecom_auth_token("acme-shop-123-order999").unwrap(),
        ),
        (
            "/cb/v2/payments/acme-shop-123-order999".to_owned(),
            client.ecom_auth_token(ORDER).unwrap(),
        ),
    ] {
        let (request, bytes) = post(&url, Some(&token), &body);
        let answer = client.handle_callback(&request, &bytes).unwrap();
        assert_eq!(answer["event"]["verified"], false, "{url}");
        assert_eq!(answer["response"]["status"], 401);
        assert!(!answer["event"]["rejection"]
            .as_str()
            .unwrap()
            .contains(&token));
    }
}

#[test]
fn ecom_shipping_details_requests_are_answered_with_decimal_kroner() {
    let (_h, client) = client();
    let token = client.ecom_auth_token(ORDER).unwrap();
    let body = json!({"addressId": 100, "addressLine1": "Robert Levins gate 5", "addressLine2": "c/o Rune Garborg",
                      "city": "Oslo", "country": "NO", "postCode": "0154", "addressType": "H"});
    let (request, bytes) = post(
        &format!("/vipps/shipping/v2/payments/{ORDER}/shippingDetails"),
        Some(&token),
        &body,
    );
    let answer = client.handle_callback(&request, &bytes).unwrap();
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["kind"], "ecom_shipping_details");
    assert_eq!(event["order_id"], ORDER);
    assert_eq!(event["address_id"], 100);
    assert_eq!(event["address"]["postCode"], "0154");
    assert_eq!(
        answer["response"]["body"],
        Value::Null,
        "the plugin builds the body"
    );

    let response = client
        .shipping_options_response(&json!({
            "kind": "ecom_shipping_details", "order_id": event["order_id"], "address_id": event["address_id"],
            "options": [
                {"id": "posten-servicepakke", "title": "Posten Servicepakke", "amount": {"value": 4999, "currency": "NOK"},
                 "priority": 1, "isDefault": true},
                {"id": "pickup", "description": "Hent i butikk", "amount": {"value": 100, "currency": "NOK"},
                 "priority": 2, "isDefault": false}
            ]}))
        .unwrap();
    assert_eq!(response["status"], 200);
    assert_eq!(response["headers"]["Content-Type"], "application/json");
    let sent: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        sent,
        json!({"addressId": 100, "orderId": ORDER, "shippingDetails": [
            {"isDefault": "Y", "priority": 1, "shippingCost": 49.99, "shippingMethod": "Posten Servicepakke", "shippingMethodId": "posten-servicepakke"},
            {"isDefault": "N", "priority": 2, "shippingCost": 1.0, "shippingMethod": "Hent i butikk", "shippingMethodId": "pickup"}
        ]})
    );
    assert!(response["body"]
        .as_str()
        .unwrap()
        .contains("\"shippingCost\":49.99"));

    // A request for another order, or with another order's token, is refused.
    let (request, bytes) = post(
        &format!("/vipps/shipping/v2/payments/{ORDER}/shippingDetails"),
        Some(&client.ecom_auth_token("acme-other-1").unwrap()),
        &body,
    );
    assert_eq!(
        client.handle_callback(&request, &bytes).unwrap()["response"]["status"],
        401
    );
}

#[test]
fn consent_removal_needs_its_token() {
    let (_h, client) = client();
    let url = "/vipps/consents/v2/consents/uiJskNQ6qNN1iwN891uuob%3D%3D";
    let request = |token: Option<&str>| {
        let mut r = json!({"method": "DELETE", "url": url, "headers": {}});
        if let Some(t) = token {
            r["headers"]["Authorization"] = json!(t);
        }
        r["expected_token"] = json!("ae0cb90d91b4a84a");
        r["reference"] = json!(ORDER);
        r
    };
    let answer = client
        .handle_callback(&request(Some("ae0cb90d91b4a84a")), b"")
        .unwrap();
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["kind"], "ecom_consent_removal");
    assert_eq!(event["user_id"], "uiJskNQ6qNN1iwN891uuob==");
    assert_eq!(answer["response"]["status"], 200);
    for token in [None, Some("wrong")] {
        let answer = client.handle_callback(&request(token), b"").unwrap();
        assert_eq!(answer["event"]["verified"], false);
        assert_eq!(answer["response"]["status"], 401);
    }
    // With derived tokens, the plugin names the order the user's token was derived for.
    let derived = client.ecom_auth_token(ORDER).unwrap();
    let r = json!({"method": "DELETE", "url": url, "headers": {"Authorization": derived}, "reference": ORDER});
    assert_eq!(
        client.handle_callback(&r, b"").unwrap()["event"]["verified"],
        true
    );
    let r = json!({"method": "DELETE", "url": url, "headers": {"Authorization": derived}});
    let answer = client.handle_callback(&r, b"").unwrap();
    assert!(answer["event"]["rejection"]
        .as_str()
        .unwrap()
        .contains("expected_token"));
    // A consent removal must be a DELETE.
    let r = json!({"method": "POST", "url": url, "headers": {"Authorization": "ae0cb90d91b4a84a"}, "expected_token": "ae0cb90d91b4a84a", "reference": ORDER});
    assert_eq!(
        client.handle_callback(&r, b"").unwrap()["response"]["status"],
        400
    );
}

#[test]
fn checkout_dynamic_shipping_callbacks_and_their_answers() {
    let (_h, client) = client();
    let reference = "acme-order-10001";
    let token = client.checkout_callback_token(reference).unwrap();
    let address = json!({"streetAddress": "Robert Levins gate 5", "postalCode": "0154", "region": "Oslo", "country": "NO"});
    let (request, bytes) = post(
        &format!("/vipps/shipping-options?reference={reference}"),
        Some(&token),
        &address,
    );
    let answer = client.handle_callback(&request, &bytes).unwrap();
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["kind"], "checkout_shipping");
    assert_eq!(event["reference"], reference);
    assert_eq!(event["address"], address);
    // Another session's token, or no reference to derive one from: refused.
    let other = client.checkout_callback_token("acme-order-10002").unwrap();
    let (request, bytes) = post(
        &format!("/vipps/shipping-options?reference={reference}"),
        Some(&other),
        &address,
    );
    assert_eq!(
        client.handle_callback(&request, &bytes).unwrap()["response"]["status"],
        401
    );
    let (request, bytes) = post("/vipps/shipping-options", Some(&token), &address);
    let answer = client.handle_callback(&request, &bytes).unwrap();
    assert_eq!(answer["response"]["status"], 401);
    assert!(answer["event"]["rejection"]
        .as_str()
        .unwrap()
        .contains("names no reference"));
    let (mut request, bytes) = post("/vipps/shipping-options", Some(&token), &address);
    request["reference"] = json!(reference);
    assert_eq!(
        client.handle_callback(&request, &bytes).unwrap()["event"]["verified"],
        true
    );

    let options = json!([
        {"id": "posten-home", "brand": "POSTEN", "type": "HOME_DELIVERY", "amount": {"value": 9900, "currency": "NOK"},
         "priority": 1, "isDefault": true, "description": "Delivered to your door"},
        {"id": "shop-pickup", "brand": "OTHER", "title": "Pick up in the shop", "amount": {"value": 0, "currency": "NOK"},
         "priority": 2, "isDefault": false},
        {"id": "porterbuddy", "brand": "PORTERBUDDY", "priority": 3, "isDefault": false, "amount": {"value": 14900, "currency": "NOK"}}
    ]);
    let response = client
        .shipping_options_response(&json!({"kind": "checkout_shipping", "options": options}))
        .unwrap();
    let sent: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent, options, "the Checkout shape is the option as given");
    assert_eq!(response["status"], 200);
}

#[test]
fn invalid_shipping_options_name_the_field() {
    let (_h, client) = client();
    let option = json!({"id": "a", "brand": "POSTEN", "amount": {"value": 100, "currency": "NOK"}, "priority": 1, "isDefault": true, "title": "A"});
    let with = |key: &str, value: Value| {
        let mut o = option.clone();
        if value.is_null() {
            o.as_object_mut().unwrap().remove(key);
        } else {
            o[key] = value;
        }
        o
    };
    let checkout = |options: Value| {
        client.shipping_options_response(&json!({"kind": "checkout_shipping", "options": options}))
    };
    let ecom = |options: Value| {
        client.shipping_options_response(&json!({"kind": "ecom_shipping_details", "order_id": ORDER, "address_id": 100, "options": options}))
    };
    let cases: Vec<(vipps::Result<Value>, &str)> = vec![
        (
            checkout(json!([with("brand", Value::Null)])),
            "options[0].brand is required",
        ),
        (
            checkout(json!([with("brand", json!("DHL"))])),
            "options[0].brand must be one of",
        ),
        (
            checkout(json!([with("brand", json!("OTHER"))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.remove("title");
                    Value::Object(o)
                })
                .unwrap()])),
            "options[0].title is required",
        ),
        (
            checkout(
                json!([option.clone(), {"id": "b", "brand": "POSTNORD", "type": "MAILBOX", "amount": {"value": 0, "currency": "NOK"}, "priority": 2, "isDefault": false}]),
            ),
            "options[1].type must be one of PICKUP_POINT, HOME_DELIVERY for POSTNORD",
        ),
        (
            checkout(json!([with("priority", json!(-1))])),
            "options[0].priority must be",
        ),
        (
            checkout(json!([with("isDefault", Value::Null)])),
            "options[0].isDefault is required",
        ),
        (
            checkout(json!([with(
                "amount",
                json!({"value": 99.5, "currency": "NOK"})
            )])),
            "options[0].amount.value must be an integer",
        ),
        (
            checkout(json!([with("id", json!(""))])),
            "options[0].id must be 1 to 200",
        ),
        (
            checkout(json!([option.clone(), with("id", json!("b"))])),
            "at most one option with isDefault",
        ),
        (checkout(json!({"id": "a"})), "options must be an array"),
        (
            client.shipping_options_response(&json!({"options": []})),
            "kind is required",
        ),
        (
            ecom(json!([with(
                "amount",
                json!({"value": 100, "currency": "DKK"})
            )])),
            "options[0].amount.currency must be NOK",
        ),
        (
            ecom(json!([with(
                "amount",
                json!({"value": 99, "currency": "NOK"})
            )])),
            "options[0].amount.value must be at least 100",
        ),
        (
            ecom(json!([with("title", Value::Null)])),
            "options[0].title is required for eCom",
        ),
        (ecom(json!([])), "options must have at least one"),
        (
            client.shipping_options_response(
                &json!({"kind": "ecom_shipping_details", "address_id": 100, "options": [option]}),
            ),
            "order_id is required",
        ),
        (
            client.shipping_options_response(
                &json!({"kind": "ecom_shipping_details", "order_id": ORDER, "options": [option]}),
            ),
            "address_id is required",
        ),
    ];
    for (result, expected) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{expected}");
        assert!(
            err.message.contains(expected),
            "expected {expected:?} in {:?}",
            err.message
        );
    }
    assert!(
        checkout(json!([])).is_ok(),
        "an empty list makes Checkout fall back to fixed options"
    );
}

/// The rule for events with running totals (Checkout callbacks, eCom callbacks, and the same
/// body from polling): apply when (rank, progress, timestamp) is greater than what is stored.
#[test]
fn the_rank_rule_keeps_the_newest_of_reordered_total_events() {
    let (_h, client) = client();
    let reference = "acme-order-20001";
    let token = client.checkout_callback_token(reference).unwrap();
    let session = |captured: i64, refunded: i64, cancelled: i64| {
        let amount = |v: i64| json!({"value": v, "currency": "NOK"});
        json!({"sessionId": "s-1", "reference": reference, "sessionState": "PaymentSuccessful",
               "paymentDetails": {"amount": amount(1000), "state": "AUTHORIZED", "aggregate": {
                   "authorizedAmount": amount(1000), "capturedAmount": amount(captured),
                   "refundedAmount": amount(refunded), "cancelledAmount": amount(cancelled)}}})
    };
    // authorized, partly captured, rest cancelled (captured), partly refunded.
    let history = [
        session(0, 0, 0),
        session(400, 0, 0),
        session(400, 0, 600),
        session(400, 100, 600),
    ];
    let events: Vec<Value> = history
        .iter()
        .map(|body| {
            let (request, bytes) = post("/cb", Some(&token), body);
            client.handle_callback(&request, &bytes).unwrap()["event"].clone()
        })
        .collect();
    let statuses: Vec<&str> = events
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "authorized",
            "partially_captured",
            "captured",
            "partially_refunded"
        ]
    );
    let key = |e: &Value| (e["rank"].as_u64().unwrap(), e["progress"].as_i64().unwrap());
    for pair in events.windows(2) {
        assert!(
            key(&pair[1]) > key(&pair[0]),
            "{} then {}",
            pair[0]["status"],
            pair[1]["status"]
        );
    }
    // Delivered newest-first-ish with duplicates: the plugin's own rule and apply_event agree.
    let order = [2, 0, 3, 3, 1, 0, 2];
    let mut stored: Option<Value> = None;
    let mut record = Value::Null;
    for i in order {
        let e = &events[i];
        if !matches!(&stored, Some(s) if key(e) <= key(s)) {
            stored = Some(e.clone());
        }
        record = client
            .apply_event(&json!({"record": record, "event": e}))
            .unwrap()["record"]
            .clone();
    }
    assert_eq!(stored.unwrap()["status"], "partially_refunded");
    assert_eq!(record["status"], "partially_refunded");
    assert_eq!(record["refundable"], 300);
}
