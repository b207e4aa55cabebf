//! An amount of 0 is refused on every API with `invalid_input`, and nothing is sent; only an
//! absent amount means "the rest" for an eCom capture (issue 15, defect 3: an eCom capture of
//! 0 captured the whole reservation).

mod common;

use common::{payment_request, reference, Harness};
use serde_json::{json, Value};
use vipps::{Client, ErrorKind};

fn ecom_reserved(client: &Client, amount: i64) -> String {
    let order_id = reference("zero-ecom");
    client
        .ecom_initiate(&json!({
            "customerInfo": {"mobileNumber": "91234567"},
            "merchantInfo": {"callbackPrefix": "https://shop.example/vipps", "fallBack": "https://shop.example/return"},
            "transaction": {"amount": amount, "orderId": order_id, "transactionText": "Socks"}
        }))
        .unwrap();
    client
        .force_approve(
            &json!({"reference": order_id, "api": "ecom", "customerPhoneNumber": "91234567"}),
        )
        .unwrap();
    order_id
}

fn assert_refused(result: vipps::Result<Value>, what: &str) {
    let error = result.expect_err(what);
    assert_eq!(error.kind, ErrorKind::InvalidInput, "{what}: {error:?}");
    assert!(error.message.contains("0"), "{what}: {}", error.message);
}

#[test]
fn a_zero_amount_is_refused_on_every_api_and_sends_nothing() {
    let h = Harness::start();
    let client = h.client();
    let order_id = ecom_reserved(&client, 20000);
    h.clear_requests();
    for amount in [json!({"value": 0, "currency": "NOK"}), json!(0)] {
        for op in ["capture", "refund"] {
            let request = json!({"reference": order_id, "api": "ecom", "amount": amount});
            let result = match op {
                "capture" => client.capture(&request),
                _ => client.refund(&request),
            };
            assert_refused(result, &format!("eCom {op} of {amount}"));
        }
        let request = json!({"reference": order_id, "api": "ecom", "modificationAmount": amount});
        assert_refused(
            client.capture(&request),
            "eCom capture, modificationAmount 0",
        );
    }
    assert!(h.requests("/ecomm").is_empty(), "nothing was sent");
    assert_eq!(h.ledger_entry(&order_id)["captured"], 0);

    // Absent: the rest, as documented.
    let all = client
        .capture(&json!({"reference": order_id, "api": "ecom"}))
        .unwrap();
    assert_eq!(all["normalized"]["captured"], 20000);

    let payment = reference("zero-epay");
    client
        .create_payment(&payment_request(&payment, 10000))
        .unwrap();
    h.approve(&payment);
    for op in ["capture", "refund"] {
        let request = json!({"reference": payment, "amount": {"value": 0, "currency": "NOK"}});
        let result = match op {
            "capture" => client.capture(&request),
            _ => client.refund(&request),
        };
        assert_refused(result, &format!("ePayment {op} of 0"));
    }
    assert_eq!(h.ledger_entry(&payment)["captured"], 0);
}
