//! Order Management through the library against vipps-sim: receipts (a second one is an
//! idempotent success), the category link, images named by their content, what is refused
//! before sending, the headers every call carries, retries; and the transaction information
//! (the authorization's PSP reference) beside a payment's events.
//!
//! The tests that reach `/order-management` need the simulator's Order Management endpoints
//! (branch om-sim); the ones that are refused before sending, and the PSP reference, do not.

mod common;

use base64::Engine;
use common::{payment_request, reference, session_request, Harness};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use vipps::order_management::build_receipt;
use vipps::{Client, ErrorKind};

/// A payment of `value` øre, approved by the customer.
fn authorized(h: &Harness, client: &Client, value: i64) -> String {
    let reference = reference("om");
    client
        .create_payment(&payment_request(&reference, value))
        .unwrap();
    h.approve(&reference);
    reference
}

fn receipt_of(value: i64) -> Value {
    build_receipt(&json!({
        "amount": {"value": value, "currency": "NOK"},
        "lines": [
            {"name": "Socks", "id": "sku-1", "quantity": 2, "unit_price": (value - 4900) / 2, "tax_rate": 2500},
            {"name": "Home delivery", "id": "shipping", "total_amount": 4900, "tax_rate": 2500, "is_shipping": true}
        ]
    }))
    .unwrap()
}

fn with_reference(mut receipt: Value, reference: &str) -> Value {
    receipt["reference"] = json!(reference);
    receipt
}

/// A PNG the simulator accepts: the signature, an IHDR of `side` × `side`, and `salt` so that
/// two tests never upload the same bytes.
fn png(side: u32, salt: &str) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(b"IHDR");
    png.extend_from_slice(&side.to_be_bytes());
    png.extend_from_slice(&side.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    png.extend_from_slice(salt.as_bytes());
    png
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn a_receipt_goes_out_with_the_system_headers_and_a_second_one_is_an_idempotent_success() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, 14900);
    let receipt = receipt_of(14900);
    let mut request = with_reference(receipt.clone(), &reference);
    request["payment_amount"] = json!({"value": 14900, "currency": "NOK"});
    let added = client.add_receipt(&request).unwrap();
    assert_eq!(
        added,
        json!({"order_id": reference, "payment_type": "ECOM", "created": true, "already_existed": false})
    );

    let sent = h.requests("/order-management");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["method"], "POST");
    assert_eq!(
        sent[0]["path"],
        format!("/order-management/v2/ECOM/receipts/{reference}")
    );
    for (header, value) in [
        ("Vipps-System-Name", "acme-shop"),
        ("Vipps-System-Version", "9.8.7"),
        ("Vipps-System-Plugin-Name", "acme-vipps-plugin"),
        ("Vipps-System-Plugin-Version", "1.2.3"),
    ] {
        assert_eq!(common::header(&sent[0], header), Some(value), "{header}");
    }
    assert!(common::header(&sent[0], "Authorization").is_some_and(|a| a.starts_with("Bearer ")));
    assert!(common::header(&sent[0], "Merchant-Serial-Number").is_some());
    // The body is the receipt alone: the library's own keys are not forwarded.
    let body: Value = serde_json::from_str(sent[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, receipt);

    let again = client
        .add_receipt(&with_reference(receipt.clone(), &reference))
        .unwrap();
    assert_eq!(again["created"], false);
    assert_eq!(again["already_existed"], true);

    let order = client.get_order(&json!({"reference": reference})).unwrap();
    assert_eq!(order["receipt"]["orderLines"], receipt["orderLines"]);
    assert_eq!(order["receipt"]["bottomLine"]["currency"], "NOK");
    assert_eq!(order["order_id"], reference.as_str());
}

