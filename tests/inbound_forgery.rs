//! Forged, replayed, malformed and oversized inbound requests are refused with an answer
//! the plugin can send back, and nothing in the answer leaks a secret.

mod common;

use common::receiver::{Captured, Receiver};
use common::{payment_request, reference, session_request, Harness};
use serde_json::{json, Value};
use std::time::Duration;
use vipps::{Client, ErrorKind};

const SECRET: &str = "a-callback-secret-for-the-tests";

/// One real signed webhook delivery (AUTHORIZED) and the webhook's secret.
fn signed_delivery(h: &Harness) -> (Captured, String) {
    let receiver = Receiver::start();
    let admin = h.client();
    let hook = admin
        .register_webhook(&json!({"url": receiver.url("/hooks/vipps?site=2"), "events": ["epayments.payment.authorized.v1"]}))
        .unwrap();
    let r = reference("forge");
    admin.create_payment(&payment_request(&r, 1500)).unwrap();
    h.approve(&r);
    let all = receiver.wait_until(10, |all| !all.is_empty());
    (all[0].clone(), hook["secret"].as_str().unwrap().to_owned())
}

fn refused(answer: &Value, status: u16, reason: &str) {
    assert_eq!(answer["event"]["verified"], false, "{answer}");
    assert_eq!(answer["response"]["status"], status, "{answer}");
    assert_eq!(answer["response"]["body"], "");
    let rejection = answer["event"]["rejection"].as_str().unwrap();
    assert!(
        rejection.contains(reason),
        "expected {reason:?} in {rejection:?}"
    );
    assert!(
        answer["event"].get("status").is_none(),
        "nothing is accepted"
    );
}

fn with_header(request: &Value, name: &str, value: Option<&str>) -> Value {
    let mut request = request.clone();
    let headers = request["headers"].as_object_mut().unwrap();
    headers.retain(|k, _| !k.eq_ignore_ascii_case(name));
    if let Some(v) = value {
        headers.insert(name.to_owned(), json!(v));
    }
    request
}

#[test]
fn forged_webhooks_are_refused() {
    let h = Harness::start();
    let (delivery, secret) = signed_delivery(&h);
    let client = h.client_with(json!({"webhook_secrets": [secret]}));
    let request = delivery.request_json();
    let body = delivery.body.clone();
    let ok = client.handle_callback(&request, &body).unwrap();
    assert_eq!(ok["event"]["verified"], true, "{ok}");

    // Any byte of the body changed.
    let mut altered = body.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x01;
    refused(
        &client.handle_callback(&request, &altered).unwrap(),
        401,
        "x-ms-content-sha256",
    );
    // A replayed signature with a new body and its matching hash.
    let new_body = String::from_utf8(body.clone())
        .unwrap()
        .replace("1500", "150000");
    assert_ne!(new_body.as_bytes(), body.as_slice());
    let hash = vipps::inbound::webhook_signature::content_hash(new_body.as_bytes());
    let replay = with_header(&request, "x-ms-content-sha256", Some(&hash));
    refused(
        &client
            .handle_callback(&replay, new_body.as_bytes())
            .unwrap(),
        401,
        "signature does not match",
    );
    // Another date, path, query, host or method than was signed.
    let date = delivery.header("x-ms-date").unwrap();
    let other_date =
        httpdate::fmt_http_date(httpdate::parse_http_date(date).unwrap() + Duration::from_secs(1));
    let cases = [
        with_header(&request, "x-ms-date", Some(&other_date)),
        with_header(&request, "host", Some("shop.example")),
        {
            let mut r = request.clone();
            r["url"] = json!("/hooks/vipps?site=3");
            r
        },
        {
            let mut r = request.clone();
            r["url"] = json!("/hooks/vipps");
            r
        },
        {
            let mut r = request.clone();
            r["method"] = json!("PUT");
            r
        },
    ];
    for forged in cases {
        refused(
            &client.handle_callback(&forged, &body).unwrap(),
            401,
            "signature does not match",
        );
    }
    // Missing headers.
    for name in ["x-ms-date", "authorization"] {
        let mut forged = with_header(&request, name, None);
        forged["kind"] = json!("epayment_webhook");
        refused(
            &client.handle_callback(&forged, &body).unwrap(),
            401,
            &format!(
                "no {}",
                if name == "authorization" {
                    "Authorization"
                } else {
                    name
                }
            ),
        );
    }
    // Stale and future dates (the delivery is replayed 301 s later, or the clock is 301 s behind).
    let sent = httpdate::parse_http_date(date).unwrap();
    let late = client
        .handle_callback_at(&request, &body, sent + Duration::from_secs(301))
        .unwrap();
    refused(&late, 401, "301 s old");
    let early = client
        .handle_callback_at(&request, &body, sent - Duration::from_secs(301))
        .unwrap();
    refused(&early, 401, "in the future");
    let within = client
        .handle_callback_at(&request, &body, sent + Duration::from_secs(299))
        .unwrap();
    assert_eq!(within["event"]["verified"], true);
    // A shorter configured window.
    let strict = h.client_with(json!({"webhook_secrets": [secret], "webhook_max_age_secs": 10}));
    refused(
        &strict
            .handle_callback_at(&request, &body, sent + Duration::from_secs(11))
            .unwrap(),
        401,
        "at most 10 s",
    );

    // The wrong secret, no secret; rotation accepts the old and the new one.
    let wrong = h.client_with(json!({"webhook_secrets": ["not-the-secret"]}));
    let answer = wrong.handle_callback(&request, &body).unwrap();
    refused(&answer, 401, "signature does not match");
    refused(
        &h.client().handle_callback(&request, &body).unwrap(),
        401,
        "no webhook_secrets",
    );
    let rotating = h.client_with(json!({"webhook_secrets": ["an-older-secret", secret]}));
    assert_eq!(
        rotating.handle_callback(&request, &body).unwrap()["event"]["verified"],
        true
    );
    // The absolute URL's authority stands in for a missing Host header.
    let mut absolute = with_header(&request, "host", None);
    let host = delivery.header("host").unwrap();
    absolute["url"] = json!(format!("http://{host}{}", delivery.target));
    assert_eq!(
        client.handle_callback(&absolute, &body).unwrap()["event"]["verified"],
        true
    );
    let no_host = with_header(&request, "host", None);
    refused(
        &client.handle_callback(&no_host, &body).unwrap(),
        401,
        "no Host header",
    );

    let text = serde_json::to_string(&answer).unwrap();
    assert!(!text.contains(&secret) && !text.contains("not-the-secret"));
}

