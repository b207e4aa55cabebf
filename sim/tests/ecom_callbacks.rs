//! eCom v2 callbacks over real HTTP: the payment callback with the authToken, one attempt only,
//! callback faults and the delivery log, the express shipping-details round trip, static
//! shipping, user rejection and timeout statuses, and consent removal.

mod common;
mod ecom_common;

use ecom_common::{client, deliveries, eventually, initiate_body, Merchant};
use serde_json::{json, Value};
use std::time::Duration;
use vipps_sim::DEFAULT_MSN;

fn express_body(order_id: &str, m: &Merchant) -> Value {
    let mut b = initiate_body(order_id, 20000, &format!("{}/cb", m.base));
    let info = &mut b["merchantInfo"];
    info["paymentType"] = json!("eComm Express Payment");
    info["consentRemovalPrefix"] = json!(format!("{}/consents", m.base));
    info["shippingDetailsPrefix"] = json!(format!("{}/shipping", m.base));
    b
}

fn shipping_answer(order_id: &str) -> String {
    json!({
        "addressId": 3960,
        "orderId": order_id,
        "shippingDetails": [
            {"isDefault": "N", "priority": 1, "shippingCost": 99, "shippingMethod": "Walking", "shippingMethodId": "walk"},
            {"isDefault": "Y", "priority": 2, "shippingCost": 49.5, "shippingMethod": "Running", "shippingMethodId": "run"}
        ]
    })
    .to_string()
}

#[test]
fn a_regular_callback_carries_the_auth_token_and_the_reservation() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::ok();
    let body = initiate_body("cb-order-1", 20000, &format!("{}/cb", m.base));
    assert_eq!(e.initiate_raw(&body, None).status, 200);
    assert_eq!(e.force_approve("cb-order-1").status, 200);
    let got = m.wait_for("/cb", 1, 5);
    let cb = &got[0];
    assert_eq!(cb.method, "POST");
    assert_eq!(cb.path, "/cb/v2/payments/cb-order-1");
    assert_eq!(
        cb.headers.get("authorization").map(String::as_str),
        Some("token-cb-order-1")
    );
    let v: Value = serde_json::from_str(&cb.body).unwrap();
    assert_eq!(v["merchantSerialNumber"], DEFAULT_MSN);
    assert_eq!(v["orderId"], "cb-order-1");
    assert_eq!(v["transactionInfo"]["amount"], 20000);
    assert_eq!(v["transactionInfo"]["status"], "RESERVED");
    let details = e.details("cb-order-1");
    assert_eq!(
        v["transactionInfo"]["transactionId"],
        details["transactionLogHistory"][0]["transactionId"]
    );
    assert!(v["transactionInfo"]["timeStamp"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert!(v.get("shippingDetails").is_none() && v.get("userDetails").is_none());
    eventually(5, "the delivery log entry", || {
        deliveries(&h, "ecom").len() == 1
    });
    let log = deliveries(&h, "ecom");
    assert_eq!(
        (log[0]["attempt"].as_u64(), log[0]["status"].as_u64()),
        (Some(1), Some(200))
    );
    // Merchant operations send no callback.
    assert_eq!(e.capture("cb-order-1", None, "c").status, 200);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(m.received().len(), 1);
}

#[test]
fn without_an_auth_token_no_authorization_header_is_sent() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::ok();
    let mut body = initiate_body("cb-noauth", 1000, &format!("{}/cb", m.base));
    body["merchantInfo"]
        .as_object_mut()
        .unwrap()
        .remove("authToken");
    assert_eq!(e.initiate_raw(&body, None).status, 200);
    assert_eq!(e.force_approve("cb-noauth").status, 200);
    let got = m.wait_for("/cb", 1, 5);
    assert!(
        !got[0].headers.contains_key("authorization"),
        "{:?}",
        got[0].headers
    );
}