#[test]
fn a_mismatched_basket_is_refused_before_anything_is_sent() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, 15400);
    // The lines make 149.00 NOK; the payment is 154.00 NOK. The API would answer 400.
    let mut request = with_reference(receipt_of(14900), &reference);
    request["payment_amount"] = json!({"value": 15400, "currency": "NOK"});
    let error = client.add_receipt(&request).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert!(
        error
            .message
            .contains("the receipt is 5.00 NOK short of the payment"),
        "{}",
        error.message
    );

    // A line whose net and tax do not make its gross.
    let mut request = with_reference(receipt_of(14900), &reference);
    request["orderLines"][1]["totalTaxAmount"] = json!(981);
    let error = client.add_receipt(&request).unwrap_err();
    assert!(
        error.message.starts_with(
            "orderLines[1].totalAmount (\"Home delivery\", id \"shipping\") is 49.00 NOK"
        ),
        "{}",
        error.message
    );
    assert!(
        error.message.ends_with("off by -0.01 NOK"),
        "{}",
        error.message
    );

    for (bad, expected) in [
        (json!({"reference": "../x"}), "reference may contain only"),
        (
            json!({"reference": ".."}),
            "reference must not be only dots",
        ),
        (
            json!({"reference": null, "orderId": "a b"}),
            "orderId may contain only",
        ),
        (json!({"orderId": "other-order"}), "reference (\""),
        (
            json!({"paymentType": "RECURRING_V3"}),
            "paymentType must be one of ECOM, RECURRING",
        ),
        (json!({"reference": null}), "reference is required"),
    ] {
        let mut request = with_reference(receipt_of(14900), &reference);
        for (key, value) in bad.as_object().unwrap() {
            request[key] = value.clone();
        }
        let error = client.add_receipt(&request).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(
            error.message.starts_with(expected),
            "{bad}: {}",
            error.message
        );
    }
    assert!(h.requests("/order-management").is_empty());

    // Without payment_amount the library cannot know the sum is wrong: the API refuses it
    // with a 400, which the check above catches first.
    let error = client
        .add_receipt(&with_reference(receipt_of(14900), &reference))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Api);
    assert_eq!(error.http_status, Some(400));
    assert_eq!(h.requests("/order-management").len(), 1);
}

#[test]
fn a_recurring_receipt_goes_to_its_own_path() {
    let h = Harness::start();
    let client = h.client();
    let mut request = with_reference(receipt_of(14900), "recurring-charge-1");
    request["paymentType"] = json!("RECURRING");
    // Whatever the simulator answers for an unknown charge, the path is RECURRING's.
    let _ = client.add_receipt(&request);
    let sent = h.requests("/order-management");
    assert_eq!(
        sent[0]["path"],
        "/order-management/v2/RECURRING/receipts/recurring-charge-1"
    );
}

#[test]
fn an_order_management_does_not_know_is_not_found() {
    let h = Harness::start();
    let client = h.client();
    let error = client
        .get_order(&json!({"reference": reference("unknown")}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(error.http_status, Some(404));
    // The endpoint exists: this is the API's answer for the order, not a missing route.
    assert!(!error.message.contains("No API at"), "{}", error.message);
}

#[test]
fn a_receipt_that_met_a_gateway_error_is_not_repeated_but_may_be_sent_again() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, 14900);
    let path = format!("/order-management/v2/ECOM/receipts/{reference}");
    // A gateway's 502 may come after the API stored the receipt: a POST without an idempotency
    // key is not repeated by the library, since the backend may have acted. (Here the fault
    // answers before the simulator's handler, so nothing was stored.)
    h.fault(
        json!({"method": "POST", "path": path, "count": 1, "action": "respond", "status": 502}),
    );
    let request = with_reference(receipt_of(14900), &reference);
    let error = client.add_receipt(&request).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Api);
    assert_eq!(error.http_status, Some(502));
    assert_eq!(h.requests(&path).len(), 1);
    // Sending it again is safe: stored once, or answered 409, which is success.
    let again = client.add_receipt(&request).unwrap();
    assert_eq!(again["created"], true);
    let third = client.add_receipt(&request).unwrap();
    assert_eq!(third["already_existed"], true);
}

#[test]
fn the_category_links_the_order_page_with_an_image_named_by_its_content() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, 10000);
    let image = png(200, &reference);
    let uploaded = client
        .upload_image(&json!({"src": base64(&image)}))
        .unwrap();
    let id: String = Sha256::digest(&image)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(uploaded["image_id"], id.as_str());
    assert_eq!(uploaded["created"], true);
    let sent = h.requests("/order-management/v1/images");
    let body: Value = serde_json::from_str(sent[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"imageId": id, "src": base64(&image), "type": "base64"})
    );

    // The same image again: the API's 409 for the same id is success.
    let again = client
        .upload_image(&json!({"src": base64(&image)}))
        .unwrap();
    assert_eq!(again["image_id"], id.as_str());
    assert_eq!(again["created"], false);
    assert_eq!(again["already_existed"], true);

    let url = format!("https://shop.example/orders/{reference}");
    let set = client
        .set_category(
            &json!({"reference": reference, "category": "ORDER_CONFIRMATION",
                             "orderDetailsUrl": url, "imageId": id}),
        )
        .unwrap();
    assert_eq!(set["set"], true);
    let sent = h.requests("/order-management/v2/ECOM/categories");
    assert_eq!(sent[0]["method"], "PUT");
    assert_eq!(
        sent[0]["path"],
        format!("/order-management/v2/ECOM/categories/{reference}")
    );
    let order = client.get_order(&json!({"reference": reference})).unwrap();
    assert_eq!(order["category"]["category"], "ORDER_CONFIRMATION");
    assert_eq!(order["category"]["orderDetailsUrl"], url.as_str());
    assert_eq!(order["category"]["imageId"], id.as_str());
}