/// A Checkout callback as Vipps sends it, for `reference`, carrying `token`.
fn checkout_callback(reference: &str, token: Option<&str>) -> (Value, Vec<u8>) {
    let body = json!({
        "sessionId": "fAkE-sEsSiOn-1", "merchantSerialNumber": "123456", "reference": reference,
        "sessionState": "PaymentSuccessful", "paymentMethod": "Wallet",
        "paymentDetails": {"amount": {"value": 24900, "currency": "NOK"}, "state": "AUTHORIZED",
            "aggregate": {"authorizedAmount": {"value": 24900, "currency": "NOK"},
                "cancelledAmount": {"value": 0, "currency": "NOK"}, "capturedAmount": {"value": 0, "currency": "NOK"},
                "refundedAmount": {"value": 0, "currency": "NOK"}}}
    });
    let mut headers = json!({"Content-Type": "application/json", "Host": "shop.example"});
    if let Some(token) = token {
        headers["Authorization"] = json!(token);
    }
    (
        json!({"method": "POST", "url": format!("/vipps/callback/{reference}"), "headers": headers}),
        serde_json::to_vec(&body).unwrap(),
    )
}

#[test]
fn forged_checkout_callbacks_are_refused() {
    let h = Harness::start();
    let client: Client = h.client_with(json!({"callback_secret": SECRET}));
    let order = "acme-order-10001";
    let token = client.checkout_callback_token(order).unwrap();
    let (request, body) = checkout_callback(order, Some(&token));
    let ok = client.handle_callback(&request, &body).unwrap();
    assert_eq!(ok["event"]["verified"], true, "{ok}");
    assert_eq!(ok["event"]["status"], "authorized");

    // The token of another order, a wrong token, none at all, an empty one.
    let other = client.checkout_callback_token("acme-order-10002").unwrap();
    for (token, reason) in [
        (Some(other.as_str()), "does not match"),
        (
            Some("c172ad8d-9499-41d4-b8ff-c689be6455e9"),
            "does not match",
        ),
        (None, "no Authorization header"),
        (Some(""), "does not match"),
    ] {
        let (request, body) = checkout_callback(order, token);
        let answer = client.handle_callback(&request, &body).unwrap();
        refused(&answer, 401, reason);
        assert!(!answer.to_string().contains(&token_of(&client, order)));
    }
    // A body for another order under this order's token.
    let (request, _) = checkout_callback(order, Some(&token));
    let (_, other_body) = checkout_callback("acme-order-10002", None);
    refused(
        &client.handle_callback(&request, &other_body).unwrap(),
        401,
        "does not match",
    );
    // The plugin says which order it expects: a body for another one is refused.
    let (mut request, body) = checkout_callback(order, Some(&token));
    request["reference"] = json!("acme-order-10002");
    refused(
        &client.handle_callback(&request, &body).unwrap(),
        401,
        "not the expected",
    );
    // A Bearer prefix is tolerated; the query parameter works where Authorization is stripped.
    let (request, body) = checkout_callback(order, Some(&format!("Bearer {token}")));
    assert_eq!(
        client.handle_callback(&request, &body).unwrap()["event"]["verified"],
        true
    );
    let (mut request, body) = checkout_callback(order, None);
    request["url"] = json!(format!("/vipps/callback/{order}?callback_token={token}"));
    assert_eq!(
        client.handle_callback(&request, &body).unwrap()["event"]["verified"],
        true
    );
    // Without callback_secret and without expected_token nothing can verify.
    let (request, body) = checkout_callback(order, Some(&token));
    refused(
        &h.client().handle_callback(&request, &body).unwrap(),
        401,
        "expected_token",
    );
}

