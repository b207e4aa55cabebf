//! eCom v2 state machine over real HTTP: the checklist's REFUND and VOID orders, partial
//! captures, cancel with and without shouldReleaseRemainingFunds, every documented refusal
//! with its code, and X-Request-Id idempotency (replay = one effect; different body = 93).

mod common;
mod ecom_common;

use ecom_common::{client, error_codes, initiate_body, Ecom};
use serde_json::json;
use vipps_sim::{SimOptions, DEFAULT_MSN};

fn ops(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(o, a)| (o.to_string(), *a)).collect()
}

#[test]
fn a_complete_order_ends_in_refund() {
    let h = common::start();
    let e = client(&h);
    let r = e.initiate("acme-shop-123-order1", 20000);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let v = r.json();
    assert_eq!(v["orderId"], "acme-shop-123-order1");
    assert_eq!(
        v["url"],
        format!(
            "{}/sim/ecom-landing/acme-shop-123-order1",
            h.server.base_url()
        )
    );
    assert_eq!(e.status("acme-shop-123-order1"), "INITIATE");
    let d = e.details("acme-shop-123-order1");
    assert!(
        d.get("transactionSummary").is_none(),
        "no summary before the user acts: {d}"
    );

    assert_eq!(e.force_approve("acme-shop-123-order1").status, 200);
    assert_eq!(e.status("acme-shop-123-order1"), "RESERVE");

    let r = e.capture("acme-shop-123-order1", None, "cap-1");
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["transactionInfo"]["status"], "Captured");
    assert_eq!(v["transactionInfo"]["amount"], 20000);
    assert_eq!(v["transactionInfo"]["transactionText"], "Shipped");
    assert!(
        v["transactionInfo"]["transactionId"]
            .as_str()
            .unwrap()
            .len()
            >= 10
    );
    assert_eq!(
        v["transactionSummary"],
        json!({"capturedAmount": 20000, "remainingAmountToCapture": 0, "refundedAmount": 0, "remainingAmountToRefund": 20000})
    );

    let r = e.refund("acme-shop-123-order1", 20000, "ref-1");
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["transaction"]["status"], "Refund");
    assert_eq!(v["transactionSummary"]["refundedAmount"], 20000);
    assert_eq!(v["transactionSummary"]["remainingAmountToRefund"], 0);

    assert_eq!(e.status("acme-shop-123-order1"), "REFUND");
    let d = e.details("acme-shop-123-order1");
    let log = d["transactionLogHistory"].as_array().unwrap();
    assert_eq!(
        e.operations("acme-shop-123-order1"),
        ops(&[
            ("REFUND", 20000),
            ("CAPTURE", 20000),
            ("RESERVE", 20000),
            ("INITIATE", 20000)
        ])
    );
    assert_eq!(log[0]["requestId"], "ref-1");
    assert_eq!(log[1]["requestId"], "cap-1");
    assert!(log.iter().all(|l| l["operationSuccess"] == true));
    // Newest first: timestamps never increase down the list.
    let stamps: Vec<&str> = log
        .iter()
        .map(|l| l["timeStamp"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]), "{stamps:?}");
    assert_eq!(
        log[2]["transactionId"], log[3]["transactionId"],
        "RESERVE reuses the INITIATE id"
    );

    let entry = h.ledger_entry("acme-shop-123-order1");
    assert_eq!(entry["api"], "ecom");
    assert_eq!(entry["msn"], DEFAULT_MSN);
    assert_eq!(entry["state"], "REFUND");
    assert_eq!(entry["currency"], "NOK");
    assert_eq!(
        (
            entry["amount"].as_i64(),
            entry["authorized"].as_i64(),
            entry["captured"].as_i64(),
            entry["refunded"].as_i64(),
            entry["cancelled"].as_i64()
        ),
        (Some(20000), Some(20000), Some(20000), Some(20000), Some(0))
    );
    assert_eq!(entry["captures"], json!([20000]));
    assert_eq!(entry["refunds"], json!([20000]));
}