#[test]
fn bad_categories_and_images_are_refused_before_sending() {
    let h = Harness::start();
    let client = h.client();
    let cases = [
        (
            json!({"reference": "acme-1", "category": "SHIPPING_INFO", "orderDetailsUrl": "https://shop.example/o"}),
            "category must be one of GENERAL, RECEIPT, ORDER_CONFIRMATION, DELIVERY, TICKET, BOOKING",
        ),
        (
            json!({"reference": "acme-1", "category": "RECEIPT", "orderDetailsUrl": "/orders/1"}),
            "orderDetailsUrl must be an absolute http(s) URL",
        ),
        (
            json!({"reference": "acme-1", "category": "RECEIPT"}),
            "orderDetailsUrl is required",
        ),
        (
            json!({"reference": "acme-1", "category": "RECEIPT", "orderDetailsUrl": "https://shop.example/o", "imageId": "a/b"}),
            "imageId may contain only",
        ),
    ];
    for (request, expected) in cases {
        let error = client.set_category(&request).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.starts_with(expected), "{}", error.message);
    }
    let images = [
        (
            json!({"src": base64(b"GIF89a-not-allowed")}),
            "src must be a PNG or JPEG image",
        ),
        (
            json!({"src": base64(&png(100, "short"))}),
            "src is 100 pixels high",
        ),
        (
            json!({"src": "https://shop.example/logo.png"}),
            "src must be the image as base64",
        ),
        (json!({}), "src is required"),
        (
            json!({"src": base64(&png(200, "x")), "type": "url"}),
            "type must be one of base64",
        ),
    ];
    for (request, expected) in images {
        let error = client.upload_image(&request).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.starts_with(expected), "{}", error.message);
    }
    let mut big = png(500, "big");
    big.resize(2_000_001, 0);
    let error = client
        .upload_image(&json!({"src": base64(&big)}))
        .unwrap_err();
    assert!(
        error.message.contains("limit of 2000000"),
        "{}",
        error.message
    );
    assert!(h.requests("/order-management").is_empty());
}

#[test]
fn a_read_is_retried_after_a_gateway_error() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, 14900);
    client
        .add_receipt(&with_reference(receipt_of(14900), &reference))
        .unwrap();
    let path = format!("/order-management/v2/ECOM/{reference}");
    h.fault(json!({"method": "GET", "path": path, "count": 2, "action": "respond", "status": 503}));
    let order = client.get_order(&json!({"reference": reference})).unwrap();
    assert_eq!(order["receipt"]["orderLines"][0]["id"], "sku-1");
    assert_eq!(h.requests(&path).len(), 3);
}

#[test]
fn the_authorizations_psp_reference_is_beside_the_events() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("psp");
    client
        .create_payment(&payment_request(&reference, 10000))
        .unwrap();
    let before = client
        .get_payment_events(&json!({"reference": reference}))
        .unwrap();
    assert_eq!(before["psp_reference"], Value::Null, "{before}");
    h.approve(&reference);
    let events = client
        .get_payment_events(&json!({"reference": reference}))
        .unwrap();
    let authorized = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "AUTHORIZED")
        .cloned()
        .unwrap();
    assert!(authorized["pspReference"].is_string(), "{authorized}");
    assert_eq!(events["psp_reference"], authorized["pspReference"]);
}

#[test]
fn a_checkout_order_summary_is_checked_with_the_same_arithmetic() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("co-summary");
    let mut request = session_request(&reference, 15400);
    let receipt = receipt_of(14900);
    request["transaction"]["orderSummary"] = json!({
        "orderLines": receipt["orderLines"],
        "orderBottomLine": {"currency": "NOK"},
    });
    let error = client.create_session(&request).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert!(
        error
            .message
            .starts_with("transaction.orderSummary.orderLines add up to 149.00 NOK"),
        "{}",
        error.message
    );
    assert!(error
        .message
        .contains("the payment (transaction.amount) is 154.00 NOK"));
    request["transaction"]["orderSummary"]["orderBottomLine"]["currency"] = json!("EUR");
    let error = client.create_session(&request).unwrap_err();
    assert!(
        error
            .message
            .starts_with("transaction.orderSummary.orderBottomLine.currency must be the payment's currency \"NOK\""),
        "{}",
        error.message
    );
    assert!(h.requests("/checkout").is_empty());
    // The same summary with the right amount is sent.
    let mut request = session_request(&reference, 14900);
    request["transaction"]["orderSummary"] = json!({
        "orderLines": receipt["orderLines"],
        "orderBottomLine": {"currency": "NOK"},
    });
    client.create_session(&request).unwrap();
}
