//! eCom callbacks, the express shipping-details round trip, consent removal and the Checkout
//! dynamic shipping callback, delivered by
//! vipps-sim to a "shop" that answers with what the library tells it to send.

mod common;

use common::receiver::{Captured, Receiver};
use common::{reference, Harness};
use serde_json::{json, Value};
use std::sync::Arc;
use vipps::Client;

fn handle(client: &Client, captured: &Captured) -> Value {
    client
        .handle_callback(&captured.request_json(), &captured.body)
        .expect("request_json is valid")
}

#[test]
fn a_regular_ecom_callback_is_verified_and_normalized() {
    let h = Harness::start();
    let client = h.client_with(json!({"callback_secret": "shop-callback-secret-0123456789"}));
    let receiver = Receiver::start();
    let order_id = reference("ecom-cb");
    let initiated = client
        .ecom_initiate(&json!({
            "merchantInfo": {"callbackPrefix": receiver.url("/vipps"), "fallBack": "https://shop.example/return"},
            "transaction": {"amount": 4900, "orderId": order_id, "transactionText": "Socks"}
        }))
        .unwrap();
    assert_eq!(
        Some(initiated["auth_token"].as_str().unwrap().to_owned()),
        client.ecom_auth_token(&order_id),
        "the authToken is derived"
    );
    h.approve(&order_id);
    let path = format!("/vipps/v2/payments/{order_id}");
    let delivered = receiver.wait_until(5, |all| all.iter().any(|c| c.target == path));
    let callback = delivered.iter().find(|c| c.target == path).unwrap();
    let answer = handle(&client, callback);
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["kind"], "ecom_callback");
    assert_eq!(event["reference"], order_id.as_str());
    assert_eq!(event["status"], "authorized");
    assert_eq!(answer["response"]["status"], 200);

    // The same delivery with a forged token is refused.
    let mut forged = callback.clone();
    for (name, value) in forged.headers.iter_mut() {
        if name.eq_ignore_ascii_case("authorization") {
            *value = "not-the-token".into();
        }
    }
    let refused = handle(&client, &forged);
    assert_eq!(refused["event"]["verified"], false);
    assert_eq!(refused["response"]["status"], 401);
}

#[test]
fn express_shipping_details_are_answered_by_the_library_and_accepted_by_the_simulator() {
    let h = Harness::start();
    let client =
        Arc::new(h.client_with(json!({"callback_secret": "shop-callback-secret-0123456789"})));
    let shop = client.clone();
    // The shop: verify every request; answer shipping-details requests with the library's body.
    let receiver = Receiver::answering(Arc::new(move |captured: &Captured| {
        let answer = handle(&shop, captured);
        if answer["event"]["verified"] != true || answer["event"]["kind"] != "ecom_shipping_details"
        {
            let status = answer["response"]["status"].as_u64().unwrap_or(500) as u16;
            return (status, String::new());
        }
        let event = &answer["event"];
        let response = shop
            .shipping_options_response(&json!({
                "kind": "ecom_shipping_details",
                "order_id": event["reference"],
                "address_id": event["address_id"],
                "options": [
                    {"id": "posten-pickup", "brand": "POSTEN", "title": "Posten pickup point", "amount": {"value": 4900, "currency": "NOK"}, "priority": 1, "isDefault": false},
                    {"id": "home-delivery", "brand": "OTHER", "title": "Home delivery", "amount": {"value": 9900, "currency": "NOK"}, "priority": 0, "isDefault": true}
                ]
            }))
            .expect("valid options");
        let body = response["body"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| response["body"].to_string());
        (response["status"].as_u64().unwrap_or(200) as u16, body)
    }));
    let order_id = reference("ecom-express");
    client
        .ecom_initiate(&json!({
            "merchantInfo": {"callbackPrefix": receiver.url("/vipps"), "fallBack": "https://shop.example/return",
                             "paymentType": "eComm Express Payment", "shippingDetailsPrefix": receiver.url("/vipps"),
                             "consentRemovalPrefix": receiver.url("/vipps")},
            "transaction": {"amount": 20000, "orderId": order_id, "transactionText": "A coat"}
        }))
        .unwrap();
    h.approve(&order_id);
    let callback_path = format!("/vipps/v2/payments/{order_id}");
    let delivered = receiver.wait_until(10, |all| all.iter().any(|c| c.target == callback_path));
    assert!(
        delivered
            .iter()
            .any(|c| c.target.ends_with("/shippingDetails")),
        "the shipping details were asked for"
    );

    let callback = delivered
        .iter()
        .find(|c| c.target == callback_path)
        .unwrap();
    let answer = handle(&client, callback);
    let event = &answer["event"];
    assert_eq!(event["verified"], true, "{answer}");
    assert_eq!(event["express"], true);
    assert_eq!(event["status"], "authorized");
    assert_eq!(
        event["shipping_details"]["shippingMethodId"], "home-delivery",
        "the default option was chosen: {event}"
    );
    let details = client
        .get_payment(&json!({"reference": order_id, "api": "ecom"}))
        .unwrap();
    assert_eq!(details["normalized"]["status"], "authorized");

    // Consent removal for the express user reaches the shop and is verified with the order's token.
    let user_id = event["user_details"]["userId"]
        .as_str()
        .expect("express callbacks name the user")
        .to_owned();
    let (status, _) = h.control(
        "POST",
        &format!("/_sim/ecom/consents/{user_id}/remove"),
        None,
    );
    assert!((200..300).contains(&status));
    // The userId (base64, with '+' and '=') travels percent-encoded in the path.
    let consents = "/vipps/v2/consents/";
    let delivered =
        receiver.wait_until(5, |all| all.iter().any(|c| c.target.starts_with(consents)));
    let removal = delivered
        .iter()
        .find(|c| c.target.starts_with(consents))
        .unwrap();
    assert_eq!(removal.method, "DELETE");
    let mut request = removal.request_json();
    request["reference"] = json!(order_id);
    let answer = client.handle_callback(&request, &removal.body).unwrap();
    assert_eq!(answer["event"]["verified"], true, "{answer}");
    assert_eq!(answer["event"]["kind"], "ecom_consent_removal");
    assert_eq!(answer["event"]["user_id"], user_id.as_str());
}