#[test]
fn a_cancel_after_reserve_ends_in_void_and_a_cancel_before_in_cancel() {
    let h = common::start();
    let e = client(&h);
    e.reserved("order-void", 15000);
    let r = e.cancel("order-void", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["transactionInfo"]["status"], "Cancelled");
    assert_eq!(v["transactionInfo"]["amount"], 15000);
    assert_eq!(v["transactionInfo"]["transactionText"], "Cancelled");
    assert_eq!(v["transactionSummary"]["remainingAmountToCapture"], 0);
    assert_eq!(e.status("order-void"), "VOID");
    assert_eq!(e.operations("order-void")[0], ("VOID".to_string(), 15000));
    let entry = h.ledger_entry("order-void");
    assert_eq!(
        (entry["state"].as_str(), entry["cancelled"].as_i64()),
        (Some("VOID"), Some(15000))
    );

    assert_eq!(e.initiate("order-cancel", 5000).status, 200);
    let r = e.cancel("order-cancel", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(e.status("order-cancel"), "CANCEL");
    assert_eq!(e.operations("order-cancel")[0].0, "CANCEL");
    // The user can no longer approve it; capture is not allowed (91); refund is 73.
    assert_eq!(error_codes(&e.force_approve("order-cancel")), ["91"]);
    assert_eq!(error_codes(&e.capture("order-cancel", None, "c")), ["91"]);
    assert_eq!(error_codes(&e.refund("order-cancel", 100, "r")), ["73"]);
    assert_eq!(
        error_codes(&e.capture("order-void", Some(100), "c")),
        ["91"]
    );
    assert_eq!(error_codes(&e.refund("order-void", 100, "r")), ["73"]);
    assert_eq!(error_codes(&e.cancel("order-void", None)), ["91"]);
}

#[test]
fn partial_captures_then_cancel_needs_should_release_remaining_funds() {
    let h = common::start();
    let e = client(&h);
    e.reserved("order-parts", 10000);
    let r = e.capture("order-parts", Some(3000), "p1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["transactionSummary"]["remainingAmountToCapture"],
        7000
    );
    let r = e.capture("order-parts", Some(2000), "p2");
    assert_eq!(r.json()["transactionSummary"]["capturedAmount"], 5000);
    assert_eq!(e.status("order-parts"), "CAPTURE");

    // More than what is left: 61. Nothing changes.
    let r = e.capture("order-parts", Some(5001), "p3");
    assert_eq!(r.status, 400);
    assert_eq!(error_codes(&r), ["61"]);
    assert_eq!(r.json()[0]["errorGroup"], "Payment");

    // Cancel without the flag (and with it false) is refused after a partial capture.
    assert_eq!(error_codes(&e.cancel("order-parts", None)), ["51"]);
    assert_eq!(error_codes(&e.cancel("order-parts", Some(false))), ["51"]);
    // With it, the rest is released.
    let r = e.cancel("order-parts", Some(true));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["transactionInfo"]["status"], "Cancelled");
    assert_eq!(
        v["transactionSummary"],
        json!({"capturedAmount": 5000, "remainingAmountToCapture": 0, "refundedAmount": 0, "remainingAmountToRefund": 5000})
    );
    assert_eq!(e.operations("order-parts")[0], ("VOID".to_string(), 5000));
    let entry = h.ledger_entry("order-parts");
    assert_eq!(entry["captures"], json!([3000, 2000]));
    assert_eq!(
        (entry["captured"].as_i64(), entry["cancelled"].as_i64()),
        (Some(5000), Some(5000))
    );
    // Nothing is left to capture; what was captured can still be refunded, up to the captured.
    assert_eq!(
        error_codes(&e.capture("order-parts", Some(100), "p4")),
        ["91"]
    );
    assert_eq!(error_codes(&e.refund("order-parts", 5001, "r1")), ["71"]);
    assert_eq!(e.refund("order-parts", 2500, "r2").status, 200);
    assert_eq!(e.refund("order-parts", 2500, "r3").status, 200);
    assert_eq!(error_codes(&e.refund("order-parts", 1, "r4")), ["71"]);
    assert_eq!(
        h.ledger_entry("order-parts")["refunds"],
        json!([2500, 2500])
    );
}

