//! The Checkout page's total includes the chosen delivery (issue 15, "also found in review": it
//! showed "Pay 199.00 NOK" with 99 NOK delivery selected). The server renders the total for the
//! option selected when the page opens; the page script (`checkout.js`, run under node by
//! `tests/js/checkout_page_test.js`) keeps it in step when the choice changes.

mod common;

use common::*;
use serde_json::{json, Value};

fn session(reference: &str, elements: &str) -> Value {
    json!({
        "type": "PAYMENT",
        "merchantInfo": {"callbackUrl": "https://shop.example/cb", "returnUrl": "https://shop.example/r",
                         "callbackAuthorizationToken": "cb-token-total-1"},
        "transaction": {"amount": {"value": 19_900, "currency": "NOK"}, "reference": reference,
                        "paymentDescription": "A lamp"},
        "configuration": {"elements": elements},
        "logistics": {"fixedOptions": [
            {"id": "home", "priority": 0, "isDefault": true, "brand": "POSTEN", "type": "HOME_DELIVERY",
             "amount": {"value": 9_900, "currency": "NOK"}},
            {"id": "store", "priority": 1, "isDefault": false, "brand": "OTHER", "title": "Pick up in store",
             "amount": {"value": 0, "currency": "NOK"}}
        ]}
    })
}

fn page_for(h: &Harness, body: &Value) -> String {
    let r = h.call(
        "POST",
        "/checkout/v3/session",
        &common::checkout_headers(),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap().to_owned();
    let page = h.call("GET", &format!("/sim/checkout/?token={token}"), &[], None);
    assert_eq!(page.status, 200, "{}", page.body);
    page.body
}

#[test]
fn the_total_and_the_pay_button_include_the_selected_delivery() {
    let h = start();
    let body = page_for(&h, &session("total-with-delivery-1", "Full"));
    assert!(
        body.contains("<strong id=\"amount\">298.00 NOK</strong>"),
        "{body}"
    );
    assert!(
        body.contains("<span id=\"pay-amount\">298.00 NOK</span>"),
        "{body}"
    );
    assert!(!body.contains("199.00 NOK</strong>"), "{body}");
    // The order amount stays in the page data: the script adds the option it shows.
    assert!(
        body.contains("\"amount\":{\"currency\":\"NOK\",\"fractionalDenomination\":19900}"),
        "{body}"
    );
}

#[test]
fn without_delivery_options_the_total_is_the_order_amount() {
    let h = start();
    let body = page_for(&h, &session("total-no-delivery-1", "PaymentOnly"));
    assert!(
        body.contains("<strong id=\"amount\">199.00 NOK</strong>"),
        "{body}"
    );
    assert!(
        body.contains("<span id=\"pay-amount\">199.00 NOK</span>"),
        "{body}"
    );
}
