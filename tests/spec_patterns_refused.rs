//! What the specs' `pattern`s refuse in a request, the library refuses before sending, with an
//! `invalid_input` error naming the field; what they allow, it sends. (The other direction,
//! every request sent validating against the specs, is `requests_against_spec.rs`.)

mod common;

use common::{payment_request, reference, session_request, Harness};
use serde_json::{json, Value};
use vipps::{Client, ErrorKind};

/// The request is refused as `invalid_input`, naming `field` first, and nothing reaches the
/// simulator.
fn refused(h: &Harness, call: impl FnOnce(&Client) -> vipps::Result<Value>, field: &str) {
    let client = h.client();
    h.clear_requests();
    let err = call(&client).expect_err("the request is refused");
    assert_eq!(err.kind, ErrorKind::InvalidInput, "{}", err.message);
    assert!(
        err.message.starts_with(field),
        "expected the message to name {field}: {}",
        err.message
    );
    let sent: Vec<Value> = h
        .requests("/")
        .into_iter()
        .filter(|r| !r["path"].as_str().unwrap_or("").starts_with("/_sim"))
        .filter(|r| r["path"] != "/accesstoken/get")
        .collect();
    assert!(sent.is_empty(), "sent despite the refusal: {sent:?}");
}

/// A reference of exactly `len` characters, unique in the process.
fn reference_of(len: usize) -> String {
    let base = reference("p");
    assert!(base.len() <= len, "{base} is longer than {len}");
    format!("{base}{}", "x".repeat(len - base.len()))
}

fn in_a_day() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + 86_400_000;
    vipps_sim::timefmt::rfc3339_ms(ms)
}

fn push_payment(reference: &str, expires_at: &str) -> Value {
    json!({
        "amount": {"value": 10000, "currency": "NOK"}, "paymentMethod": {"type": "WALLET"},
        "reference": reference, "userFlow": "PUSH_MESSAGE",
        "customer": {"phoneNumber": "4791234567"}, "expiresAt": expires_at,
        "paymentDescription": "A hat",
        "receipt": {"orderLines": [{"name": "Hat", "id": "sku-1", "totalAmount": 10000,
            "totalAmountExcludingTax": 8000, "totalTaxAmount": 2000, "taxRate": 2500}],
            "bottomLine": {"currency": "NOK"}}
    })
}

/// ePayment `Reference` and the `{reference}` path parameter: `^[a-zA-Z0-9-]{8,50}$`.
#[test]
fn epayment_references_are_8_to_50_characters() {
    let h = Harness::start();
    let long = reference_of(51);
    refused(
        &h,
        |c| c.create_payment(&payment_request(&long, 1000)),
        "reference",
    );
    for (what, reference) in [("short", "ab-1234".to_string()), ("long", long.clone())] {
        for call in ["capture", "refund", "cancel", "get"] {
            let amount = json!({"value": 100, "currency": "NOK"});
            let request = json!({"reference": reference, "amount": amount});
            refused(
                &h,
                |c| match call {
                    "capture" => c.capture(&request),
                    "refund" => c.refund(&request),
                    "cancel" => c.cancel(&json!({"reference": reference})),
                    _ => c.get_payment(&json!({"reference": reference})),
                },
                "reference",
            );
            let _ = what;
        }
    }
    // The limits themselves pass: 50 on create, 8 on a call on an existing payment.
    let client = h.client();
    let fifty = reference_of(50);
    client
        .create_payment(&payment_request(&fifty, 1000))
        .unwrap();
    client.get_payment(&json!({"reference": fifty})).unwrap();
    let eight = format!("e{:07}", std::process::id() % 10_000_000);
    client
        .create_payment(&payment_request(&eight, 1000))
        .unwrap();
    client.cancel(&json!({"reference": eight})).unwrap();
}

/// ePayment `expiresAt`: the spec's pattern wants two digits in the offset's hours.
#[test]
fn an_expiry_offset_must_be_signed_digits() {
    let h = Harness::start();
    let good = in_a_day();
    let at = good.trim_end_matches('Z');
    for bad in [format!("{at}+-1:00"), format!("{at}++1:00")] {
        let body = push_payment(&reference("exp"), &bad);
        refused(&h, |c| c.create_payment(&body), "expiresAt");
    }
    h.client()
        .create_payment(&push_payment(&reference("exp"), &format!("{at}+01:00")))
        .unwrap();
}

/// The ePayment receipt's `unitInfo.quantity`: `^\d+([\.]\d{1,8})?$`, at most 10 characters.
#[test]
fn a_receipt_quantity_in_a_payment_follows_the_pattern() {
    let h = Harness::start();
    let with_quantity = |quantity: &str| {
        let mut body = payment_request(&reference("qty"), 10000);
        body["receipt"] = json!({"orderLines": [{"name": "Cheese", "id": "sku-1",
            "totalAmount": 10000, "totalAmountExcludingTax": 8000, "totalTaxAmount": 2000,
            "taxRate": 2500,
            "unitInfo": {"unitPrice": 20000, "quantity": quantity, "quantityUnit": "KG"}}],
            "bottomLine": {"currency": "NOK"}});
        body
    };
    for bad in ["0,5", "-1", ".5", "1.123456789", "12345678901"] {
        let body = with_quantity(bad);
        refused(
            &h,
            |c| c.create_payment(&body),
            "receipt.orderLines[0].unitInfo.quantity",
        );
    }
    h.client().create_payment(&with_quantity("0.5")).unwrap();
}

/// Checkout's fixed logistics options are a `oneOf` whose branches fix `brand` by pattern
/// (POSTEN, POSTNORD, PORTERBUDDY, HELTHJEM, POSTI, OTHER): another brand matches none.
#[test]
fn a_checkout_logistics_brand_must_be_one_the_spec_has() {
    let h = Harness::start();
    for brand in ["GLS", "DAO", "INSTABOX"] {
        let mut body = session_request(&reference("brand"), 10000);
        body["logistics"] = json!({"fixedOptions": [{"id": "x", "brand": brand, "priority": 0,
            "isDefault": true, "amount": {"value": 0, "currency": "NOK"}}]});
        refused(
            &h,
            |c| c.create_session(&body),
            "logistics.fixedOptions[0].brand",
        );
    }
    let mut body = session_request(&reference("brand"), 10000);
    body["logistics"] = json!({"fixedOptions": [{"id": "x", "brand": "POSTNORD", "priority": 0,
        "isDefault": true, "amount": {"value": 0, "currency": "NOK"}}]});
    h.client().create_session(&body).unwrap();
}

/// The test API's approve body holds a spec `Customer`: exactly one key, and a phone number
/// of 10 to 15 digits (`^\d{10,15}$`).
#[test]
fn a_test_approval_names_its_customer_as_the_spec_says() {
    let h = Harness::start();
    let client = h.client();
    let paid = reference("approve");
    client
        .create_payment(&payment_request(&paid, 1000))
        .unwrap();
    let cases = [
        (
            json!({"phoneNumber": "+4791234567"}),
            "customer.phoneNumber",
        ),
        (json!({"phoneNumber": "91234567"}), "customer.phoneNumber"),
        (
            json!({"phoneNumber": "4791234567", "customerToken": "t"}),
            "customer must have exactly one",
        ),
    ];
    for (customer, named) in cases {
        let request = json!({"reference": paid, "customer": customer});
        refused(&h, |c| c.force_approve(&request), named);
    }
    client
        .force_approve(&json!({"reference": paid, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
}
