mod common;

use common::*;
use serde_json::{json, Value};
use vipps_sim::DEFAULT_MSN;

const CALLBACK_TOKEN: &str = "cb-secret-token-123";

fn session_body(reference: &str, callback_url: &str) -> Value {
    json!({
        "type": "PAYMENT",
        "merchantInfo": {
            "callbackUrl": callback_url,
            "returnUrl": "https://example.com/return",
            "callbackAuthorizationToken": CALLBACK_TOKEN
        },
        "transaction": {
            "amount": {"value": 25_000, "currency": "NOK"},
            "reference": reference,
            "paymentDescription": "Two pairs of socks",
            "orderSummary": {
                "orderLines": [{"name": "Socks", "id": "sku-1", "totalAmount": 25000,
                    "totalAmountExcludingTax": 20000, "totalTaxAmount": 5000, "taxRate": 2500}],
                "orderBottomLine": {"currency": "NOK"}
            }
        },
        "logistics": {"fixedOptions": [{"id": "home", "priority": 0, "isDefault": true,
            "brand": "POSTEN", "amount": {"value": 0, "currency": "NOK"}}]},
        "someFutureField": {"ignored": true}
    })
}

fn create(h: &Harness, body: &Value) -> Resp {
    h.call(
        "POST",
        "/checkout/v3/session",
        &common::checkout_headers(),
        Some(&body.to_string()),
    )
}

fn poll(h: &Harness, reference: &str) -> Resp {
    h.call(
        "GET",
        &format!("/checkout/v3/session/{reference}"),
        &common::checkout_headers()[..4],
        None,
    )
}

#[test]
fn create_poll_duplicate_and_unknown() {
    let h = start();
    let r = create(&h, &session_body("checkout-ref-1", "http://127.0.0.1:9/cb"));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert!(v["token"].is_string());
    assert_eq!(
        v["checkoutFrontendUrl"],
        format!("{}/sim/checkout/", h.server.base_url())
    );
    assert_eq!(
        v["pollingUrl"],
        format!("{}/checkout/v3/session/checkout-ref-1", h.server.base_url())
    );

    let s = poll(&h, "checkout-ref-1").json();
    assert_eq!(s["sessionState"], "SessionCreated");
    assert_eq!(s["reference"], "checkout-ref-1");
    assert_eq!(s["merchantSerialNumber"], DEFAULT_MSN);
    assert!(s["sessionId"].is_string());
    assert_eq!(s["paymentDetails"]["state"], "CREATED");
    assert_eq!(s["paymentDetails"]["amount"]["value"], 25000);

    assert_eq!(
        create(&h, &session_body("checkout-ref-1", "http://x/cb")).status,
        409
    );
    let unknown = poll(&h, "checkout-nope-1");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["errorCode"], "Session-00100");
    assert_eq!(unknown.json()["title"], "Session expired or not known.");
}

#[test]
fn validation_errors_use_checkout_problem_details() {
    let h = start();
    let mut body = session_body("bad_ref", "http://x/cb");
    body["transaction"]["paymentDescription"] = json!("ab");
    body["configuration"] = json!({"elements": "Everything"});
    let r = create(&h, &body);
    assert_eq!(r.status, 400);
    let v = r.json();
    assert_eq!(v["errorCode"], "Validation-00001");
    assert!(v["instance"].as_str().unwrap().starts_with("urn:uuid:"));
    for key in [
        "Transaction.Reference",
        "Transaction.PaymentDescription",
        "Configuration.Elements",
    ] {
        assert!(v["errors"][key].is_array(), "{key} missing in {v}");
    }

    let mut h2 = common::checkout_headers();
    h2.retain(|(k, _)| *k != "Vipps-System-Plugin-Name");
    let r = h.call(
        "POST",
        "/checkout/v3/session",
        &h2,
        Some(&session_body("checkout-ref-2", "http://x").to_string()),
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["errors"]["Vipps-System-Plugin-Name"].is_array());

    let mut h3 = common::checkout_headers();
    h3[1] = ("client_secret", "wrong");
    let r = h.call(
        "POST",
        "/checkout/v3/session",
        &h3,
        Some(&session_body("checkout-ref-3", "http://x").to_string()),
    );
    assert_eq!(r.status, 401);
    assert!(h.ledger_entry("checkout-ref-2").is_null());
}

#[test]
fn approval_pays_the_session_sends_the_callback_and_allows_capture() {
    let h = start();
    let rx = Receiver::start("/callback/checkout-ref-4", &[]);
    assert_eq!(
        create(&h, &session_body("checkout-ref-4", &rx.url)).status,
        200
    );
    let approved = h.control(
        "POST",
        "/_sim/payments/checkout-ref-4/approve",
        Some(json!({
            "userInfo": {"sub": "user-sub-1", "email": "kari@example.com"}
        })),
    );
    assert_eq!(approved.status, 200);

    let got = rx.wait_for(1, 5);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].path, "/callback/checkout-ref-4");
    assert_eq!(got[0].headers["authorization"], CALLBACK_TOKEN);
    let cb: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(cb["sessionState"], "PaymentSuccessful");
    assert_eq!(cb["paymentDetails"]["state"], "AUTHORIZED");
    assert_eq!(cb["userInfo"]["sub"], "user-sub-1");
    assert_eq!(cb["shippingDetails"]["shippingMethodId"], "home");
    assert_eq!(cb["billingDetails"]["country"], "NO");
    assert_eq!(
        cb,
        poll(&h, "checkout-ref-4").json(),
        "callback body equals the poll result"
    );

    let e = h.epayment();
    assert_eq!(
        e.modify("checkout-ref-4", "capture", Some(25_000), "cap")
            .status,
        200
    );
    let s = poll(&h, "checkout-ref-4").json();
    assert_eq!(
        s["paymentDetails"]["aggregate"]["capturedAmount"]["value"],
        25000
    );
    assert_eq!(h.ledger_entry("checkout-ref-4")["api"], "checkout");
    // Capture is not a final state change: still exactly one callback.
    assert_eq!(settle(&rx, 300).len(), 1);
}