#[test]
fn documented_refusals_carry_their_codes() {
    let h = common::start();
    let e = client(&h);
    // 34: the orderId is used for this MSN.
    assert_eq!(e.initiate("dup-order", 1000).status, 200);
    let r = e.initiate("dup-order", 1000);
    assert_eq!((r.status, error_codes(&r)), (400, vec!["34".to_string()]));
    assert_eq!(r.json()[0]["errorGroup"], "Merchant");
    // 35 (HTTP 404): no such order for the MSN.
    for r in [
        e.capture("nope", None, "x"),
        e.refund("nope", 100, "x"),
        e.cancel("nope", None),
        e.force_approve("nope"),
    ] {
        assert_eq!((r.status, error_codes(&r)), (404, vec!["35".to_string()]));
    }
    let r = h.call(
        "GET",
        "/ecomm/v2/payments/nope/details",
        &e.headers(None),
        None,
    );
    assert_eq!((r.status, error_codes(&r)), (404, vec!["35".to_string()]));
    // 62: capture before the user reserved; 72: refund of an uncaptured order.
    assert_eq!(error_codes(&e.capture("dup-order", None, "c1")), ["62"]);
    assert_eq!(error_codes(&e.refund("dup-order", 100, "r1")), ["72"]);
    e.reserved("reserved-order", 1000);
    assert_eq!(error_codes(&e.refund("reserved-order", 100, "r1")), ["72"]);
    // 92: approving twice.
    assert_eq!(error_codes(&e.force_approve("reserved-order")), ["92"]);
    // 51: cancel a fully captured order, even asking to release the rest.
    assert_eq!(
        e.capture("reserved-order", Some(0), "c1").status,
        200,
        "0 captures all"
    );
    assert_eq!(error_codes(&e.cancel("reserved-order", None)), ["51"]);
    assert_eq!(error_codes(&e.cancel("reserved-order", Some(true))), ["51"]);
    // 61: capture when everything is captured.
    assert_eq!(
        error_codes(&e.capture("reserved-order", None, "c2")),
        ["61"]
    );
    // 91: the integration-test approve does not support express orders.
    let mut express = initiate_body("express-1", 1000, "http://127.0.0.1:9/cb");
    express["merchantInfo"]["paymentType"] = json!("eComm Express Payment");
    express["merchantInfo"]["consentRemovalPrefix"] = json!("http://127.0.0.1:9/consents");
    express["merchantInfo"]["shippingDetailsPrefix"] = json!("http://127.0.0.1:9/shipping");
    assert_eq!(e.initiate_raw(&express, None).status, 200);
    assert_eq!(error_codes(&e.force_approve("express-1")), ["91"]);
    assert_eq!(e.status("express-1"), "INITIATE");
}