#[test]
fn a_failing_callback_gets_exactly_one_attempt() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::start(|_| (500, String::new()));
    let body = initiate_body("cb-fail", 1000, &format!("{}/cb", m.base));
    assert_eq!(e.initiate_raw(&body, None).status, 200);
    assert_eq!(e.force_approve("cb-fail").status, 200);
    m.wait_for("/cb", 1, 5);
    eventually(5, "the failed attempt in the log", || {
        deliveries(&h, "ecom").len() == 1
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(m.received().len(), 1, "no retry");
    let log = deliveries(&h, "ecom");
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0]["attempt"].as_u64(), log[0]["status"].as_u64()),
        (Some(1), Some(500))
    );
    // The order is reserved regardless: the merchant must poll /details.
    assert_eq!(e.status("cb-fail"), "RESERVE");

    // A callback fault for target "ecom" drops the next one: logged as attempt 0, never sent.
    let fault = json!({"target": "ecom", "action": "drop"});
    assert_eq!(
        h.control("POST", "/_sim/callback-faults", Some(fault))
            .status,
        201
    );
    let body = initiate_body("cb-drop", 1000, &format!("{}/cb", m.base));
    assert_eq!(e.initiate_raw(&body, None).status, 200);
    assert_eq!(e.force_approve("cb-drop").status, 200);
    eventually(5, "the dropped delivery", || {
        deliveries(&h, "ecom").len() == 2
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(m.received().len(), 1);
    assert_eq!(deliveries(&h, "ecom")[1]["attempt"], 0);
}

#[test]
fn user_rejection_is_cancelled_and_a_timeout_rejected() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::ok();
    for id in ["cb-reject", "cb-expire"] {
        let body = initiate_body(id, 1000, &format!("{}/cb", m.base));
        assert_eq!(e.initiate_raw(&body, None).status, 200);
    }
    assert_eq!(
        h.control("POST", "/_sim/payments/cb-reject/reject", None)
            .status,
        200
    );
    assert_eq!(
        h.control("POST", "/_sim/payments/cb-expire/expire", None)
            .status,
        200
    );
    let got = m.wait_for("/cb", 2, 5);
    let status_of = |id: &str| {
        got.iter().find(|r| r.path.ends_with(id)).map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["transactionInfo"]["status"].clone()
        })
    };
    assert_eq!(status_of("cb-reject"), Some(json!("CANCELLED")));
    assert_eq!(status_of("cb-expire"), Some(json!("REJECTED")));
}