#[test]
fn callback_is_retried_at_most_three_times() {
    let h = start();
    let rx = Receiver::start("/cb", &[500, 500, 500, 500, 500, 500]);
    assert_eq!(
        create(&h, &session_body("checkout-ref-5", &rx.url)).status,
        200
    );
    h.control("POST", "/_sim/payments/checkout-ref-5/approve", None);
    rx.wait_for(4, 10);
    assert_eq!(
        settle(&rx, 1200).len(),
        4,
        "first attempt plus three retries"
    );
    let log = h.control("GET", "/_sim/callbacks", None).json();
    let attempts: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "checkout")
        .map(|d| d["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(attempts, [1, 2, 3, 4]);
    assert!(log.as_array().unwrap().iter().all(|d| d["status"] == 500));

    // A success stops the retries.
    let rx2 = Receiver::start("/cb", &[503]);
    assert_eq!(
        create(&h, &session_body("checkout-ref-6", &rx2.url)).status,
        200
    );
    h.control("POST", "/_sim/payments/checkout-ref-6/approve", None);
    rx2.wait_for(2, 5);
    assert_eq!(settle(&rx2, 700).len(), 2);
}

#[test]
fn sessions_expire_after_one_hour_and_reject_terminates() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    assert_eq!(
        create(&h, &session_body("checkout-ref-7", &rx.url)).status,
        200
    );
    h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 3599})),
    );
    assert_eq!(
        poll(&h, "checkout-ref-7").json()["sessionState"],
        "SessionCreated"
    );
    h.control("POST", "/_sim/clock/advance", Some(json!({"seconds": 1})));
    let s = poll(&h, "checkout-ref-7").json();
    assert_eq!(s["sessionState"], "SessionExpired");
    assert_eq!(s["paymentDetails"]["state"], "TERMINATED");
    assert_eq!(h.ledger_entry("checkout-ref-7")["state"], "EXPIRED");
    let got = rx.wait_for(1, 5);
    let cb: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(cb["paymentDetails"]["state"], "TERMINATED");
    assert_eq!(
        h.control("POST", "/_sim/payments/checkout-ref-7/approve", None)
            .status,
        400
    );

    assert_eq!(
        create(&h, &session_body("checkout-ref-8", &rx.url)).status,
        200
    );
    h.control("POST", "/_sim/payments/checkout-ref-8/reject", None);
    assert_eq!(
        poll(&h, "checkout-ref-8").json()["sessionState"],
        "PaymentTerminated"
    );
    rx.wait_for(2, 5);
}

#[test]
fn patch_and_expire_endpoints() {
    let h = start();
    assert_eq!(
        create(&h, &session_body("checkout-ref-9", "http://127.0.0.1:9/cb")).status,
        200
    );
    let patch = json!({"transaction": {"amount": {"value": 30000, "currency": "NOK"}, "paymentDescription": "Three pairs"}});
    let r = h.call(
        "PATCH",
        "/checkout/v3/session/checkout-ref-9",
        &common::checkout_headers(),
        Some(&patch.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["paymentDetails"]["amount"]["value"], 30000);
    assert_eq!(h.ledger_entry("checkout-ref-9")["amount"], 30000);
    let bad = json!({"transaction": {"amount": {"value": -1, "currency": "NOK"}}});
    assert_eq!(
        h.call(
            "PATCH",
            "/checkout/v3/session/checkout-ref-9",
            &common::checkout_headers(),
            Some(&bad.to_string())
        )
        .status,
        400
    );

    h.control("POST", "/_sim/payments/checkout-ref-9/approve", None);
    assert_eq!(
        h.call(
            "PATCH",
            "/checkout/v3/session/checkout-ref-9",
            &common::checkout_headers(),
            Some(&patch.to_string())
        )
        .status,
        409
    );
    assert_eq!(
        h.call(
            "POST",
            "/checkout/v3/session/checkout-ref-9/expire",
            &common::checkout_headers(),
            None
        )
        .status,
        409
    );

    assert_eq!(
        create(
            &h,
            &session_body("checkout-ref-10", "http://127.0.0.1:9/cb")
        )
        .status,
        200
    );
    let r = h.call(
        "POST",
        "/checkout/v3/session/checkout-ref-10/expire",
        &common::checkout_headers(),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["sessionState"], "SessionExpired");
    assert_eq!(
        h.call(
            "POST",
            "/checkout/v3/session/nope-nope-1/expire",
            &common::checkout_headers(),
            None
        )
        .status,
        404
    );
}