#[test]
fn authentication_and_merchant_serial_numbers() {
    let h = common::start_with(SimOptions {
        merchant_serial_numbers: vec![DEFAULT_MSN.into(), "654321".into()],
        ..SimOptions::default()
    });
    let e = client(&h);
    let body = initiate_body("auth-1", 1000, "http://127.0.0.1:9/cb").to_string();
    let post =
        |headers: &[(&str, &str)]| h.call("POST", "/ecomm/v2/payments", headers, Some(&body));
    let r = post(&[(
        "Ocp-Apim-Subscription-Key",
        vipps_sim::DEFAULT_SUBSCRIPTION_KEY,
    )]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()[0]["errorGroup"], "Authentication");
    let r = post(&[("Authorization", e.bearer.as_str())]);
    assert_eq!((r.status, error_codes(&r).len()), (401, 1));
    let r = post(&[
        ("Authorization", "Bearer forged"),
        (
            "Ocp-Apim-Subscription-Key",
            vipps_sim::DEFAULT_SUBSCRIPTION_KEY,
        ),
    ]);
    assert_eq!(r.status, 401);

    // The body MSN must be an accepted one (403) and well-formed (400).
    let mut other = initiate_body("auth-2", 1000, "http://127.0.0.1:9/cb");
    other["merchantInfo"]["merchantSerialNumber"] = json!("999999");
    assert_eq!(e.initiate_raw(&other, None).status, 403);
    other["merchantInfo"]["merchantSerialNumber"] = json!("12ab");
    let r = e.initiate_raw(&other, None);
    assert_eq!(
        (r.status, error_codes(&r)),
        (400, vec!["merchantInfo.merchantSerialNumber".to_string()])
    );
    other["merchantInfo"]["merchantSerialNumber"] = json!(123456);
    assert_eq!(
        e.initiate_raw(&other, None).status,
        400,
        "the MSN is a string"
    );

    // orderIds are unique per MSN: the same id under the second MSN is a different order.
    assert_eq!(e.initiate("shared-id", 1000).status, 200);
    let mut second = initiate_body("shared-id", 2000, "http://127.0.0.1:9/cb");
    second["merchantInfo"]["merchantSerialNumber"] = json!("654321");
    assert_eq!(e.initiate_raw(&second, None).status, 200);
    let mut headers = e.headers(None);
    headers.push(("Merchant-Serial-Number", "654321"));
    let r = h.call("GET", "/ecomm/v2/payments/shared-id/status", &headers, None);
    assert_eq!(r.json()["transactionInfo"]["amount"], 2000);
    assert_eq!(
        e.details("shared-id")["transactionLogHistory"][0]["amount"],
        1000,
        "no header: the keys' own MSN"
    );
    // A header that disagrees with the body is refused.
    let r = h.call(
        "POST",
        "/ecomm/v2/payments/shared-id/capture",
        &[headers.clone(), vec![("X-Request-Id", "x")]].concat(),
        Some(&Ecom::action_body(None, "t").to_string()),
    );
    assert_eq!(
        (r.status, error_codes(&r)),
        (400, vec!["merchantInfo.merchantSerialNumber".to_string()])
    );
}

