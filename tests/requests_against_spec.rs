//! Every request the library sends, against the official OpenAPI specs in `shared/specs/`:
//! the flows below run through the library against the simulator, which records what it
//! receives (`/_sim/requests`); each recorded request is matched to its spec operation and its
//! body, path parameters and header parameters are validated against the spec's schemas, with
//! the spec's `pattern`s on (the converter and its documented traps: `sim/tests/schema/`).
//!
//! The operations the library must be seen sending are listed in [`MUST_COVER`]; a request to
//! a path no spec has fails the test, except the ones in [`NOT_IN_THE_SPECS`].

mod common;
#[allow(dead_code)]
#[path = "../sim/tests/schema/mod.rs"]
mod schema;

use common::{payment_request, reference, session_request, Harness};
use schema::Specs;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use vipps::order_management::build_receipt;
use vipps::Client;

/// The operations each API's flows must have sent (method and spec template).
const MUST_COVER: &[&str] = &[
    "POST /epayment/v1/payments",
    "POST /epayment/v1/payments/{reference}/capture",
    "POST /epayment/v1/payments/{reference}/refund",
    "POST /epayment/v1/payments/{reference}/cancel",
    "GET /epayment/v1/payments/{reference}",
    "POST /ecomm/v2/payments",
    "POST /ecomm/v2/payments/{orderId}/capture",
    "POST /ecomm/v2/payments/{orderId}/refund",
    "PUT /ecomm/v2/payments/{orderId}/cancel",
    "POST /session",
    "GET /session/{reference}",
    "POST /v2/{paymentType}/receipts/{orderId}",
    "PUT /v2/{paymentType}/categories/{orderId}",
    "POST /v1/images",
    "POST /v1/webhooks",
    "GET /v1/webhooks",
    "DELETE /v1/webhooks/{id}",
    "POST /accesstoken/get",
];

/// Paths the library calls that none of the specs here describes (with the reason).
const NOT_IN_THE_SPECS: &[&str] = &[
    // The Userinfo API (profile sharing) has no spec in shared/specs/.
    "/vipps-userinfo-api/",
];

/// A receipt as the library builds it, for `value` øre with a fractional quantity.
fn receipt(value: i64) -> Value {
    build_receipt(&json!({
        "amount": {"value": value, "currency": "NOK"},
        "lines": [
            {"name": "Cheese", "id": "sku-cheese", "quantity": "0.5", "quantity_unit": "KG",
             "unit_price": 10000, "tax_rate": 1500},
            {"name": "Home delivery", "id": "shipping", "total_amount": value - 5000,
             "tax_rate": 2500, "is_shipping": true}
        ]
    }))
    .expect("the receipt is valid")
}