#[test]
fn checkout_dynamic_shipping_is_answered_by_the_library_and_offered_by_the_simulator() {
    let h = Harness::start();
    let client =
        Arc::new(h.client_with(json!({"callback_secret": "shop-callback-secret-0123456789"})));
    let shop = client.clone();
    let receiver = Receiver::answering(Arc::new(move |captured: &Captured| {
        let answer = handle(&shop, captured);
        if answer["event"]["verified"] != true {
            return (
                answer["response"]["status"].as_u64().unwrap_or(401) as u16,
                String::new(),
            );
        }
        let postal_code = answer["event"]["address"]["postalCode"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let response = shop
            .shipping_options_response(&json!({
                "kind": "checkout_shipping",
                "options": [{"id": format!("courier-{postal_code}"), "brand": "OTHER", "title": "Courier to your door",
                             "amount": {"value": 14900, "currency": "NOK"}, "priority": 0, "isDefault": true}]
            }))
            .expect("valid options");
        let body = response["body"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| response["body"].to_string());
        (response["status"].as_u64().unwrap_or(200) as u16, body)
    }));
    let reference = reference("co-dynamic");
    let mut request = common::session_request(&reference, 30000);
    // The reference rides in the callback URL: the spec's request body names no session.
    request["logistics"] = json!({"dynamicOptionsCallback": receiver.url(&format!("/vipps/shipping?reference={reference}")),
                                  "fixedOptions": [{"id": "fallback", "brand": "POSTEN", "amount": {"value": 9900, "currency": "NOK"}, "priority": 1, "isDefault": true}]});
    let session = client.create_session(&request).unwrap();
    let token = session["token"].as_str().unwrap();
    let (status, offered) = h.control(
        "POST",
        "/sim/checkout/shipping-options",
        Some(json!({"token": token, "streetAddress": "Robert Levins gate 5", "postalCode": "0154", "city": "Oslo", "country": "NO"})),
    );
    assert_eq!(status, 200, "{offered}");
    assert_eq!(
        offered["source"], "dynamic",
        "the simulator accepted the library's answer: {offered}"
    );
    let ids: Vec<&str> = offered["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert_eq!(ids, ["courier-0154"]);
}
