//! Issue 20, Express in ePayment, end to end against the simulator: a create with
//! `profile.scope` and `shipping`, the customer's choice (the simulator's control API, standing
//! in for the app), the dynamic shipping callback verified and answered by the library as a
//! shop would, `shippingDetails` and `userDetails` in `get_payment` and `normalized`, the
//! authorized webhook with `userDetails`, and a capture of the total including shipping.

mod common;

use common::receiver::{Captured, Receiver};
use common::{reference, Harness};
use serde_json::{json, Value};
use std::sync::Arc;
use vipps::{Client, ErrorKind};

const ITEMS: i64 = 49_900;

fn express_request(reference: &str, shipping: Value) -> Value {
    json!({
        "amount": {"value": ITEMS, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
        "paymentDescription": "A warm winter coat",
        "profile": {"scope": "name address email phoneNumber"},
        "shipping": shipping,
    })
}

fn groups_for(city: &str) -> Value {
    // A shop that offers Porterbuddy only in Oslo, and PostNord everywhere.
    let mut groups = vec![
        json!({"brand": "POSTNORD", "type": "PICKUP_POINT", "isDefault": true,
        "priority": 0, "options": [{"id": "pn-pickup", "name": "PostNord pickup point",
        "amount": {"currency": "NOK", "value": 4900}, "isDefault": true, "priority": 0,
        "estimatedDelivery": "2-4 days"}]}),
    ];
    if city == "Oslo" {
        groups.push(
            json!({"brand": "PORTERBUDDY", "type": "HOME_DELIVERY", "isDefault": false,
            "priority": 1, "options": [{"id": "bud", "name": "Porterbuddy this evening",
            "amount": {"currency": "NOK", "value": 9900}, "isDefault": false, "priority": 0}]}),
        );
    }
    json!(groups)
}

/// The shop's shipping endpoint: verifies with `handle_callback`, answers with the groups for
/// the address (or 400 for Finland), exactly as the library says to answer.
fn shop(client: Arc<Client>) -> Receiver {
    Receiver::answering(Arc::new(move |c: &Captured| {
        let answer = client
            .handle_callback(&c.request_json(), &c.body)
            .expect("request_json is valid");
        let event = &answer["event"];
        let response = if event["verified"] == true {
            let request = if event["address"]["country"] == "FI" {
                json!({"kind": "epayment_shipping", "deliverable": false})
            } else {
                let city = event["address"]["city"].as_str().unwrap_or("");
                json!({"kind": "epayment_shipping", "groups": groups_for(city), "currency": "NOK"})
            };
            client.shipping_options_response(&request).unwrap()
        } else {
            answer["response"].clone()
        };
        (
            response["status"].as_u64().unwrap() as u16,
            response["body"].as_str().unwrap_or("").to_owned(),
        )
    }))
}

fn choose(h: &Harness, r: &str, choice: Value) -> (u16, Value) {
    h.control(
        "POST",
        &format!("/_sim/epayment/{r}/express/approve"),
        Some(choice),
    )
}

#[test]
fn a_dynamic_express_payment_from_create_to_capture() {
    let h = Harness::start();
    let client =
        Arc::new(h.client_with(json!({"callback_secret": "a-callback-secret-for-express"})));
    let shipping = shop(client.clone());
    let hooks = Receiver::start();
    let webhook = client
        .register_webhook(&json!({"url": hooks.url("/hooks"),
            "events": ["epayments.payment.authorized.v1"]}))
        .unwrap();
    let r = reference("express-dyn");
    let created = client
        .create_payment(&express_request(
            &r,
            json!({"dynamicOptions": {"callbackUrl": shipping.url("/vipps/shipping")}}),
        ))
        .unwrap();
    // The token was derived from callback_secret, so a retry sends the same body.
    let token = client.epayment_shipping_token(&r).unwrap();
    assert_eq!(created["shipping_callback_token"], json!(token));

    // The customer picks the Oslo address and Porterbuddy, which only the callback offers.
    let (status, body) = choose(&h, &r, json!({"address_index": 0, "option_id": "bud"}));
    assert_eq!(status, 200, "{body}");
    let calls = shipping.all();
    assert_eq!(calls.len(), 1, "one callback for one address");
    assert_eq!(calls[0].header("authorization"), Some(token.as_str()));
    let body = calls[0].json();
    assert_eq!(body["Reference"], json!(r));
    assert_eq!(body["City"], "Oslo");

    // What the shop's handler saw: a verified epayment_shipping event with the address.
    let seen = client
        .handle_callback(&calls[0].request_json(), &calls[0].body)
        .unwrap();
    assert_eq!(seen["event"]["kind"], "epayment_shipping");
    assert_eq!(seen["event"]["verified"], true);
    assert_eq!(seen["event"]["reference"], json!(r));
    assert_eq!(seen["event"]["address"]["postCode"], "0154");

    let payment = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(payment["amount"]["value"], ITEMS + 9900, "{payment}");
    assert_eq!(payment["shippingDetails"]["shippingOptionId"], "bud");
    let n = &payment["normalized"];
    assert_eq!(n["status"], "authorized");
    assert_eq!(n["authorized"], ITEMS + 9900);
    assert_eq!(n["shipping_details"]["option_id"], "bud");
    assert_eq!(
        n["shipping_details"]["option_name"],
        "Porterbuddy this evening"
    );
    assert_eq!(n["shipping_details"]["cost"], 9900);
    assert_eq!(n["shipping_details"]["address"]["city"], "Oslo");
    assert_eq!(n["user_details"]["email"], "ada.lovelace@example.com");
    assert_eq!(n["user_details"]["phone_number"], "4791234567");
    assert!(payment["profile"]["sub"].is_string(), "{payment}");

    // The authorized webhook carries userDetails and verifies with the registered secret.
    let delivered = hooks.wait_until(10, |all| !all.is_empty());
    assert_eq!(delivered[0].json()["userDetails"]["firstName"], "Ada");
    let mut request = delivered[0].request_json();
    request["webhook_secrets"] = json!([webhook["secret"]]);
    let verified = client
        .handle_callback(&request, &delivered[0].body)
        .unwrap();
    assert_eq!(verified["event"]["verified"], true, "{verified}");

    // The whole amount, shipping included, is captured.
    let captured = client
        .capture(
            &json!({"reference": r, "amount": {"value": ITEMS + 9900, "currency": "NOK"},
            "idempotency_key": format!("{r}-capture")}),
        )
        .unwrap();
    assert_eq!(captured["normalized"]["status"], "captured", "{captured}");
    assert_eq!(h.ledger_entry(&r)["captured"], ITEMS + 9900);
}

#[test]
fn the_callback_decides_what_is_offered_and_a_refusal_changes_nothing() {
    let h = Harness::start();
    let client =
        Arc::new(h.client_with(json!({"callback_secret": "a-callback-secret-for-express"})));
    let shipping = shop(client.clone());
    let r = reference("express-refuse");
    client
        .create_payment(&express_request(
            &r,
            json!({"dynamicOptions": {"callbackUrl": shipping.url("/ship")}}),
        ))
        .unwrap();
    // Bergen gets no Porterbuddy: choosing it is refused, the payment stays CREATED.
    let (status, body) = choose(&h, &r, json!({"address_index": 1, "option_id": "bud"}));
    assert_eq!(status, 400, "{body}");
    // A Finnish address: the shop answers 400 (cannot ship there).
    let fi = json!({"addressLine1": "Mannerheimintie 1", "city": "Helsinki", "postCode": "00100", "country": "FI"});
    let (status, body) = choose(&h, &r, json!({"address": fi}));
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("cannot ship"),
        "{body}"
    );
    let entry = h.ledger_entry(&r);
    assert_eq!(entry["state"], "CREATED");
    assert_eq!(entry["amount"], ITEMS);
    // Bergen with the default: PostNord's pickup point.
    let (status, body) = choose(&h, &r, json!({"address_index": 1}));
    assert_eq!(status, 200, "{body}");
    let payment = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(
        payment["normalized"]["shipping_details"]["option_id"],
        "pn-pickup"
    );
    assert_eq!(
        payment["normalized"]["shipping_details"]["address"]["line2"],
        "Leilighet H0301"
    );
    assert_eq!(payment["normalized"]["amount"], ITEMS + 4900);
    assert_eq!(shipping.all().len(), 3);
}