#[test]
fn x_request_id_is_required_and_replays_the_first_answer() {
    let h = common::start();
    let e = client(&h);
    e.reserved("idem-1", 10000);
    let body = Ecom::action_body(Some(1000), "Part 1");
    // Required on capture and refund, at most 40 characters.
    let r = e.raw_action("POST", "idem-1", "capture", &body, None);
    assert_eq!(
        (r.status, error_codes(&r)),
        (400, vec!["X-Request-Id".to_string()])
    );
    let long = "x".repeat(41);
    let r = e.raw_action("POST", "idem-1", "capture", &body, Some(&long));
    assert_eq!(error_codes(&r), ["X-Request-Id"]);
    let r = e.raw_action("POST", "idem-1", "refund", &body, None);
    assert_eq!(error_codes(&r), ["X-Request-Id"]);

    let first = e.raw_action("POST", "idem-1", "capture", &body, Some("cap-A"));
    assert_eq!(first.status, 200, "{}", first.body);
    let again = e.raw_action("POST", "idem-1", "capture", &body, Some("cap-A"));
    assert_eq!(
        (again.status, again.body.as_str()),
        (200, first.body.as_str())
    );
    assert_eq!(
        h.ledger_entry("idem-1")["captures"],
        json!([1000]),
        "one effect"
    );
    assert_eq!(e.operations("idem-1").len(), 3);

    // Same id, different body: 93, nothing changes.
    let other = Ecom::action_body(Some(2000), "Part 1");
    let r = e.raw_action("POST", "idem-1", "capture", &other, Some("cap-A"));
    assert_eq!((r.status, error_codes(&r)), (400, vec!["93".to_string()]));
    assert_eq!(h.ledger_entry("idem-1")["captured"], 1000);
    // The id is per endpoint: the same id on refund is a new request.
    let r = e.raw_action(
        "POST",
        "idem-1",
        "refund",
        &Ecom::action_body(Some(500), "r"),
        Some("cap-A"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = e.raw_action(
        "POST",
        "idem-1",
        "refund",
        &Ecom::action_body(Some(500), "r"),
        Some("cap-A"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(h.ledger_entry("idem-1")["refunds"], json!([500]));

    // Initiate: a replay with the same id answers the first 200 (not 34); another body is 93.
    let init = initiate_body("idem-2", 1000, "http://127.0.0.1:9/cb");
    let a = e.initiate_raw(&init, Some("init-1"));
    let b = e.initiate_raw(&init, Some("init-1"));
    assert_eq!((a.status, b.status, a.body == b.body), (200, 200, true));
    let mut changed = init.clone();
    changed["transaction"]["amount"] = json!(2000);
    assert_eq!(
        error_codes(&e.initiate_raw(&changed, Some("init-1"))),
        ["93"]
    );
    assert_eq!(error_codes(&e.initiate_raw(&init, None)), ["34"]);
    // A refused request is replayed too, and a replay of a refused capture changes nothing.
    let r1 = e.capture("idem-2", None, "too-early");
    let r2 = e.capture("idem-2", None, "too-early");
    assert_eq!(
        (error_codes(&r1), r1.body == r2.body),
        (vec!["62".to_string()], true)
    );
}

#[test]
fn order_locked_94_can_be_injected_as_a_fault() {
    let h = common::start();
    let e = client(&h);
    e.reserved("locked-1", 1000);
    let fault = json!({
        "method": "POST", "path": "/ecomm/v2/payments/*/capture", "action": "respond", "status": 400,
        "body": [{"errorGroup": "VippsError", "errorCode": "94", "errorMessage": "Order locked and is already processing.", "contextId": "x"}],
        "headers": {"Content-Type": "application/json;charset=UTF-8"}
    });
    assert_eq!(h.control("POST", "/_sim/faults", Some(fault)).status, 201);
    let r = e.capture("locked-1", None, "lock-1");
    assert_eq!(error_codes(&r), ["94"]);
    assert_eq!(h.ledger_entry("locked-1")["captured"], 0, "not processed");
    // Retrying with the same X-Request-Id later succeeds.
    assert_eq!(e.capture("locked-1", None, "lock-1").status, 200);
}

#[test]
fn control_api_user_actions_and_reset() {
    let h = common::start();
    let e = client(&h);
    assert_eq!(e.initiate("ctl-approve", 1000).status, 200);
    assert_eq!(e.initiate("ctl-reject", 1000).status, 200);
    assert_eq!(e.initiate("ctl-expire", 1000).status, 200);
    let r = h.control("POST", "/_sim/payments/ctl-approve/approve", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["transactionLogHistory"][0]["operation"], "RESERVE");
    assert_eq!(
        h.control("POST", "/_sim/payments/ctl-reject/reject", None)
            .status,
        200
    );
    assert_eq!(
        h.control("POST", "/_sim/payments/ctl-expire/expire", None)
            .status,
        200
    );
    assert_eq!(e.status("ctl-approve"), "RESERVE");
    assert_eq!(e.status("ctl-reject"), "REJECTED");
    assert_eq!(e.operations("ctl-reject")[0].0, "CANCEL");
    assert_eq!(e.status("ctl-expire"), "CANCEL");
    let r = h.control("POST", "/_sim/payments/ctl-reject/approve", None);
    assert_eq!(r.status, 400);
    assert_eq!(
        h.control("POST", "/_sim/payments/unknown/approve", None)
            .status,
        404
    );

    let ledger = h.control("GET", "/_sim/ledger", None).json();
    let states: Vec<(String, String)> = ledger["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["reference"].as_str().unwrap().into(),
                p["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(states.contains(&("ctl-approve".into(), "RESERVE".into())));
    assert!(states.contains(&("ctl-reject".into(), "REJECTED".into())));

    assert_eq!(h.control("POST", "/_sim/reset", None).status, 204);
    assert_eq!(
        h.control("GET", "/_sim/ledger", None).json()["payments"],
        json!([])
    );
    let r = h.call(
        "GET",
        "/ecomm/v2/payments/ctl-approve/details",
        &e.headers(None),
        None,
    );
    assert_eq!(r.status, 404);
    // The orderId can be used again after a reset.
    assert_eq!(e.initiate("ctl-approve", 1000).status, 200);
}