fn token_of(client: &Client, reference: &str) -> String {
    client.checkout_callback_token(reference).unwrap()
}

#[test]
fn malformed_unknown_empty_and_huge_bodies_are_answered_not_accepted() {
    let h = Harness::start();
    let client = h.client_with(json!({"callback_secret": SECRET}));
    let token = client.checkout_callback_token("acme-order-10001").unwrap();
    let headers = json!({"Authorization": token});
    let request = |kind: Option<&str>| {
        let mut r = json!({"method": "POST", "url": "/vipps/callback", "headers": headers});
        if let Some(kind) = kind {
            r["kind"] = json!(kind);
        }
        r
    };
    let cases: Vec<(Value, Vec<u8>, u16, &str)> = vec![
        (request(Some("checkout_callback")), vec![], 400, "empty"),
        (
            request(Some("checkout_callback")),
            b"{\"sessionId\": ".to_vec(),
            400,
            "not a JSON object",
        ),
        (
            request(Some("checkout_callback")),
            b"[1,2,3]".to_vec(),
            400,
            "not a JSON object",
        ),
        (
            request(Some("checkout_callback")),
            b"\xff\xfe{}".to_vec(),
            400,
            "not a JSON object",
        ),
        (
            request(Some("checkout_callback")),
            b"{\"sessionState\":\"PaymentSuccessful\"}".to_vec(),
            400,
            "no reference",
        ),
        (
            request(Some("epayment_webhook")),
            b"{}".to_vec(),
            401,
            "no x-ms-content-sha256",
        ),
        (
            request(None),
            b"{\"hello\":\"world\"}".to_vec(),
            400,
            "not a recognized",
        ),
        (request(None), vec![], 400, "not a recognized"),
        (
            request(None),
            vec![b' '; vipps::inbound::MAX_BODY + 1],
            413,
            "at most 1048576",
        ),
        (
            request(Some("ecom_callback")),
            br#"{"orderId":"acme-order-10001"}"#.to_vec(),
            401,
            "does not match",
        ),
    ];
    for (request, body, status, reason) in cases {
        let answer = client.handle_callback(&request, &body).unwrap();
        refused(&answer, status, reason);
    }
    // A huge body is refused before it is parsed, whatever it holds.
    let mut huge = br#"{"sessionId":"s","sessionState":"PaymentSuccessful","reference":"acme-order-10001","x":""#.to_vec();
    huge.resize(vipps::inbound::MAX_BODY + 10, b'a');
    huge.extend_from_slice(b"\"}");
    refused(
        &client.handle_callback(&request(None), &huge).unwrap(),
        413,
        "bytes",
    );
    // A callback sent with GET is refused.
    let (mut get, body) = checkout_callback("acme-order-10001", Some(&token));
    get["method"] = json!("GET");
    refused(&client.handle_callback(&get, &body).unwrap(), 405, "POST");

    // Mistakes in request_json itself are the plugin's bugs: invalid_input errors.
    for (bad, expected) in [
        (json!({"method": "POST"}), "url is required"),
        (
            json!({"url": "/x", "headers": "Authorization: x"}),
            "headers must be an object",
        ),
        (json!({"url": "/x", "headers": {"Host": 5}}), "headers.Host"),
        (
            json!({"url": "/x", "kind": "webhook"}),
            "kind must be one of",
        ),
        (json!([1]), "must be a JSON object"),
    ] {
        let err = client.handle_callback(&bad, b"{}").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
        assert!(err.message.contains(expected), "{}", err.message);
    }
}

#[test]
fn a_real_session_callback_verifies_only_for_its_own_session() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let client = h.client_with(json!({"callback_secret": SECRET}));
    let a = reference("co-forge-a");
    let b = reference("co-forge-b");
    for r in [&a, &b] {
        let mut request = session_request(r, 1000);
        request["merchantInfo"]["callbackUrl"] = json!(receiver.url("/cb"));
        client.create_session(&request).unwrap();
    }
    h.approve(&a);
    let all = receiver.wait_until(10, |all| !all.is_empty());
    let delivery = &all[0];
    assert_eq!(delivery.json()["reference"], a.as_str());
    // B's token on A's delivery: refused.
    let forged = with_header(
        &delivery.request_json(),
        "Authorization",
        Some(&token_of(&client, &b)),
    );
    refused(
        &client.handle_callback(&forged, &delivery.body).unwrap(),
        401,
        "does not match",
    );
    // A's body rewritten to claim B: refused, its token is A's.
    let text = String::from_utf8(delivery.body.clone())
        .unwrap()
        .replace(&a, &b);
    refused(
        &client
            .handle_callback(&delivery.request_json(), text.as_bytes())
            .unwrap(),
        401,
        "does not match",
    );
}