#[test]
fn a_forged_or_foreign_shipping_callback_is_refused() {
    let h = Harness::start();
    let client = h.client_with(json!({"callback_secret": "a-callback-secret-for-express"}));
    let body = json!({"Reference": "express-ref-0001", "AddressLine1": "Storgata 1",
        "AddressLine2": null, "City": "Oslo", "PostCode": "0155", "Country": "NO"})
    .to_string();
    let token = client.epayment_shipping_token("express-ref-0001").unwrap();
    let request = |auth: &str| json!({"method": "POST", "url": "/vipps/shipping", "headers": {"Authorization": auth}});
    let ok = client
        .handle_callback(&request(&token), body.as_bytes())
        .unwrap();
    assert_eq!(ok["event"]["verified"], true, "{ok}");
    assert_eq!(ok["event"]["kind"], "epayment_shipping");
    assert_eq!(
        ok["response"]["headers"]["Content-Type"],
        "application/json"
    );
    // The token of another reference, or none, is 401.
    let other = client.epayment_shipping_token("express-ref-0002").unwrap();
    for auth in [other.as_str(), "", "Bearer nope"] {
        let no = client
            .handle_callback(&request(auth), body.as_bytes())
            .unwrap();
        assert_eq!(no["event"]["verified"], false, "{no}");
        assert_eq!(no["response"]["status"], 401, "{no}");
    }
    // The plugin's expected reference disagrees with the body: 401.
    let mut pinned = request(&token);
    pinned["reference"] = json!("express-ref-0002");
    let no = client.handle_callback(&pinned, body.as_bytes()).unwrap();
    assert_eq!(no["response"]["status"], 401, "{no}");
    // A token given as "Bearer …" at create (the docs' example) verifies too.
    let mut given = request("Bearer shop-token-1");
    given["expected_token"] = json!("Bearer shop-token-1");
    given["reference"] = json!("express-ref-0001");
    let ok = client.handle_callback(&given, body.as_bytes()).unwrap();
    assert_eq!(ok["event"]["verified"], true, "{ok}");
    // No City: 400.
    let partial = json!({"Reference": "express-ref-0001", "AddressLine1": "x", "PostCode": "0155", "Country": "NO"});
    let no = client
        .handle_callback(&request(&token), partial.to_string().as_bytes())
        .unwrap();
    assert_eq!(no["response"]["status"], 400, "{no}");
}