#[test]
fn express_approval_fetches_shipping_details_and_calls_back_with_them() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::start(|r| {
        if r.path.contains("/shippingDetails") {
            let order_id = r.path.split('/').nth(4).unwrap_or("").to_string();
            (200, shipping_answer(&order_id))
        } else {
            (200, String::new())
        }
    });
    assert_eq!(
        e.initiate_raw(&express_body("express-order-1", &m), None)
            .status,
        200
    );
    let r = h.control("POST", "/_sim/payments/express-order-1/approve", None);
    assert_eq!(r.status, 200, "{}", r.body);

    let shipping = m.wait_for("/shipping", 1, 5);
    let s = &shipping[0];
    assert_eq!(s.method, "POST");
    assert_eq!(
        s.path,
        "/shipping/v2/payments/express-order-1/shippingDetails"
    );
    assert_eq!(
        s.headers.get("authorization").map(String::as_str),
        Some("token-express-order-1")
    );
    let req: Value = serde_json::from_str(&s.body).unwrap();
    assert!(req["addressId"].as_i64().unwrap() >= 100);
    for k in [
        "addressLine1",
        "addressLine2",
        "city",
        "country",
        "postCode",
    ] {
        assert!(req[k].is_string(), "{k} in {req}");
    }

    let cb = m.wait_for("/cb", 1, 5);
    let v: Value = serde_json::from_str(&cb[0].body).unwrap();
    assert_eq!(
        cb[0].headers.get("authorization").map(String::as_str),
        Some("token-express-order-1")
    );
    assert_eq!(
        v["transactionInfo"]["status"], "RESERVE",
        "express uses RESERVE"
    );
    assert_eq!(
        v["transactionInfo"]["amount"],
        20000 + 4950,
        "the default option's cost is added"
    );
    assert_eq!(v["shippingDetails"]["shippingMethodId"], "run");
    assert_eq!(v["shippingDetails"]["shippingMethod"], "Running");
    assert_eq!(v["shippingDetails"]["shippingCost"], 49.5);
    assert_eq!(v["shippingDetails"]["address"]["postCode"], req["postCode"]);
    for k in [
        "bankIdVerified",
        "dateOfBirth",
        "email",
        "firstName",
        "lastName",
        "mobileNumber",
        "ssn",
        "userId",
    ] {
        assert!(v["userDetails"][k].is_string(), "userDetails.{k} in {v}");
    }
    assert_eq!(v["userDetails"]["mobileNumber"], "91234567");

    let d = e.details("express-order-1");
    assert_eq!(d["shippingDetails"], v["shippingDetails"]);
    assert_eq!(d["userDetails"], v["userDetails"]);
    assert_eq!(d["transactionSummary"]["remainingAmountToCapture"], 24950);
    eventually(5, "the shipping delivery log entry", || {
        deliveries(&h, "ecom_shipping").len() == 1
    });
    assert_eq!(deliveries(&h, "ecom_shipping")[0]["status"], 200);

    // Consent removal: DELETE [consentRemovalPrefix]/v2/consents/{userId}, URL-encoded.
    let user_id = v["userDetails"]["userId"].as_str().unwrap().to_string();
    let encoded: String = user_id
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let r = h.control(
        "POST",
        &format!("/_sim/ecom/consents/{encoded}/remove"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let del = m.wait_for("/consents", 1, 5);
    assert_eq!(del[0].method, "DELETE");
    assert_eq!(del[0].path, format!("/consents/v2/consents/{encoded}"));
    assert_eq!(
        del[0].headers.get("authorization").map(String::as_str),
        Some("token-express-order-1")
    );
    eventually(5, "the consent delivery log entry", || {
        deliveries(&h, "ecom_consent").len() == 1
    });
    assert_eq!(
        h.control("POST", "/_sim/ecom/consents/someone-else/remove", None)
            .status,
        404
    );
}

#[test]
fn express_with_static_shipping_makes_no_shipping_call_and_honours_the_choice() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::ok();
    let mut b = express_body("express-static", &m);
    b["merchantInfo"]["staticShippingDetails"] = json!([
        {"isDefault": "Y", "priority": 1, "shippingCost": 99, "shippingMethod": "Walking", "shippingMethodId": "walk"},
        {"isDefault": "N", "priority": 2, "shippingCost": 199, "shippingMethod": "Running", "shippingMethodId": "run"}
    ]);
    assert_eq!(e.initiate_raw(&b, None).status, 200);
    let choice = json!({"userInfo": {"mobileNumber": "98765432", "firstName": "Grace"}, "shippingDetails": {"city": "Bergen", "shippingMethodId": "run"}});
    let r = h.control(
        "POST",
        "/_sim/payments/express-static/approve",
        Some(choice),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Synchronous: reserved at once.
    assert_eq!(e.status("express-static"), "RESERVE");
    let cb = m.wait_for("/cb", 1, 5);
    let v: Value = serde_json::from_str(&cb[0].body).unwrap();
    assert_eq!(v["shippingDetails"]["shippingMethodId"], "run");
    assert_eq!(v["shippingDetails"]["address"]["city"], "Bergen");
    assert_eq!(v["transactionInfo"]["amount"], 20000 + 19900);
    assert_eq!(v["userDetails"]["firstName"], "Grace");
    assert_eq!(v["userDetails"]["mobileNumber"], "98765432");
    std::thread::sleep(Duration::from_millis(200));
    assert!(m.received().iter().all(|r| !r.path.contains("shipping")));
    assert!(deliveries(&h, "ecom_shipping").is_empty());
}

#[test]
fn a_failed_shipping_call_leaves_the_order_initiated() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::start(|r| {
        if r.path.contains("/shippingDetails") {
            (200, r#"{"shippingDetails": []}"#.to_string())
        } else {
            (200, String::new())
        }
    });
    assert_eq!(
        e.initiate_raw(&express_body("express-bad", &m), None)
            .status,
        200
    );
    assert_eq!(
        h.control("POST", "/_sim/payments/express-bad/approve", None)
            .status,
        200
    );
    eventually(5, "the failed shipping call", || {
        deliveries(&h, "ecom_shipping").len() == 1
    });
    let log = deliveries(&h, "ecom_shipping");
    assert!(
        log[0]["error"].as_str().unwrap().contains("empty"),
        "{log:?}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(e.status("express-bad"), "INITIATE");
    assert!(m.received().iter().all(|r| !r.path.starts_with("/cb")));
    // The user may try again (here: the merchant still answers badly), or reject.
    assert_eq!(
        h.control("POST", "/_sim/payments/express-bad/reject", None)
            .status,
        200
    );
    let cb = m.wait_for("/cb", 1, 5);
    let v: Value = serde_json::from_str(&cb[0].body).unwrap();
    assert_eq!(v["transactionInfo"]["status"], "CANCELLED");
    assert!(v.get("userDetails").is_none());

    // A dropped shipping call (callback fault) is logged and nothing is reserved either.
    let fault = json!({"target": "ecom_shipping", "action": "drop"});
    assert_eq!(
        h.control("POST", "/_sim/callback-faults", Some(fault))
            .status,
        201
    );
    assert_eq!(
        e.initiate_raw(&express_body("express-drop", &m), None)
            .status,
        200
    );
    assert_eq!(
        h.control("POST", "/_sim/payments/express-drop/approve", None)
            .status,
        200
    );
    eventually(5, "the dropped shipping call", || {
        deliveries(&h, "ecom_shipping").len() == 2
    });
    assert_eq!(deliveries(&h, "ecom_shipping")[1]["attempt"], 0);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(e.status("express-drop"), "INITIATE");
    // While an express approval waits, a second approval is refused.
    let slow = Merchant::start(|r| {
        if r.path.contains("/shippingDetails") {
            std::thread::sleep(Duration::from_millis(600));
            (200, shipping_answer("express-slow"))
        } else {
            (200, String::new())
        }
    });
    assert_eq!(
        e.initiate_raw(&express_body("express-slow", &slow), None)
            .status,
        200
    );
    assert_eq!(
        h.control("POST", "/_sim/payments/express-slow/approve", None)
            .status,
        200
    );
    let r = h.control("POST", "/_sim/payments/express-slow/approve", None);
    assert_eq!(r.status, 400, "{}", r.body);
    eventually(5, "the slow reservation", || {
        e.status("express-slow") == "RESERVE"
    });
}

#[test]
fn a_callback_receiver_slower_than_3_seconds_times_out_without_retry() {
    let h = common::start();
    let e = client(&h);
    let m = Merchant::start(|_| {
        std::thread::sleep(Duration::from_millis(3_600));
        (200, String::new())
    });
    let body = initiate_body("cb-slow", 1000, &format!("{}/cb", m.base));
    assert_eq!(e.initiate_raw(&body, None).status, 200);
    assert_eq!(e.force_approve("cb-slow").status, 200);
    eventually(8, "the timed-out attempt", || {
        deliveries(&h, "ecom").len() == 1
    });
    let log = deliveries(&h, "ecom");
    assert!(log[0]["status"].is_null(), "{log:?}");
    assert!(log[0]["error"].is_string());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(deliveries(&h, "ecom").len(), 1, "no retry");
}
