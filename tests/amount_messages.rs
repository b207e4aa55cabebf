//! Error messages show amounts as a person reads them ("5.00 NOK"), never minor units as if
//! they were kroner ("refund of 500 NOK" for 5.00 NOK; issue 17, item 5).

mod common;

use common::{payment_request, reference, Harness};
use serde_json::json;

#[test]
fn a_refused_refund_names_its_amount_in_kroner() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("amount-msg");
    client.create_payment(&payment_request(&r, 10000)).unwrap();
    h.approve(&r);
    // Nothing is captured yet, so the API refuses the refund.
    let error = client
        .refund(&json!({"reference": r, "amount": {"value": 500, "currency": "NOK"}}))
        .unwrap_err();
    assert!(
        error.message.contains("refund of 5.00 NOK"),
        "{}",
        error.message
    );
    assert!(!error.message.contains("500 NOK"), "{}", error.message);

    // Beyond what is authorized: 12.50 NOK more than the 100.00 NOK.
    let error = client
        .capture(&json!({"reference": r, "amount": {"value": 11250, "currency": "NOK"}}))
        .unwrap_err();
    assert!(
        error.message.contains("capture of 112.50 NOK"),
        "{}",
        error.message
    );
    // Refused by the library before sending: the limit and the amount in kroner too.
    let error = client
        .capture(&json!({"reference": r, "amount": {"value": 65_000_100, "currency": "NOK"}}))
        .unwrap_err();
    assert!(error.message.contains("650001.00 NOK"), "{}", error.message);
}
