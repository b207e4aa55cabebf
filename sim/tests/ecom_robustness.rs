//! eCom v2 bad input and the landing page: malformed JSON, wrong types, decimal amounts and
//! other violations answer the eCom error array naming the field (never a panic); the
//! landing page shows the order and its buttons redirect to fallBack.

mod common;
mod ecom_common;

use ecom_common::{client, error_codes, initiate_body, Ecom, Merchant};
use serde_json::{json, Value};

#[test]
fn bad_initiate_bodies_name_their_fields() {
    let h = common::start();
    let e = client(&h);
    let post = |body: &str| h.call("POST", "/ecomm/v2/payments", &e.headers(None), Some(body));
    for raw in [
        "{",
        "[1,2]",
        "",
        "null",
        "\"text\"",
        "{\"merchantInfo\": 5}",
    ] {
        let r = post(raw);
        assert_eq!(r.status, 400, "{raw}: {}", r.body);
        assert_eq!(r.json()[0]["errorGroup"], "InvalidRequest", "{raw}");
        error_codes(&r);
    }
    let cases: Vec<(Value, &str)> = vec![
        (json!(100.5), "transaction.amount"),
        (json!(100.0), "transaction.amount"),
        (json!("20000"), "transaction.amount"),
        (json!(99), "transaction.amount"),
        (json!(2_147_483_648_i64), "transaction.amount"),
        (json!(-5), "transaction.amount"),
    ];
    for (amount, field) in cases {
        let mut b = initiate_body("bad-1", 1000, "http://127.0.0.1:9/cb");
        b["transaction"]["amount"] = amount.clone();
        let r = e.initiate_raw(&b, None);
        assert_eq!(
            (r.status, error_codes(&r)),
            (400, vec![field.to_string()]),
            "{amount}"
        );
        assert!(r.json()[0]["errorMessage"]
            .as_str()
            .unwrap()
            .contains(field));
    }
    let mut b = initiate_body("bad-1", 1000, "http://127.0.0.1:9/cb");
    b["transaction"]["amount"] = json!(2_147_483_647_i64);
    assert_eq!(e.initiate_raw(&b, None).status, 200, "int32 max is allowed");

    let edits: Vec<(&str, Value, &str)> = vec![
        (
            "/transaction/orderId",
            json!("has space"),
            "transaction.orderId",
        ),
        (
            "/transaction/orderId",
            json!("x".repeat(51)),
            "transaction.orderId",
        ),
        (
            "/transaction/transactionText",
            json!("t".repeat(101)),
            "transaction.transactionText",
        ),
        (
            "/transaction/skipLandingPage",
            json!("yes"),
            "transaction.skipLandingPage",
        ),
        (
            "/transaction/useExplicitCheckoutFlow",
            json!(1),
            "transaction.useExplicitCheckoutFlow",
        ),
        (
            "/customerInfo/mobileNumber",
            json!("1234567"),
            "customerInfo.mobileNumber",
        ),
        (
            "/customerInfo/mobileNumber",
            json!(91234567),
            "customerInfo.mobileNumber",
        ),
        (
            "/merchantInfo/callbackPrefix",
            json!(format!("https://example.com/{}", "x".repeat(240))),
            "merchantInfo.callbackPrefix",
        ),
        (
            "/merchantInfo/fallBack",
            json!(null),
            "merchantInfo.fallBack",
        ),
        (
            "/merchantInfo/authToken",
            json!("a".repeat(256)),
            "merchantInfo.authToken",
        ),
        (
            "/merchantInfo/paymentType",
            json!("eCom Regular Payment"),
            "merchantInfo.paymentType",
        ),
        ("/merchantInfo/isApp", json!("false"), "merchantInfo.isApp"),
    ];
    for (pointer, value, field) in edits {
        let mut b = initiate_body("bad-2", 1000, "http://127.0.0.1:9/cb");
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        b.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"))[key] = value;
        let r = e.initiate_raw(&b, None);
        assert_eq!(
            (r.status, error_codes(&r)),
            (400, vec![field.to_string()]),
            "{pointer}"
        );
    }
    // Missing required objects and several violations at once: one entry per field.
    let r = e.initiate_raw(
        &json!({"merchantInfo": {"merchantSerialNumber": "123456"}}),
        None,
    );
    let codes = error_codes(&r);
    for f in [
        "customerInfo",
        "transaction",
        "merchantInfo.callbackPrefix",
        "merchantInfo.fallBack",
    ] {
        assert!(codes.contains(&f.to_string()), "{f} in {codes:?}");
    }
    // skipLandingPage needs the phone number.
    let mut b = initiate_body("bad-3", 1000, "http://127.0.0.1:9/cb");
    b["transaction"]["skipLandingPage"] = json!(true);
    b["customerInfo"] = json!({});
    assert_eq!(
        error_codes(&e.initiate_raw(&b, None)),
        ["customerInfo.mobileNumber"]
    );
    // Static shipping options are checked item by item.
    let mut b = initiate_body("bad-4", 1000, "http://127.0.0.1:9/cb");
    b["merchantInfo"]["paymentType"] = json!("eComm Express Payment");
    b["merchantInfo"]["consentRemovalPrefix"] = json!("https://example.com/consents");
    b["merchantInfo"]["staticShippingDetails"] = json!([{"isDefault": "maybe", "shippingCost": "99", "shippingMethod": "Walk", "shippingMethodId": "w"}]);
    let codes = error_codes(&e.initiate_raw(&b, None));
    assert!(
        codes.contains(&"merchantInfo.staticShippingDetails[0].isDefault".to_string()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"merchantInfo.staticShippingDetails[0].shippingCost".to_string()),
        "{codes:?}"
    );
    // Nothing was created by any of these.
    assert_eq!(
        h.control("GET", "/_sim/ledger", None).json()["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bad_action_bodies_name_their_fields() {
    let h = common::start();
    let e = client(&h);
    e.reserved("act-1", 10000);
    let post = |op: &str, body: &str| {
        h.call(
            if op == "cancel" { "PUT" } else { "POST" },
            &format!("/ecomm/v2/payments/act-1/{op}"),
            &e.headers(Some(&format!("id-{}", body.len()))),
            Some(body),
        )
    };
    for op in ["capture", "refund", "cancel"] {
        for raw in ["{", "[]", "", "{\"merchantInfo\":{}}"] {
            let r = post(op, raw);
            assert_eq!(r.status, 400, "{op} {raw}: {}", r.body);
            assert_eq!(r.json()[0]["errorGroup"], "InvalidRequest");
        }
    }
    let cases: Vec<(&str, Value, &str)> = vec![
        ("capture", json!(10.5), "transaction.amount"),
        ("capture", json!("100"), "transaction.amount"),
        ("capture", json!(-1), "transaction.amount"),
        ("refund", json!(null), "transaction.amount"),
        ("refund", json!(0), "transaction.amount"),
        ("refund", json!(1.5), "transaction.amount"),
    ];
    for (i, (op, amount, field)) in cases.into_iter().enumerate() {
        let mut b = Ecom::action_body(None, "t");
        b["transaction"]["amount"] = amount.clone();
        let r = e.raw_action("POST", "act-1", op, &b, Some(&format!("case-{i}")));
        assert_eq!(error_codes(&r), [field], "{op} {amount}");
    }
    let mut b = Ecom::action_body(None, "t");
    b["transaction"]
        .as_object_mut()
        .unwrap()
        .remove("transactionText");
    assert_eq!(
        error_codes(&e.raw_action("POST", "act-1", "capture", &b, Some("x2"))),
        ["transaction.transactionText"]
    );
    b["shouldReleaseRemainingFunds"] = json!("yes");
    b["transaction"]["transactionText"] = json!("t");
    assert_eq!(
        error_codes(&e.raw_action("PUT", "act-1", "cancel", &b, None)),
        ["shouldReleaseRemainingFunds"]
    );
    // A bad test-approve body, and nothing changed on the order.
    let r = h.call(
        "POST",
        "/ecomm/v2/integration-test/payments/act-1/approve",
        &e.headers(None),
        Some(r#"{"customerPhoneNumber": "+4791234567"}"#),
    );
    assert_eq!(error_codes(&r), ["customerPhoneNumber"]);
    let entry = h.ledger_entry("act-1");
    assert_eq!(
        (entry["captured"].as_i64(), entry["state"].as_str()),
        (Some(0), Some("RESERVE"))
    );
}

#[test]
fn the_landing_page_shows_the_order_and_redirects_to_fallback() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::ok();
    let mut b = initiate_body("landing-1", 123_450, &format!("{}/cb", m.base));
    b["transaction"]["transactionText"] = json!("Socks <b>& shoes</b>");
    let url = e.initiate_raw(&b, None).json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let path = url.strip_prefix(h.server.base_url()).unwrap().to_string();
    let page = h.call("GET", &path, &[], None);
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.body.contains("1\u{a0}234,50\u{a0}kr"), "{}", page.body);
    assert!(page.body.contains("Socks &lt;b&gt;&amp; shoes&lt;/b&gt;"));
    assert!(page.body.contains("123456"));
    assert!(page.body.contains(r#"id="approve""#) && page.body.contains(r#"id="reject""#));
    assert!(page
        .body
        .contains(r#"action="/sim/ecom-landing/landing-1/approve""#));

    // The form POST approves and answers 303 to fallBack (the test agent does not follow it).
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .build()
        .into();
    let resp = agent
        .post(&h.url("/sim/ecom-landing/landing-1/approve"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(
        resp.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("https://example.com/fallback/landing-1")
    );
    assert_eq!(e.status("landing-1"), "RESERVE");
    let cb = m.wait_for("/cb", 1, 5);
    assert!(cb[0].body.contains("RESERVED"));
    // Once decided, the page shows the state and no buttons.
    let page = h.call("GET", &path, &[], None);
    assert!(!page.body.contains(r#"id="approve""#) && page.body.contains("RESERVE"));

    // Reject from the page: REJECTED, redirected too.
    assert_eq!(e.initiate("landing-2", 1000).status, 200);
    let resp = agent
        .post(&h.url("/sim/ecom-landing/landing-2/reject"))
        .send("")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(e.status("landing-2"), "REJECTED");
    // Unknown orders: 404.
    assert_eq!(
        h.call("GET", "/sim/ecom-landing/nope", &[], None).status,
        404
    );
    assert_eq!(
        agent
            .post(&h.url("/sim/ecom-landing/nope/approve"))
            .send("")
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