#[test]
fn fixed_options_and_the_test_approve_refusal() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("express-fixed");
    client
        .create_payment(&express_request(
            &r,
            json!({"fixedOptions": groups_for("Oslo")}),
        ))
        .unwrap();
    // "Express is not supported" by the test approve endpoint.
    let err = client.force_approve(&json!({"reference": r})).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Api, "{err:?}");
    assert!(err.message.contains("Express"), "{}", err.message);
    let (status, _) = h.control(
        "POST",
        &format!("/_sim/payments/{r}/approve"),
        Some(json!({})),
    );
    assert_eq!(status, 400);
    let (status, body) = choose(&h, &r, json!({}));
    assert_eq!(status, 200, "{body}");
    let payment = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(
        payment["normalized"]["shipping_details"]["option_id"],
        "pn-pickup"
    );
    assert_eq!(payment["normalized"]["authorized"], ITEMS + 4900);
    // The choice is made once.
    let (status, _) = choose(&h, &r, json!({}));
    assert_eq!(status, 409);
}

#[test]
fn bad_express_requests_name_the_field_and_send_nothing() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("express-bad");
    let cases = [
        (
            json!({"fixedOptions": groups_for("Oslo")}),
            "profile.scope",
            Some("name email"),
        ),
        (json!({}), "shipping must have fixedOptions", None),
        (
            json!({"dynamicOptions": {"callbackUrl": "http://shop.example/ship"}}),
            "shipping.dynamicOptions.callbackUrl",
            None,
        ),
        (
            json!({"fixedOptions": [{"brand": "UPS", "type": "HOME_DELIVERY", "isDefault": true, "priority": 0, "options": []}]}),
            "shipping.fixedOptions[0].brand",
            None,
        ),
    ];
    for (shipping, needle, scope) in cases {
        let mut request = express_request(&r, shipping);
        if let Some(scope) = scope {
            request["profile"]["scope"] = json!(scope);
        }
        let err = client.create_payment(&request).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains(needle), "{needle}: {}", err.message);
    }
    let sent = h.requests("/epayment/v1/payments");
    assert!(
        sent.iter()
            .all(|q| !q["body"].as_str().unwrap_or("").contains(&r)),
        "nothing about {r} was sent"
    );
    // The answer builder checks groups the same way.
    let err = client
        .shipping_options_response(
            &json!({"kind": "epayment_shipping", "groups": [{"brand": "POSTEN",
            "type": "MAILBOX", "isDefault": true, "priority": 0, "options": [{"id": "a",
            "name": "Mailbox", "amount": {"currency": "NOK", "value": 100}, "isDefault": true}]}]}),
        )
        .unwrap_err();
    assert!(
        err.message.contains("groups[0].options[0].priority"),
        "{}",
        err.message
    );
}

#[test]
fn an_express_payment_nobody_acts_on_expires_and_cannot_be_chosen_any_more() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("express-expire");
    client
        .create_payment(&express_request(
            &r,
            json!({"fixedOptions": groups_for("Oslo")}),
        ))
        .unwrap();
    let landing = |h: &Harness| h.control("GET", &format!("/sim/landing/{r}"), None).1;
    assert!(landing(&h)
        .as_str()
        .unwrap()
        .contains("id=\"express-next\""));
    let (status, body) = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 3600})),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = choose(&h, &r, json!({}));
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("EXPIRED"),
        "{body}"
    );
    // The landing page is the ordinary one saying so, without the Express steps.
    let page = landing(&h);
    let page = page.as_str().unwrap();
    assert!(
        page.contains("EXPIRED") && !page.contains("express-next"),
        "{page}"
    );
    let payment = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(payment["normalized"]["status"], "expired");
    assert!(payment["normalized"].get("shipping_details").is_none());
}