fn epayment_flows(h: &Harness, client: &Client) {
    // Created with a receipt, captured in part, refunded; read back.
    let paid = reference("spec-ep");
    let mut create = payment_request(&paid, 14900);
    create["receipt"] = receipt(14900);
    create["metadata"] = json!({"orderId": "10001"});
    client.create_payment(&create).unwrap();
    h.approve(&paid);
    client
        .capture(&json!({"reference": paid, "amount": {"value": 10000, "currency": "NOK"}}))
        .unwrap();
    client
        .refund(&json!({"reference": paid, "amount": {"value": 2500, "currency": "NOK"}}))
        .unwrap();
    client.get_payment(&json!({"reference": paid})).unwrap();
    client
        .get_payment_events(&json!({"reference": paid}))
        .unwrap();

    // A push payment with a customer and an expiry, approved through the test API, cancelled.
    let pushed = reference("spec-push");
    let in_a_day_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + 86_400_000;
    let expires = vipps_sim::timefmt::rfc3339_ms(in_a_day_ms);
    client
        .create_payment(&json!({
            "amount": {"value": 14900, "currency": "NOK"}, "paymentMethod": {"type": "WALLET"},
            "reference": pushed, "userFlow": "PUSH_MESSAGE",
            "customer": {"phoneNumber": "4791234567"}, "expiresAt": expires,
            "paymentDescription": "A hat", "receipt": receipt(14900)
        }))
        .unwrap();
    client
        .force_approve(&json!({"reference": pushed, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
    client.cancel(&json!({"reference": pushed})).unwrap();

    // A QR payment with its format, and a native redirect.
    let mut qr = payment_request(&reference("spec-qr"), 4900);
    qr["userFlow"] = json!("QR");
    qr["qrFormat"] = json!({"format": "IMAGE/SVG+XML", "size": 300});
    qr.as_object_mut().unwrap().remove("returnUrl");
    client.create_payment(&qr).unwrap();
    let mut native = payment_request(&reference("spec-native"), 4900);
    native["userFlow"] = json!("NATIVE_REDIRECT");
    native["returnUrl"] = json!("shopapp://vipps/return");
    client.create_payment(&native).unwrap();
}

fn ecom_flows(client: &Client) {
    let initiate = |order_id: &str| {
        client
            .ecom_initiate(&json!({
                "customerInfo": {"mobileNumber": "91234567"},
                "merchantInfo": {"callbackPrefix": "https://shop.example/vipps",
                                 "fallBack": format!("https://shop.example/return/{order_id}")},
                "transaction": {"amount": 14900, "orderId": order_id,
                                "transactionText": "One pair of socks"}
            }))
            .unwrap();
        client
            .force_approve(&json!({"reference": order_id, "api": "ecom",
                                   "customerPhoneNumber": "91234567"}))
            .unwrap();
    };
    let paid = reference("spec-ecom");
    initiate(&paid);
    client
        .capture(&json!({"reference": paid, "api": "ecom",
                         "amount": {"value": 10000, "currency": "NOK"}}))
        .unwrap();
    client
        .refund(&json!({"reference": paid, "api": "ecom",
                        "amount": {"value": 2500, "currency": "NOK"}}))
        .unwrap();
    let cancelled = reference("spec-ecom");
    initiate(&cancelled);
    // An express initiate, with its static shipping options.
    let express = reference("spec-ecom-x");
    client
        .ecom_initiate(&json!({
            "merchantInfo": {"callbackPrefix": "https://shop.example/vipps",
                "fallBack": "https://shop.example/return/x",
                "consentRemovalPrefix": "https://shop.example/vipps",
                "paymentType": "eComm Express Payment",
                "staticShippingDetails": [{"isDefault": "Y", "priority": 0,
                    "shippingCost": 0.0, "shippingMethod": "Posten", "shippingMethodId": "posten"}]},
            "transaction": {"amount": 14900, "orderId": express,
                            "transactionText": "One pair of socks"}
        }))
        .unwrap();
    client
        .cancel(&json!({"reference": cancelled, "api": "ecom"}))
        .unwrap();
}

fn checkout_flows(client: &Client) {
    let session = reference("spec-co");
    let mut request = session_request(&session, 14900);
    request["transaction"]["orderSummary"] = json!({
        "orderLines": [{"name": "Socks", "id": "sku-1", "totalAmount": 14900,
            "totalAmountExcludingTax": 11920, "totalTaxAmount": 2980, "taxRate": 2500,
            "taxPercentage": 25}],
        "orderBottomLine": {"currency": "NOK"}
    });
    request["logistics"] = json!({"fixedOptions": [{"id": "home", "priority": 0,
        "isDefault": true, "brand": "POSTEN", "amount": {"value": 0, "currency": "NOK"}}]});
    client.create_session(&request).unwrap();
    client.get_session(&json!({"reference": session})).unwrap();
}

fn order_management_flows(h: &Harness, client: &Client) {
    let paid = reference("spec-om");
    client
        .create_payment(&payment_request(&paid, 14900))
        .unwrap();
    h.approve(&paid);
    let mut request = receipt(14900);
    request["reference"] = json!(paid);
    client.add_receipt(&request).unwrap();
    // A PNG header the simulator accepts, salted so that the id is new.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&200u32.to_be_bytes());
    png.extend_from_slice(&200u32.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    png.extend_from_slice(paid.as_bytes());
    use base64::Engine;
    let src = base64::engine::general_purpose::STANDARD.encode(&png);
    let image = client.upload_image(&json!({"src": src})).unwrap();
    client
        .set_category(&json!({"reference": paid, "category": "ORDER_CONFIRMATION",
                              "orderDetailsUrl": "https://shop.example/orders/1",
                              "imageId": image["image_id"]}))
        .unwrap();
    client.get_order(&json!({"reference": paid})).unwrap();
}

fn webhook_flows(client: &Client) {
    let registered = client
        .register_webhook(&json!({"url": "https://shop.example/vipps/webhook",
                                  "events": ["epayments.payment.captured.v1"]}))
        .unwrap();
    client.list_webhooks(&json!({})).unwrap();
    client
        .delete_webhook(&json!({"id": registered["id"]}))
        .unwrap();
}

/// A path parameter's or header's text as the schema's type wants it.
fn typed_value(declared: &schema::Declared, text: &str) -> Value {
    match declared.schema["type"].as_str() {
        Some("integer") | Some("number") => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| json!(text)),
        _ => json!(text),
    }
}

/// Every disagreement of one recorded request with its operation in the specs.
fn check_request(specs: &Specs, sent: &Value, seen: &mut BTreeSet<String>) -> Vec<String> {
    let method = sent["method"].as_str().unwrap_or("");
    let path = sent["path"].as_str().unwrap_or("");
    let what = format!("{method} {path}");
    if NOT_IN_THE_SPECS.iter().any(|p| path.starts_with(p)) {
        return Vec::new();
    }
    let Some(op) = specs.operation(method, path) else {
        return vec![format!("{what}: no operation in the specs")];
    };
    seen.insert(op.label.clone());
    let mut failures = Vec::new();
    let mut fail = |at: &str, errors: Vec<String>, value: &Value| {
        if !errors.is_empty() {
            failures.push(format!(
                "{what} ({}, {}) {at}: {}\n    value: {value}",
                op.label,
                op.file,
                errors.join("\n    ")
            ));
        }
    };
    for p in &op.parameters {
        let text = match p.location.as_str() {
            "path" => op
                .path_values
                .iter()
                .find(|(n, _)| *n == p.name)
                .map(|(_, v)| v.clone()),
            _ => sent["headers"][p.name.to_ascii_lowercase()]
                .as_str()
                .map(str::to_string),
        };
        match text {
            Some(text) => {
                let value = typed_value(&p.schema, &text);
                let errors = specs.validator(&p.schema).errors(&value);
                fail(&format!("{} {}", p.location, p.name), errors, &value);
            }
            None if p.required => fail(
                &format!("{} {}", p.location, p.name),
                vec!["required, not sent".into()],
                &Value::Null,
            ),
            None => {}
        }
    }
    let text = sent["body"].as_str().unwrap_or("");
    match (&op.body, text.is_empty()) {
        (Some((declared, _)), false) => match serde_json::from_str::<Value>(text) {
            Ok(body) => {
                let errors = specs.validator(declared).errors(&body);
                fail("body", errors, &body);
            }
            Err(e) => fail("body", vec![format!("not JSON: {e}")], &json!(text)),
        },
        (Some((_, true)), true) => fail("body", vec!["required, none sent".into()], &json!("")),
        _ => {}
    }
    failures
}

#[test]
fn every_request_the_library_sends_validates_against_the_specs() {
    let specs = Specs::load();
    let h = Harness::start();
    let client = h.client();
    epayment_flows(&h, &client);
    ecom_flows(&client);
    checkout_flows(&client);
    order_management_flows(&h, &client);
    webhook_flows(&client);

    let sent = h.requests("/");
    assert!(!sent.is_empty(), "the simulator recorded nothing");
    let mut seen = BTreeSet::new();
    let failures: Vec<String> = sent
        .iter()
        .filter(|r| !r["path"].as_str().unwrap_or("").starts_with("/_sim"))
        .flat_map(|r| check_request(&specs, r, &mut seen))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} requests disagree with the specs:\n{}",
        failures.len(),
        sent.len(),
        failures.join("\n")
    );
    let missing: Vec<&&str> = MUST_COVER
        .iter()
        .filter(|op| !seen.contains(**op))
        .collect();
    assert!(
        missing.is_empty(),
        "not exercised: {missing:?} (seen {seen:?})"
    );
    eprintln!("{} requests valid, {} operations", sent.len(), seen.len());
}

/// The check is real: a request that breaks a spec pattern is reported, with its field.
#[test]
fn a_request_against_a_spec_pattern_is_reported() {
    let specs = Specs::load();
    let mut seen = BTreeSet::new();
    let bad = json!({
        "method": "POST", "path": "/epayment/v1/payments/short/capture",
        "headers": {"merchant-serial-number": "12"},
        "body": json!({"modificationAmount": {"value": 100, "currency": "NOK"}}).to_string()
    });
    let failures = check_request(&specs, &bad, &mut seen);
    assert!(
        failures.iter().any(|f| f.contains("path reference")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|f| f.contains("header Merchant-Serial-Number")),
        "{failures:?}"
    );
    let receipt_body = json!({
        "method": "POST", "path": "/order-management/v2/ECOM/receipts/order-1",
        "headers": {},
        "body": json!({"orderLines": [{"name": "Cheese", "id": "1", "totalAmount": 500,
            "totalAmountExcludingTax": 400, "totalTaxAmount": 100, "taxPercentage": 25,
            "unitInfo": {"unitPrice": 1000, "quantity": "0,5", "quantityUnit": "KG"}}],
            "bottomLine": {"currency": "NOK"}}).to_string()
    });
    let failures = check_request(&specs, &receipt_body, &mut seen);
    assert!(
        failures
            .iter()
            .any(|f| f.contains("/orderLines/0/unitInfo/quantity")),
        "{failures:?}"
    );
}
